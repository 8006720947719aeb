"""Where every old URL of the WordPress site goes in the Hugo site.

`SiteMap` is built from the whole export before any body is written: it knows each item's new path,
each media-library file's local path (with its resized variants), and the old hosts. It answers
"what does this old URL become?" and lists the old URLs each page must keep as aliases.

This module must never fetch anything or touch the file system.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from chalicelib.wordpress.media import MEDIA_SUFFIXES

UPLOADS_MARKER = "/wp-content/uploads/"
# Multisite's own upload paths, older and newer: a subsite's files under blogs.dir (before WordPress
# 3.5) or uploads/sites/N, and the /files/YYYY/MM/name URLs its rewrite rule served them at.
MULTISITE_UPLOADS = re.compile(r"^(?:sites/\d+|blogs\.dir/\d+/files)/")
BLOGS_DIR = re.compile(r"/wp-content/blogs\.dir/\d+/files/(.+)$")
FILES_PATH = re.compile(r"(?:^|/)files/(\d{4}/\d{2}/[^/]+)$")
LOCAL_UPLOADS_PREFIX = "/wp-content/uploads/"
RESIZED = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
QUERY_KEYS = ("p", "page_id", "attachment_id")
# A site names the same hosts and files over and over (its own host, an image in every size): the pure
# URL readers below remember their last answers.
URL_CACHE = 8192


# The common shape, "http://" or "https://" (lower case), an ASCII host name, an optional port, then
# "/", "?", "#" or the end: its host is read off directly. Anything else (user info, brackets,
# non-ASCII, controls or escapes inside the host) goes through urlsplit.
PLAIN_HOST = re.compile(r"https?://([A-Za-z0-9.-]*)(?::[0-9]*)?(?:[/?#]|$)")


def url_host(url: str) -> str:
    """The host of `url`, lower case, without "www." ("" when it has none or is not a URL)."""
    plain = PLAIN_HOST.match(url.strip())
    if plain is not None:
        return plain.group(1).lower().removeprefix("www.")
    return _split_host(url)


@functools.lru_cache(maxsize=URL_CACHE)
def _split_host(url: str) -> str:
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def url_path(url: str) -> str:
    """The path of a URL, decoded, with one trailing slash for directory-like paths."""
    try:
        path = unquote(urlsplit(url.strip()).path or "/")
    except ValueError:
        return ""
    path = posixpath.normpath("/" + path.lstrip("/"))
    if path == "/":
        return "/"
    return path + "/" if "." not in path.rsplit("/", 1)[-1] else path


#: Where an address starts in a media item's URL written with junk before it (`=https://...`).
_WEB_ADDRESS = re.compile(r"(?i)https?://")


def media_address(url: str) -> str:
    """A media item's URL as written, less anything before its address: a machine-made export wrote
    `=https://raw.githubusercontent.com/.../beanie-2.jpg` for 18 products, and Hugo showed each
    featured image as `#ZgotmplZ`. A URL with no address in it stays as it is."""
    text = url.strip()
    if not text or text.startswith("/") or text.lower().startswith(("http://", "https://")):
        return text
    found = _WEB_ADDRESS.search(text)
    return text[found.start() :] if found else text


@functools.lru_cache(maxsize=URL_CACHE)
def uploads_relative(url: str) -> str:
    """The path of an uploaded file below the uploads folder ("2025/03/x.png"), or ""."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    path = unquote(parts.path)
    blogs_dir = BLOGS_DIR.search(path)
    files = FILES_PATH.search(path)
    if UPLOADS_MARKER in path:
        rel = MULTISITE_UPLOADS.sub("", path.split(UPLOADS_MARKER, 1)[1], count=1)
    elif blogs_dir:
        rel = blogs_dir.group(1)
    elif files and posixpath.splitext(files.group(1))[1].lower() in MEDIA_SUFFIXES:
        rel = files.group(1)
    elif (parts.hostname or "").endswith(".files.wordpress.com"):
        # WordPress.com serves uploads from its own host, without the wp-content folder.
        rel = path.lstrip("/")
    else:
        return ""
    rel = posixpath.normpath(rel)
    if rel.startswith(("..", "/")) or rel == ".":
        return ""
    return rel


# Absolute URLs, and site-root paths into an uploads folder, as they appear in HTML and shortcodes.
# Every alternative starts with a literal ("h" or "/", the lookbehind after the slash), which lets the
# regex engine skip straight to where a URL can start.
MEDIA_URL_IN_TEXT = re.compile(
    r"""https?://[^\s"'<>()\[\]\\]+|//[^\s"'<>()\[\]\\]+"""
    r"""|/(?<![\w/.]/)(?:[\w.-]+/)*(?:wp-content|files)/[^\s"'<>()\[\]\\]+"""
)


def upload_urls_in(text: str) -> Iterator[str]:
    """The URLs in a post body (HTML, shortcodes) that name an uploaded file: what a fetch may need."""
    for m in MEDIA_URL_IN_TEXT.finditer(text):
        url = unescape(m.group(0)).rstrip(".,;:!?")
        if uploads_relative(url):
            yield url


@functools.lru_cache(maxsize=URL_CACHE)
def is_media_url(url: str) -> bool:
    """True for an uploaded file's URL or any URL whose name is a media file's (a.mp3, b.pdf)."""
    if uploads_relative(url):
        return True
    try:
        path = unquote(urlsplit(url.strip()).path)
    except ValueError:
        return False
    return posixpath.splitext(path)[1].lower() in MEDIA_SUFFIXES


def original_of(rel: str) -> str:
    """The original of a resized variant: 2025/03/x-580x300.png -> 2025/03/x.png."""
    return RESIZED.sub("", rel, count=1)


@dataclass
class Target:
    """The new home of an old item."""

    url: str  # "/posts/harbour-day/"
    page_ref: str  # "/posts/harbour-day" (Hugo's path of the page)
    published: bool


def _other_spelling(host: str) -> set[str]:
    """A host's other spelling: its ASCII (punycode) form for a Unicode name, and the other way."""
    try:
        if host.isascii():
            return {host.encode("ascii").decode("idna")} if "xn--" in host else set()
        return {host.encode("idna").decode("ascii")}
    except UnicodeError:  # a label IDNA refuses (too long, a disallowed character)
        return set()


#: The old site's own pages the new one answers at the same path: the home's later pages and the
#: feeds (redirect pages to Hugo's RSS, oldurls.site_feed_paths).
SITE_PATHS = re.compile(r"^/(?:page/\d{1,5}/|(?:comments/)?feed/(?:rss2/|rss/|atom/|rdf/)?)$")


@dataclass
class SiteMap:
    hosts: set[str] = field(default_factory=set)
    by_id: dict[int, Target] = field(default_factory=dict)
    by_path: dict[str, Target] = field(default_factory=dict)
    # uploads-relative path of every media-library file and every referenced upload
    media: dict[str, str] = field(default_factory=dict)  # rel -> local URL
    attachment_by_id: dict[int, str] = field(default_factory=dict)  # id -> rel
    term_urls: dict[tuple[str, str], str] = field(default_factory=dict)  # (taxonomy, wp slug) -> url
    referenced_media: set[str] = field(default_factory=set)
    available: set[str] = field(default_factory=set)  # files the uploads archive holds
    # Files the new site will have (archive and fetched); None: every upload the export knows.
    local_files: set[str] | None = None
    origin: str = ""  # the old site's root URL: where a site-root media path it lacks still lives
    # Referenced uploads the new site lacks, kept at their old URL: rel -> that URL (each is reported).
    kept_remote: dict[str, str] = field(default_factory=dict)
    # The old site's own path ("/blog" for a site at https://ex.com/blog): its home and its archives
    # are below it, and the new site's root takes its place.
    base: str = ""
    # The permalinks' front below it ("/blog/" for /blog/%postname%/), which WordPress also puts before
    # the category, tag and author archives: /blog/category/news/.
    front: str = "/"

    def add_host(self, url: str) -> None:
        host = url_host(url)
        if host:
            self.hosts.add(host)
            self.hosts.update(_other_spelling(host))  # bücher.example is xn--bcher-kva.example

    def is_old_site(self, url: str) -> bool:
        stripped = url.strip()
        if stripped.startswith(("#", "mailto:", "tel:", "data:")):
            return False
        host = url_host(stripped)
        return host in self.hosts if host else stripped.startswith("/") or stripped.startswith("?")

    def add_media(self, rel: str) -> str:
        local = LOCAL_UPLOADS_PREFIX + rel
        self.media.setdefault(rel, local)
        return local

    def media_url(self, url: str) -> str | None:
        """The local URL of an uploaded file, preferring the exact size when the archive has it."""
        rel = uploads_relative(url)
        if not rel:
            return None
        host = url_host(url)
        if (
            host
            and host not in self.hosts
            and not host.endswith(".files.wordpress.com")
            and rel not in self.media
            and original_of(rel) not in self.media
        ):
            return None
        known = self.available or self.media if self.local_files is None else self.local_files
        if rel not in known and original_of(rel) in known:
            rel = original_of(rel)
        if self.local_files is not None and rel not in known:
            # Never a path the new site does not have: the file stays where it is, and is reported.
            self.kept_remote.setdefault(rel, self.absolute(url))
            return self.kept_remote[rel]
        self.referenced_media.add(rel)
        return LOCAL_UPLOADS_PREFIX + rel

    def absolute(self, url: str) -> str:
        """`url` as an absolute URL on the old site (site-root paths resolve against `origin`)."""
        url = url.strip()
        if url.startswith("//"):
            return "https:" + url
        if url.startswith(("http://", "https://")) or not self.origin:
            return url
        return urljoin(self.origin, url)

    def rewrite(self, url: str) -> str | None:
        """The new URL for an old one, or None to leave it as it is (external or unknown)."""
        media = self.media_url(url)
        if media is not None:
            return media
        if not self.is_old_site(url):
            return None
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            return None
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        query = parse_qs(parts.query)
        for key in QUERY_KEYS:
            if key in query:
                try:
                    target = self.by_id.get(int(query[key][0]))
                except ValueError:
                    target = None
                if target is not None and target.published:
                    return target.url + fragment
        path = url_path(url)
        base = self.base
        below = path[len(base) :] or "/" if base and (path == base or path.startswith(base + "/")) else path
        if below == "/" and (not parts.query or set(query) == {"s"}):  # the old home, or its search
            return "/" + (f"?{parts.query}" if parts.query else "") + fragment
        target = self.by_path.get(path)
        if target is not None and target.published:
            return target.url + fragment
        if SITE_PATHS.match(below) and not parts.query:  # the new site answers them too
            return below + fragment
        return self._archive_url(below, fragment)

    def _archive_url(self, path: str, fragment: str) -> str | None:
        if self.front != "/" and path.startswith(self.front):
            path = path[len(self.front) - 1 :]
        segments = [s for s in path.split("/") if s]
        if len(segments) >= 2:
            kind = {"category": "category", "tag": "post_tag", "author": "author"}.get(segments[0])
            if kind:
                url = self.term_urls.get((kind, segments[-1]))
                if url:
                    return url + fragment
        return None
