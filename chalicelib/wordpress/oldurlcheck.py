"""Does a built site answer every old URL of the WordPress export it came from?

`old_urls(export)` lists what the old site answered and a reader may have kept: each published item's
link and guid (`?p=` forms included), the permalinks before a rename, the later pages of a split post,
attachment pages (`?attachment_id=` and the attachment's own link), the year and month archives of
posts, category, tag and author archives with their ID queries (`?cat=`, `?tag=`, `?author=`), and
the feeds. `check_old_urls(export, public)` checks them
against a Hugo build (`public/`) and counts them (`N/M`); `unanswered` lists the ones that fail. A
path answers when the build has a file or an alias page there, or its `_redirects` file a plain rule
for it (Presslift publishes each as an S3 redirect); a query answers when the home page carries the
redirect script and its published map sends the query to a page the build has.
`make bench-fidelity` and the tests call these.

This module only reads the export and the build; it never writes or fetches anything.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from chalicelib.redirectrules import FILE as REDIRECTS_FILE
from chalicelib.redirectrules import Rule, read_rules
from chalicelib.wordpress.datearchives import (
    archive_day,
    archive_terms,
    common_front,
    day_paths,
    front_path,
    permalink_front,
)
from chalicelib.wordpress.links import url_host, url_path
from chalicelib.wordpress.oldurls import (
    QUERY_FORMS,
    archive_page_paths,
    comment_page_paths,
    feed_paths,
    links_to_file,
    page_paths,
    renamed_paths,
    site_base_path,
    site_feed_paths,
    site_relative,
)
from chalicelib.wordpress.options import ConvertOptions
from chalicelib.wordpress.plan import SKIPPED_TAXONOMIES
from chalicelib.wordpress.slugs import slugify
from chalicelib.wordpress.statuses import item_status
from chalicelib.wordpress.terms import category_parents, term_archives, term_key
from chalicelib.wordpress.wxr import ExportReader, read_as_importer

# quoted as Hugo writes it, or bare as its minifier may leave it
MAP_ATTRIBUTE = re.compile(r'data-map=(?:"([^"]+)"|([^"\s>]+))')


@dataclass(frozen=True)
class OldUrl:
    """One address of the old site, and what in the export it belongs to."""

    url: str  # a path ("/2024/05/hello/") or a query ("/?p=12")
    source: str  # "post 12 link", "category news", "feed"
    kind: str = "page"  # "page", "query", "feed", or "file" (an upload: it answers only with the media)


def _local(url: str, hosts: set[str]) -> str:
    """The path and query of an old-site URL ("" for other hosts and non-web links)."""
    url = url.strip()
    host = url_host(url)
    if not url or (host and host not in hosts) or (not host and not url.startswith(("/", "?"))):
        return ""
    parts = urlsplit(url)
    path = url_path(url) if parts.path else "/"
    return f"{path}?{parts.query}" if parts.query else path


def old_urls(export: Path, options: ConvertOptions | None = None) -> list[OldUrl]:
    """Every old URL of the export that the converted site must answer (published items only)."""
    return read_as_importer(export, partial(_old_urls, options=options or ConvertOptions()))


def _old_urls(reader: ExportReader, options: ConvertOptions) -> list[OldUrl]:
    candidates: list[tuple[str, str, str]] = []
    hosts: set[str] = set()

    def add(url: str, source: str, kind: str = "page") -> None:
        candidates.append((url, source, kind))

    terms: set[tuple[str, str, int]] = set()
    archives: Counter[str] = Counter()  # published posts by year and month (datearchives.py)
    term_posts: Counter[tuple[str, str]] = Counter()  # published items by term_key
    days: dict[str, set[str]] = {}  # month -> its days with published posts
    author_posts: Counter[str] = Counter()  # published posts by author login
    front: list[str] | None = None  # their permalinks' static head
    for item in reader.items():
        if not links_to_file(item):  # as the converter does: every item's page is on the old site
            hosts.add(url_host(item.link))
        for term in item.terms:
            terms.add((term.taxonomy, term.slug, 0))
        label = f"{item.type} {item.id}"
        if item.type == "attachment":
            add(item.link, f"{label} link", "file" if links_to_file(item) else "page")
            if item.id:
                add(f"/?attachment_id={item.id}", f"{label} id", "query")
            continue
        if item.type in options.skip_types or item_status(item) != "published":
            continue
        term_posts.update({term_key(term.taxonomy, term.slug) for term in item.terms if term.slug})
        if item.type == "post":
            author_posts[item.creator] += 1
        add(item.link, f"{label} link")
        add(item.guid, f"{label} guid")
        if item.id:
            add(f"/?p={item.id}", f"{label} id", "query")
        renamed = renamed_paths(
            item.link,
            item.slug,
            item.date,
            item.meta_values("_wp_old_slug"),
            item.meta_values("_wp_old_date"),
        )
        for path in renamed:
            add(path, f"{label} old permalink")
        for path in page_paths(item.link, item.content):
            add(path, f"{label} later page")
        for path in comment_page_paths(item.link, item.comments):
            add(path, f"{label} comment page")
        if item.type == "post":
            dated = archive_terms(item.date)  # [year, month], or none
            archives.update(dated)
            if day := archive_day(item.date):
                days.setdefault(dated[1], set()).add(day)
            if "?" not in item.link:
                path = site_relative(url_path(item.link), site_base_path(reader.site))
                front = common_front(front, permalink_front(path, item.slug, item.id, item.date))
    under = front_path(front)
    for archive, posts in sorted(archives.items()):
        for head in dict.fromkeys(["/", under]):
            path = head + archive.replace("-", "/") + "/"
            for later in [path, *archive_page_paths(path, posts)]:
                add(later, f"date archive {archive}")
    for month, month_days in sorted(days.items()):
        for path in day_paths(month, month_days, under):
            add(path, f"date archive of a day in {month}")
    site = reader.site
    for term in site.terms:
        terms.add((term.taxonomy, term.slug, term.id))
    parents = category_parents(site.terms)
    for taxonomy, slug, term_id in sorted(terms):
        # WordPress sanitises a nicename before it becomes a URL ("Company News" -> company-news)
        clean = slugify(slug)
        if taxonomy in SKIPPED_TAXONOMIES or not clean:
            continue
        for archive in term_archives(taxonomy, slug, parents):
            add(archive, f"{taxonomy} {slug}")
            for later in archive_page_paths(archive, term_posts[term_key(taxonomy, slug)]):
                add(later, f"{taxonomy} {slug} later page")
            for feed in feed_paths(archive):
                add(feed, f"{taxonomy} {slug} feed", "feed")
        if taxonomy == "category" and term_id:
            add(f"/?cat={term_id}", f"{taxonomy} {slug} id", "query")
        if taxonomy == "post_tag":
            add(f"/?tag={quote(clean)}", f"{taxonomy} {slug} query", "query")
    for author in site.authors.values():
        if re.fullmatch(r"[\w.@-]+", author.login):
            add(f"/author/{author.login}/", f"author {author.login}")
            for later in archive_page_paths(f"/author/{author.login}/", author_posts[author.login]):
                add(later, f"author {author.login} later page")
            add(f"/author/{author.login}/feed/", f"author {author.login} feed", "feed")
        if author.id:
            add(f"/?author={author.id}", f"author {author.login} id", "query")
    add(site.link or site.base_blog_url or "/", "home page")
    for feed in site_feed_paths():
        add(feed, "feed", "feed")
    add("/?feed=rss2", "feed", "query")
    hosts |= {url_host(site.link), url_host(site.base_blog_url)}
    hosts.discard("")
    found: dict[str, OldUrl] = {}
    base = site_base_path(site)
    for url, source, kind in candidates:
        local = site_relative(_local(url, hosts), base)
        if local and local not in found:
            found[local] = OldUrl(local, source, "query" if "?" in local and kind == "page" else kind)
    return sorted(found.values(), key=lambda u: u.url)


def _serves(public: Path, path: str, redirects: frozenset[str] = frozenset()) -> bool:
    relative = path.lstrip("/")
    if relative.startswith("..") or "/../" in relative:
        return False
    if relative in redirects or f"{relative.rstrip('/')}/index.html" in redirects:
        return True
    candidate = public / relative
    if relative == "" or relative.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate.is_file()


def published_redirects(public: Path) -> frozenset[str]:
    """The paths the build's `_redirects` file redirects with a plain rule, as the publish step keeps
    them (the object each is published at: `old/index.html` for `/old/`)."""
    rules = public / REDIRECTS_FILE
    if not rules.is_file():
        return frozenset()
    found = read_rules(rules.read_bytes(), "https://site.invalid/").rules
    return frozenset(rule.path for rule in found if isinstance(rule, Rule))


def published_query_map(public: Path) -> dict[str, dict[str, str]]:
    """The map the home page's redirect script uses, as published ({} when the page has no script)."""
    home = public / "index.html"
    match = MAP_ATTRIBUTE.search(home.read_text(errors="replace")) if home.is_file() else None
    if match is None:
        return {}
    name = (match.group(1) or match.group(2)).rsplit("/", 1)[-1]
    published = public / name
    return json.loads(published.read_text()) if published.is_file() else {}


def answer(
    url: OldUrl, public: Path, query_map: dict[str, dict[str, str]], redirects: frozenset[str] = frozenset()
) -> str:
    """Where the build answers `url` ("" when it does not): a path of the build (or of its
    `redirects`, see `published_redirects`), or the map's target."""
    path, _, query = url.url.partition("?")
    if query:
        params = parse_qs(query)
        keys = {*QUERY_FORMS, *query_map}  # WordPress's forms and custom types' query vars
        for key, values in params.items():
            target = query_map.get(key, {}).get(values[0]) if key in keys else None
            if target and (target.startswith(("http://", "https://")) or _serves(public, target)):
                return target
        if path == "/" and not any(key in keys for key in params) and _serves(public, path):
            return path  # a query the old site ignored, such as ?utm_source=
        return ""
    return path if _serves(public, path, redirects) else ""


@dataclass(frozen=True)
class OldUrlCheck:
    """The outcome of checking an export's old URLs against a build."""

    checked: tuple[OldUrl, ...]
    unanswered: tuple[OldUrl, ...]

    @property
    def answered(self) -> int:
        return len(self.checked) - len(self.unanswered)

    def summary(self) -> str:
        """`N/M` old URLs answered, as `make bench-fidelity` prints a measure."""
        return f"{self.answered}/{len(self.checked)}"


def check_old_urls(
    export: Path, public: Path, options: ConvertOptions | None = None, *, with_files: bool = True
) -> OldUrlCheck:
    """Checks every old URL of `export` against the Hugo build in `public` (its `public/` folder).

    `with_files=False` leaves out uploads (kind "file"), for a site converted without its media.
    """
    query_map, redirects = published_query_map(public), published_redirects(public)
    checked = tuple(u for u in old_urls(export, options) if with_files or u.kind != "file")
    return OldUrlCheck(checked, tuple(u for u in checked if not answer(u, public, query_map, redirects)))


def unanswered(
    export: Path, public: Path, options: ConvertOptions | None = None, *, with_files: bool = True
) -> list[OldUrl]:
    """The old URLs of `export` that the Hugo build in `public` does not answer (empty: all answer)."""
    return list(check_old_urls(export, public, options, with_files=with_files).unanswered)
