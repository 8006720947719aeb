"""The fidelity measures, one small function each: the export's facts against the built HTML.

Each returns a `Measure` (passed of total, and the first few failures with what failed and where).
None of them reads the converter's own report except `report_counts`, whose job is to check it.
These are the bench's own plain implementations, written so that chalicelib's old-URL, media and
`<pre>` checks can replace them one function at a time. Benchmark-only code: never imported by
chalicelib.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from bench.fidelity.export import Export, ExportItem, gmt_date, old_path, plain
from bench.fidelity.site import BuiltSite

MAX_FAILURES = 25
PUBLISHED_TIME = re.compile(r'<meta property="article:published_time" content="([^"]+)"')
TIME_TAG = re.compile(r'<time[^>]+datetime="([^"]+)"')
H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S | re.I)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
TITLE_SEPARATOR = re.compile(r"\s*(?:$|[|:·•»–—-]\s)")
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{2,6}) ?")
ATTR_URL = re.compile(r'\b(?:src|href|poster|srcset|data-src)="([^"]+)"', re.I)
MEDIA_URL = re.compile(
    r"""(?:https?:)?//[^\s"'<>\[\]]+?\.(?:jpe?g|png|gif|webp|avif|svg|bmp|ico|mp3|m4a|ogg|oga|wav|flac|"""
    r"""mp4|m4v|webm|ogv|mov|pdf)(?=[\s"'<>\[\]?#]|$)|/wp-content/uploads/[^\s"'<>\[\]?#()]+""",
    re.I,
)
GALLERY = re.compile(r"\[gallery\b([^\]]*)\]")
SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.\w+$)")
QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\xa0": " "})


@dataclass
class Measure:
    name: str
    passed: int = 0
    total: int = 0
    failures: list[str] = field(default_factory=list)
    # Cases the export cannot decide, left out of `total` (and named in the results' notes).
    not_counted: int = 0

    def check(self, ok: bool, failure: str) -> None:
        self.total += 1
        if ok:
            self.passed += 1
        elif len(self.failures) < MAX_FAILURES:
            self.failures.append(failure)

    @property
    def met(self) -> bool:
        return self.passed == self.total


def loose(text: str) -> str:
    """Text as compared across the export and the page: entities decoded, typographic quotes and
    dashes (which Hugo's typographer adds) made plain, spaces collapsed, case folded."""
    return " ".join(html.unescape(text).translate(QUOTES).split()).casefold()


def compact(text: str) -> str:
    """`loose` without any spaces: titles with inline markup (`Mark<sup>up</sup>`) compare equal."""
    return "".join(loose(text).split())


@cache
def page_text(path: Path) -> str:
    return loose(plain(path.read_text("utf-8", errors="replace")))


@cache
def page_compact(path: Path) -> str:
    return "".join(page_text(path).split())


def _label(item: ExportItem) -> str:
    return f"{item.type} {item.id} {item.title[:40]!r}"


def find_pages(export: Export, site: BuiltSite) -> dict[str, Path]:
    """Each public item's page: where its old link, else `?p=ID`, leads, if that page carries its
    title (an item with no title is taken at its URL's word); else the one page headed (`<h1>`) with
    its title, so a site that lost the old URLs still has its pages counted."""
    home = site.file_for("/")
    headed = _pages_by_heading(site)
    found: dict[str, Path] = {}
    for item in export.public_items:
        candidates = []
        if item.link:
            candidates.append(old_path(item.link, export.base_url))
        if item.id:
            candidates.append(("/", f"p={item.id}"))
        for path, query in candidates:
            page = site.answer(path, query)
            if page is None or page.suffix != ".html":
                continue
            if page == home and not (path in ("", "/") and not query):
                continue
            if (
                not item.title
                or compact(item.title) in page_compact(page)
                or _front_page_on(item, page, home)
            ):
                found[item.id] = page
                break
        else:
            same = headed.get(compact(item.title), []) if item.title else []
            if len(same) == 1:
                found[item.id] = same[0]
    return found


def _front_page_on(item: ExportItem, page: Path, home: Path | None) -> bool:
    """A static front page (its link is the site's address) shows at the home page with its text (an
    empty one is its template's); WordPress's themes show its title there or not (Twenty Twenty-One
    does not)."""
    snippet = compact(plain(item.content))[:60]
    return page == home and (len(snippet) < 20 or snippet in page_compact(page))


def _pages_by_heading(site: BuiltSite) -> dict[str, list[Path]]:
    """Pages by their first `<h1>` (a listing's later ones are the listed pages' titles)."""
    headed: dict[str, list[Path]] = {}
    for page in site.pages():
        first = H1.search(page.read_text("utf-8", errors="replace"))
        if first is not None:
            headed.setdefault(compact(plain(first.group(1))), []).append(page)
    return headed


def built_items(export: Export, pages: dict[str, Path]) -> Iterator[tuple[ExportItem, Path]]:
    """The public items whose page was found, with it: the per-item measures count only these."""
    for item in export.public_items:
        page = pages.get(item.id)
        if page is not None:
            yield item, page


def items_built(export: Export, pages: dict[str, Path]) -> Measure:
    m = Measure("items built")
    for item in export.public_items:
        m.check(item.id in pages, f"{_label(item)}: no page at its old URL or ?p={item.id}")
    return m


def unpublished_leaked(export: Export, site: BuiltSite) -> Measure:
    """Passed = hidden items that do not appear: not at `?p=ID`, not by their body text, not as a
    page titled like them: their title alone or before the site's name (text or a title shared with a
    public item or a public item's category or tag proves nothing and is not used)."""
    m = Measure("unpublished not leaked")
    public_text = " ".join(loose(plain(i.content)) for i in export.public_items)
    public_titles = {loose(i.title) for i in export.public_items}
    public_titles |= {loose(name) for i in export.public_items for name in (*i.categories, *i.tags)}
    pages = site.pages()
    titles = {p: _title(p) for p in pages}
    for item in export.items:
        if not item.hidden:
            continue
        snippet = loose(plain(item.content))[:80]
        if len(snippet) < 30 or snippet in public_text:
            snippet = ""
        title = loose(item.title)
        where = ""
        if item.id and site.answer("/", f"p={item.id}") is not None:
            where = f"?p={item.id} answers"
        for page in pages:
            if where:
                break
            if snippet and snippet in page_text(page):
                where = f"its text is in {page.relative_to(site.public)}"
            elif title and title not in public_titles and _titled(titles[page], title):
                where = f"{page.relative_to(site.public)} is titled like it"
        m.check(not where, f"{item.status} {_label(item)}: {where}")
    return m


def _titled(shown: str, title: str) -> bool:
    """A page's title is `title`, alone or followed by a separator and the site's name ("Vectorian"
    is not "Vectorian.net", nor "Some" "Some cool things")."""
    return shown.startswith(title) and TITLE_SEPARATOR.match(shown[len(title) :]) is not None


def _title(page: Path) -> str:
    match = re.search(r"<title>(.*?)</title>", page.read_text("utf-8", errors="replace"), re.S)
    return loose(match.group(1)) if match else ""


def report_counts(export: Export, report_counts: dict[str, int], pages: dict[str, Path]) -> Measure:
    """Per content type: the report's published count equals the pages built, and its counts add up
    to the export's items of that type."""
    m = Measure("report counts match")
    types = sorted({i.type for i in export.items if i.type not in ("attachment", "nav_menu_item")})
    for kind in types:
        built = sum(1 for i in export.public_items if i.type == kind and i.id in pages)
        # The report counts a scheduled post as `future` (it never reads the clock); Hugo builds it
        # once its date is past, as WordPress publishes it then.
        due = sum(1 for i in export.public_items if i.type == kind and i.status == "future")
        said = report_counts.get(f"{kind}/published", 0) + due
        m.check(said == built, f"{kind}: the report says {said} published or due, {built} built")
        total = sum(1 for i in export.items if i.type == kind)
        reported = sum(n for key, n in report_counts.items() if key.partition("/")[0] == kind)
        m.check(reported == total, f"{kind}: the report counts {reported} items, the export has {total}")
    return m


def page_date(page: Path) -> str:
    """The date a page gives itself: its `article:published_time`, else a `<time>` by its title
    (before any `<h2>`: the dates under a listing's headings are the listed pages')."""
    text = page.read_text("utf-8", errors="replace")
    shown = PUBLISHED_TIME.findall(text) or TIME_TAG.findall(text.split("<h2", 1)[0])
    return html.unescape(shown[0]) if shown else ""


def dates(export: Export, pages: dict[str, Path]) -> Measure:
    """Public items' pages show the export's date. A WordPress page (which WordPress itself shows
    without a date) whose page gives no date of its own is not counted; any other item is."""
    m = Measure("dates")
    for item, page in built_items(export, pages):
        wanted, is_utc = gmt_date(item)
        if not wanted:
            continue
        shown = page_date(page)
        if not shown:
            if item.type == "page":
                m.not_counted += 1
            else:
                m.check(False, f"{_label(item)}: its page shows no date of its own")
            continue
        try:
            value = datetime.fromisoformat(shown)
        except ValueError:
            m.check(False, f"{_label(item)}: its page's date {shown!r} is not a date")
            continue
        if is_utc and value.tzinfo is not None:
            got = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        else:
            got = value.strftime("%Y-%m-%d %H:%M:%S")
        m.check(got == wanted, f"{_label(item)}: page {got}, export {wanted}{' UTC' if is_utc else ''}")
    return m


def old_urls(export: Export, site: BuiltSite) -> Measure:
    """The old URLs of the site answer in the built one: each public item's link, its `?p=ID` (and
    `?page_id=ID` for pages), its link under each `_wp_old_slug`, the later pages of a post split into
    pages; the year, month and day archives of public posts; the later pages of every archive (ten posts a
    page, WordPress's default); attachment pages of public items;
    the archives and feeds of the categories, tags and post formats public items use (at WordPress's
    default bases, /category/ and /tag/, and /type/), and the site's /feed/ and /comments/feed/. A link
    to another host (an attachment whose link is a CDN file) is not one of the site's URLs."""
    m = Measure("old URLs answer")
    public = {i.id for i in export.public_items}
    host = urlsplit(export.base_url).netloc.casefold()

    def own(url: str) -> bool:
        return bool(url) and urlsplit(url).netloc.casefold() in ("", host)

    listed: Counter[str] = Counter()  # archive path -> public posts it lists
    site_urls: dict[tuple[str, str], str] = {
        ("/feed/", ""): "the site's feed",
        ("/comments/feed/", ""): "comments feed",
    }
    for item in export.items:
        urls: list[tuple[str, str]] = []
        if item.public:
            if own(item.link):
                path, query = old_path(item.link, export.base_url)
                urls.append((path, query))
                # WordPress follows an old slug where the permalink's last segment has the slug, alone
                # or before a suffix of the structure's (`%postname%.html`).
                head, _, last = path.rstrip("/").rpartition("/")
                suffix = last[len(item.slug) :] if item.slug and last.startswith(item.slug) else None
                for old in item.old_slugs if not query and suffix in ("", ".html", ".htm", ".php") else ():
                    if old:
                        urls.append((f"{head}/{old}{suffix}" + ("/" if path.endswith("/") else ""), ""))
                # A post split with <!--nextpage--> (one at the very start does not count) had its
                # later pages at the permalink plus N/.
                if not query and path.endswith("/"):
                    pages = item.content.removeprefix("<!--nextpage-->").count("<!--nextpage-->") + 1
                    urls += [(f"{path}{number}/", "") for number in range(2, min(pages, 100) + 1)]
            # WordPress's ids are numbers: another tool's WXR with a slug for an id (a Jekyll blog's)
            # had no such address.
            if item.id.isdigit():
                urls.append(("/", f"p={item.id}"))
            if item.type == "page" and item.id.isdigit():
                urls.append(("/", f"page_id={item.id}"))
            # WordPress's date archives list published posts by year and month.
            year, month = item.post_date[:4], item.post_date[5:7]
            if item.type == "post" and year.isdigit() and year != "0000" and month.isdigit():
                for archive in (f"/{year}/", f"/{year}/{month}/"):
                    site_urls[(archive, "")] = f"archive {archive}"
                    listed[archive] += 1
                day = item.post_date[8:10]
                if day.isdigit() and day != "00":  # a day's archive (the Calendar widget links them)
                    site_urls[(f"/{year}/{month}/{day}/", "")] = f"archive /{year}/{month}/{day}/"
            for taxonomy, slug in item.term_slugs:
                base = {"category": "/category/", "post_tag": "/tag/"}.get(taxonomy, "/type/")
                if taxonomy == "post_format":  # /type/aside/ lists the term post-format-aside
                    slug = slug.removeprefix("post-format-")
                listed[f"{base}{slug}/"] += 1
                site_urls[(f"{base}{slug}/", "")] = f"{taxonomy} {slug}"
                site_urls[(f"{base}{slug}/feed/", "")] = f"{taxonomy} {slug} feed"
        elif item.type == "attachment" and item.parent in public and own(item.link):
            urls.append(old_path(item.link, export.base_url))
        for path, query in dict.fromkeys(urls):
            url = path + (f"?{query}" if query else "")
            m.check(site.answer(path, query) is not None, f"{_label(item)}: {url} does not answer")
    # An archive's later pages, at WordPress's default ten posts a page.
    for archive, count in listed.items():
        for number in range(2, min(-(-count // 10), 100) + 1):
            site_urls[(f"{archive}page/{number}/", "")] = f"page {number} of {archive}"
    for (path, query), what in sorted(site_urls.items()):
        m.check(site.answer(path, query) is not None, f"{what}: {path} does not answer")
    return m


def taxonomies(export: Export, pages: dict[str, Path]) -> Measure:
    m = Measure("taxonomies")
    for item, page in built_items(export, pages):
        terms = item.categories + item.tags
        if not terms:
            continue
        text = page_text(page)
        missing = [t for t in terms if loose(t) not in text]
        m.check(not missing, f"{_label(item)}: {', '.join(missing[:5])} not on its page")
    return m


def _media_key(url: str) -> str:
    """A medium's name without WordPress's resized-copy suffix (photo-300x200.jpg is photo.jpg)."""
    # A page may spell the name percent-encoded (bg%28special%29.jpg): the same file to fetch.
    return SIZE_SUFFIX.sub("", _media_name(url))


def _media_name(url: str) -> str:
    """A medium's file name as written, decoded and case folded."""
    return unquote(PurePosixPath(urlsplit(url).path).name).casefold()


def media_named(item: ExportItem, export: Export) -> dict[str, str]:
    """The media files an item's content shows, by name: URLs of media files in the content (under
    wp-content/uploads, multisite /files/, WordPress.com's files host, or any attachment's file), and
    the images of its galleries (`ids`, else the attachments of the item, as WordPress does)."""
    attachments = {i.id: i for i in export.items if i.type == "attachment" and i.attachment_url}
    known = {_media_key(a.attachment_url) for a in attachments.values()}
    # A style's url() may spell a character as a CSS escape (pattern\\28 2\\29.png is pattern(2).png).
    # What an HTML comment holds shows nowhere (VimPress writes its Markdown source's URL in one).
    content = CSS_ESCAPE.sub(
        lambda found: chr(min(int(found.group(1), 16), 0x10FFFF)),
        html.unescape(HTML_COMMENT.sub("", item.content)),
    )
    named = {}
    for url in MEDIA_URL.findall(content):
        key = _media_key(url)
        path = urlsplit(url).path
        if key in known or "/wp-content/uploads/" in path or "/files/" in path or ".files.wordpress." in url:
            named[key] = url
    for gallery in GALLERY.finditer(content):
        listed = re.search(r"""\b(?:ids|include)\s*=\s*["']?([\d,\s]+)""", gallery.group(1))
        ids = re.findall(r"\d+", listed.group(1)) if listed else []
        chosen = (
            [attachments[i] for i in ids if i in attachments]
            if ids
            else [a for a in attachments.values() if a.parent == item.id]
        )
        for attachment in chosen:
            named.setdefault(_media_key(attachment.attachment_url), attachment.attachment_url)
    return named


def media_kept(export: Export, site: BuiltSite, pages: dict[str, Path]) -> Measure:
    """Each medium a public item's content shows is on its page, either as a file the built site
    serves or still at an absolute URL; a local link to a missing file is lost."""
    m = Measure("media kept")
    for item, page in built_items(export, pages):
        named = media_named(item, export)
        if not named:
            continue
        links: dict[str, list[str]] = {}
        for value in ATTR_URL.findall(page.read_text("utf-8", errors="replace")):
            for url in html.unescape(value).split(","):
                url = url.strip().split(" ")[0]
                if url:
                    links.setdefault(_media_key(url), []).append(url)
                    # A name that ends like a size itself (portrait-1000x1000.jpg) is its own key too.
                    links.setdefault(_media_name(url), []).append(url)
        for key, source in sorted(named.items()):
            urls = links.get(key, []) or links.get(_media_name(source), [])
            ok = any(_served(site, url) for url in urls)
            why = "not on its page" if not urls else f"{urls[0]} is not served"
            m.check(ok, f"{_label(item)}: {source} {why}")
    return m


def _served(site: BuiltSite, url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        return True  # kept at its original address: not the built site's to serve
    return site.file_for(parts.path) is not None


def pre_identical(export: Export, pages: dict[str, Path]) -> Measure:
    """Each `<pre>` of a built item, shown unchanged on its page (`chalicelib.wordpress.fidelity`: the
    text as a browser shows it, a `<br>` as a line break, on both sides)."""
    from chalicelib.wordpress.fidelity import pre_blocks

    m = Measure("<pre> identical")
    for item, page in built_items(export, pages):
        built = page.read_text("utf-8", errors="replace")
        for n, block in enumerate(pre_blocks(item.content, built), start=1):
            if not block.text.strip():  # an empty code block (an editor's leftover) shows no text to keep
                m.not_counted += 1
                continue
            m.check(block.identical, f"{_label(item)}: <pre> #{n} {block.text[:40]!r} differs or is gone")
    return m


LISTED_COMMENTS = frozenset({"", "comment", "pingback", "trackback"})


def comments(export: Export, pages: dict[str, Path]) -> Measure:
    m = Measure("comments")
    for item, page in built_items(export, pages):
        for comment in item.comments:
            snippet = loose(plain(comment.content))[:60]
            # WordPress's comment list shows comments and the notices of other sites; a plugin's
            # reactions (ActivityPub's "liked this!") are shown by the plugin, if at all.
            if comment.approved and snippet and comment.type in LISTED_COMMENTS:
                m.check(
                    snippet in page_text(page), f"{_label(item)}: comment {comment.id} is not on its page"
                )
    return m
