"""The old URLs of a WordPress site that the new site must still answer, beyond each item's own link.

WordPress answers more addresses than an item's permalink: the permalinks it had before a rename
(`_wp_old_slug`, `_wp_old_date`, which `wp_old_slug_redirect` still sends on), a post's later pages
and comment pages (`/post/2/`, `/post/comment-page-2/`), ID queries (`?p=`,
`?page_id=`, `?attachment_id=`, `?cat=`, `?tag=`, `?author=`, `?feed=`) and feeds (`/feed/`,
`/category/x/feed/`, `/comments/feed/` and their `rss2`/`atom` variants). A static site answers the
paths with Hugo aliases and the feeds with redirect pages to Hugo's RSS; the query forms all reach the
home page, where one script looks them up in one map: `QUERY_FORMS` here is the only list of them
(the map has one table per key, and the theme reads the keys off the map the converter writes).

This module must never touch the file system; it only computes paths and maps.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

from chalicelib.wordpress.links import LOCAL_UPLOADS_PREFIX, url_path
from chalicelib.wordpress.slugs import fit_segment, hugo_term_path, plain_text

if TYPE_CHECKING:
    from chalicelib.wordpress.plan import Plan
    from chalicelib.wordpress.wxr import Author, Comment, Item, Site

# the query keys the home page's script sends on; the map has one table per key
QUERY_FORMS = ("p", "page_id", "attachment_id", "cat", "tag", "author", "feed")
# Polylang's language in a query (`/?lang=fa`, `/?p=5&lang=fa`): the theme's script reads it last, as
# it names only the language of an address another key may name
LANGUAGE_QUERY = "lang"
# WordPress serves each feed at these paths below the archive (`feed/` is RSS 2.0); the site's own
# feed is also linked as RSS 0.92 and RDF by old themes. Each is one small redirect object.
FEED_SUFFIXES = ("feed/", "feed/rss2/", "feed/atom/")
SITE_FEED_SUFFIXES = (*FEED_SUFFIXES, "feed/rss/", "feed/rdf/")
FEED_TYPES = ("rss2", "rss", "atom", "rdf", "comments-rss2", "comments-atom")
# Paths Hugo or the site writes itself: an alias there would replace a real file.
HUGO_FILES = frozenset({"/index.xml", "/sitemap.xml", "/robots.txt", "/404.html"})
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
# one path segment that cannot climb out of its folder (an old slug is text from the export)
#: What a permalink structure may add after `%postname%` (`%postname%.html`, as Blogger's were).
PERMALINK_SUFFIXES = (".html", ".htm", ".php", ".aspx", ".asp")
SAFE_SEGMENT = re.compile(r"(?!\.{1,2}$)[^/\\?#\x00-\x1f]{1,200}")
MAX_RENAMED_PATHS = 64  # a post renamed a hundred times keeps its most recent names


def renamed_paths(link: str, slug: str, date: str, old_slugs: list[str], old_dates: list[str]) -> list[str]:
    """The old permalinks of an item WordPress still redirects after a rename or a date change.

    The permalink structure is read off the item's own link: its last segment is the slug, and the
    segments that spell the post's year, month and day are the date. Like WordPress, an old slug is
    looked up under the current date and under old dates, and the current slug under old dates.
    """
    path = url_path(link)
    segments = path.strip("/").split("/")
    current = unquote(slug).lower()
    # The slug is the last segment, alone (`/2024/05/hello/`) or before a suffix the permalink
    # structure adds (`/scala/hello.html`, `%postname%.html`): an old slug takes the same suffix.
    last = segments[-1].lower()
    suffix = "/" if path.endswith("/") else last[len(current) :]
    if not current or last != current + suffix.rstrip("/") or suffix not in ("/", *PERMALINK_SUFFIXES):
        return []
    match = DATE.match(date)
    slots: dict[int, int] = {}  # segment index -> date group (1 year, 2 month, 3 day)
    if match:
        group = 1
        for index, segment in enumerate(segments[:-1]):
            if group <= 3 and segment == match.group(group):
                slots[index] = group
                group += 1
    dates = [match] if match else []
    if slots:
        dates += [m for m in (DATE.match(d) for d in old_dates) if m is not None]
    slugs = [current] + [unquote(s).strip().lower() for s in old_slugs if s.strip()]
    found: list[str] = []
    for when in dates:
        for name in slugs:
            parts = [when.group(slots[i]) if i in slots else s for i, s in enumerate(segments[:-1])]
            candidate = "/" + "/".join([*parts, name]) + suffix
            if candidate != path and candidate not in found and SAFE_SEGMENT.fullmatch(name):
                found.append(candidate)
    return found[-MAX_RENAMED_PATHS:]


# WordPress splits a post into pages at this exact comment (the block editor's Page Break writes it
# too), after dropping one at the very start and the newlines around each.
PAGE_BREAK = "<!--nextpage-->"
MAX_PAGES = 100  # a post split a thousand times keeps addresses for its first hundred pages


def page_paths(link: str, content: str) -> list[str]:
    """The addresses of a split post's later pages: WordPress serves page N at the permalink plus
    `N/`, and the converted post is one page, so each of them leads to it."""
    if PAGE_BREAK not in content:
        return []
    path = url_path(link)
    if not path.endswith("/") or "?" in link:  # plain permalinks page with ?page=N, not a path
        return []
    pages = content.removeprefix(PAGE_BREAK).count(PAGE_BREAK) + 1
    return [f"{path}{number}/" for number in range(2, min(pages, MAX_PAGES) + 1)]


# WordPress's default top-level comments per page (Settings > Discussion); an export does not carry
# the site's.
COMMENTS_PER_PAGE = 50


def comment_page_paths(link: str, comments: list[Comment]) -> list[str]:
    """The addresses of a post's comment pages: with comments broken into pages, WordPress serves page
    N of them at the permalink plus `comment-page-N/` and links each comment there (`#comment-12`);
    the converted post shows all its comments, so each page leads to it."""
    top = sum(1 for comment in comments if comment.approved == "1" and comment.parent == 0)
    path = url_path(link)
    if not top or not path.endswith("/") or "?" in link:  # plain permalinks page with ?cpage=N
        return []
    pages = min(-(-top // COMMENTS_PER_PAGE), MAX_PAGES)
    return [f"{path}comment-page-{number}/" for number in range(1, pages + 1)]


# WordPress's default posts per archive page (Settings > Reading); an export does not carry the site's.
POSTS_PER_PAGE = 10
LATER_PAGE = re.compile(r"^(.*/)page/\d+/$")


def archive_page_paths(archive: str, posts: int) -> list[str]:
    """The later pages of an archive that lists `posts` posts: WordPress serves page N at the
    archive's path plus `page/N/` (at its default ten a page; up to MAX_PAGES)."""
    pages = min(-(-posts // POSTS_PER_PAGE), MAX_PAGES)
    base = archive if archive.endswith("/") else archive + "/"
    return [f"{base}page/{number}/" for number in range(2, pages + 1)]


#: A custom post type's query var (WordPress's default is the type's name, at most 20 characters).
QUERY_VAR = re.compile(r"[a-z0-9_-]{1,32}")
#: Query keys that name no item: WordPress's own forms (QUERY_FORMS, searches, previews, post types
#: listed by type) and trackers.
NOT_ITEM_QUERIES = frozenset(
    {*QUERY_FORMS, "s", "preview", "post_type", "name", "pagename", "paged", "page", "cpage", "amp"}
)


def item_query(link: str, base: str) -> tuple[str, str] | None:
    """The (query var, value) of an item's link of the form `/?testimonial=jane-doe`, as WordPress
    links an item of a custom type registered without rewrite rules; None for any other link."""
    try:
        parts = urlsplit(link.strip())
    except ValueError:
        return None
    params = parse_qs(parts.query)
    if site_relative(url_path(parts.path or "/"), base) != "/" or len(params) != 1:
        return None
    ((key, values),) = params.items()
    if key in NOT_ITEM_QUERIES or key.startswith("utm_") or not QUERY_VAR.fullmatch(key) or len(values) != 1:
        return None
    return key, values[0]


def site_base_path(site: Site) -> str:
    """The path the old site lived under ("/blog" for https://example.com/blog), "" at the root."""
    url = site.base_blog_url or site.link or site.base_site_url
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return ""
    return url_path(path).rstrip("/") if path.strip("/") else ""


def site_relative(path: str, base: str) -> str:
    """An old path as the new site serves it: below the old site's base path, which the new site's
    baseURL takes over (`/blog/2024/hello/` of a site at /blog is the new site's `/2024/hello/`)."""
    if base and (path == base or path.startswith(base + "/")):
        return path[len(base) :] or "/"
    return path


def links_to_file(item: Item) -> bool:
    """Whether an attachment's link is its file itself (WordPress.com, CDNs) rather than its page."""
    return item.type == "attachment" and item.link.strip() in (item.attachment_url.strip(), item.guid.strip())


def guid_id(guid: str) -> int:
    """The post id a WordPress guid spells (`https://site/?p=12`), or 0."""
    if "?" not in guid:  # no query (an attachment's guid is its file's URL): nothing to parse
        return 0
    try:
        query = parse_qs(urlsplit(guid.strip()).query)
    except ValueError:
        return 0
    for key in ("p", "page_id", "attachment_id"):
        value = query.get(key, [""])[0]
        if value.isdigit():
            return int(value)
    return 0


def feed_paths(archive: str, suffixes: tuple[str, ...] = FEED_SUFFIXES) -> list[str]:
    """Where WordPress serves the feed of an archive path ("/" or "/category/news/")."""
    base = archive if archive.endswith("/") else archive + "/"
    return [base + suffix for suffix in suffixes]


def site_feed_paths() -> list[str]:
    """The site's posts and comments feeds."""
    return feed_paths("/", SITE_FEED_SUFFIXES) + feed_paths("/comments/", SITE_FEED_SUFFIXES)


def collides_with_file(path: str, present: set[str], folders: set[str]) -> bool:
    """Whether an alias at `path` would be written over a file the site serves: an upload it has
    (`present`, uploads-relative) or a folder of them (`folders`), or a file Hugo writes itself."""
    if path in HUGO_FILES:
        return True
    if not path.startswith(LOCAL_UPLOADS_PREFIX):
        return False
    rel = path[len(LOCAL_UPLOADS_PREFIX) :].rstrip("/")
    return rel == "" or rel in present or rel in folders


def under_a_file(aliases: Iterable[str]) -> Callable[[str], bool]:
    """Whether an alias lies inside another that Hugo writes as a file of its name (one ending in
    `.html`): a post's `/2012/02/post.html` and its attachment page's `/2012/02/post.html/photo/`
    cannot both be written, and Hugo failed the whole build on them ("not a directory")."""
    files = {alias.strip("/") for alias in aliases if alias.endswith(".html")}

    def inside(alias: str) -> bool:
        parts = alias.strip("/").split("/")
        return any("/".join(parts[:n]) in files for n in range(1, len(parts)))

    return inside


def author_url(author: Author) -> str:
    """The author's archive in the new site ("" when the name gives no path)."""
    folder = fit_segment(hugo_term_path(plain_text(author.display_name) or author.login))
    return f"/authors/{folder}/" if folder else ""


def query_map(plan: Plan, media_present: set[str]) -> dict[str, dict[str, str]]:
    """The map the home page's script reads: for each query key of `QUERY_FORMS`, value -> new URL.

    `?p=` takes any item's id, `?page_id=` a page's, `?attachment_id=` an attachment's, as WordPress
    reads them. An attachment goes to the page it is attached to, else to its file when the site has
    it (by its uploads-relative path in `media_present`) or it lives on another host, else home.
    """
    items: dict[str, str] = {}
    pages: dict[str, str] = {}
    for item_id, placement in sorted(plan.placements.items()):
        if placement.status in ("published", "future"):  # Hugo shows a scheduled post from its date
            items[str(item_id)] = placement.url
            if placement.type == "page":
                pages[str(item_id)] = placement.url
    attachments: dict[str, str] = {}
    for media_id, media in sorted(plan.media.items()):
        parent = plan.placements.get(media.parent)
        if parent is not None and parent.status == "published":
            attachments[str(media_id)] = parent.url
        elif media.rel in media_present or not media.rel:
            attachments[str(media_id)] = media.local_url
        else:
            attachments[str(media_id)] = "/"
        items.setdefault(str(media_id), attachments[str(media_id)])
    # An id a guid spells (an older site's `?p=416`) never takes over the id of an item of this export:
    # WordPress answers `?p=416` with its item 416 (or with nothing, when that one is a draft).
    own_ids = {*plan.placements, *plan.skipped, *plan.media}
    for old_id, item_id in sorted(plan.id_aliases.items()):
        if old_id in own_ids:
            continue
        for table in (items, pages, attachments):
            if str(item_id) in table:
                table.setdefault(str(old_id), table[str(item_id)])
    terms = plan.sitemap.term_urls
    tables = {
        "p": items,
        "page_id": pages,
        "attachment_id": attachments,
        "cat": {str(n): url for (tax, n), url in sorted(plan.term_ids.items()) if tax == "category"},
        "tag": {slug: url for (tax, slug), url in sorted(terms.items()) if tax == "post_tag"},
        "author": {
            str(a.id): author_url(a)
            for a in sorted(plan.site.authors.values(), key=lambda a: a.id)
            if a.id and author_url(a)
        },
        "feed": dict.fromkeys(FEED_TYPES, "/index.xml"),
    }
    assert tuple(tables) == QUERY_FORMS
    for key, table in sorted(plan.item_queries.items()):  # custom types' own (/?testimonial=jane-doe)
        tables.setdefault(key, dict(sorted(table.items())))
    if plan.language_lists:  # Polylang's language set from a query (`/?lang=fa`): its posts' list
        lists = sorted(slug for plural, slug in plan.term_pages if plural == plan.language_lists)
        tables.setdefault(LANGUAGE_QUERY, {slug: f"/{plan.language_lists}/{slug}/" for slug in lists})
    return tables


def feed_map(plan: Plan) -> dict[str, str]:
    """Old feed path -> the Hugo page whose RSS it redirects to ("/" is the home page)."""
    feeds = dict.fromkeys(site_feed_paths(), "/")
    for page in plan.term_pages.values():
        for alias in page.archives:
            for path in feed_paths(alias):
                feeds.setdefault(path, f"/{page.taxonomy}/{page.folder}")
    for author in plan.site.authors.values():
        url = author_url(author)
        if url and re.fullmatch(r"[\w.@-]+", author.login):
            for path in feed_paths(f"/author/{author.login}/"):
                feeds.setdefault(path, url.rstrip("/"))
    taken = {p.url for p in plan.placements.values()}
    return {path: page for path, page in sorted(feeds.items()) if path not in taken}
