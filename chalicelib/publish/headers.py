"""HTTP headers for published files: Content-Type by extension, Cache-Control by configured rules,
and the site's own headers per path (its `_headers` file, see chalicelib/headerrules.py).

Pure functions only: no I/O. The manifest records the content type at build time, so the publish
plan can compare it with what the bucket holds.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from chalicelib.contenttypes import content_type_for
from chalicelib.errors import ConfigError
from chalicelib.pagehosts import METADATA_KEY as PAGE_HOSTS_KEY
from chalicelib.scripthashes import METADATA_KEY

__all__ = [
    "DEFAULT_CACHE_RULES",
    "CacheRule",
    "HeaderRule",
    "cache_control_for",
    "content_type_for",
    "site_headers_for",
]

#: S3 keeps 2 KB of user metadata per object (names and values); our MD5 takes 35 bytes of it.
METADATA_BUDGET = 1900
#: The metadata name prefix of a site's own header (`x-amz-meta-h-access-control-allow-origin`).
SITE_HEADER_PREFIX = "h-"
#: The metadata keys of a page's inline scripts' digests and of the hosts it may load from.
SCRIPT_HASHES = METADATA_KEY
PAGE_HOSTS = PAGE_HOSTS_KEY


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    # Extensions come in either case (photo.JPG), so rules match regardless of case.
    return re.compile(pattern, re.IGNORECASE)


@dataclass(frozen=True)
class CacheRule:
    """One Cache-Control rule: `pattern` is a regular expression searched in the file's path.

    Rules are tried in order and the first match wins, as in Hugo's deployment matchers.
    """

    pattern: str
    cache_control: str

    def __post_init__(self) -> None:
        try:
            _compiled(self.pattern)
        except re.error as exc:
            raise ConfigError(
                f"cache rule {self.pattern!r} is not a valid regular expression: {exc}"
            ) from exc
        if not self.cache_control.strip():
            raise ConfigError(f"cache rule {self.pattern!r} has an empty Cache-Control value")

    def matches(self, path: str) -> bool:
        return _compiled(self.pattern).search(path) is not None


REVALIDATE = "public, max-age=0, must-revalidate"
IMMUTABLE_YEAR = "public, max-age=31536000, immutable"
ONE_WEEK = "public, max-age=604800"

# Hugo's `fingerprint` puts a hex digest (sha256 by default, 64 chars; md5 is 32) before the extension:
# such a file never changes under its name, so browsers and CDNs may keep it a year.
DEFAULT_CACHE_RULES: tuple[CacheRule, ...] = (
    CacheRule(r"\.[0-9a-f]{32,64}\.[a-z0-9]+$", IMMUTABLE_YEAR),
    CacheRule(r"(^|/)[^/]*\.(html?|xml|rss|json|webmanifest|txt)$", REVALIDATE),
    CacheRule(r"\.(png|jpe?g|gif|webp|avif|svg|ico|bmp|tiff?)$", ONE_WEEK),
    CacheRule(r"\.(woff2?|ttf|otf|eot|mp4|webm|mp3|ogg|wav|pdf)$", ONE_WEEK),
    # Unfingerprinted CSS/JS and anything else: a deploy must reach browsers at once.
    CacheRule(r".", REVALIDATE),
)


def cache_control_for(path: str, rules: Sequence[CacheRule] = DEFAULT_CACHE_RULES) -> str:
    """The Cache-Control of `path` by the first matching rule; revalidate when no rule matches."""
    for rule in rules:
        if rule.matches(path):
            return rule.cache_control
    return REVALIDATE


@dataclass(frozen=True)
class HeaderRule:
    """One header of the site's own for the files whose path `pattern` matches (lower-case `name`)."""

    pattern: str
    name: str
    value: str

    def matches(self, path: str) -> bool:
        return _compiled(self.pattern).search(path) is not None


@dataclass(frozen=True)
class SiteHeaders:
    """What a file is published with beyond its suffix's defaults: its Content-Type ("" for the one its
    suffix gives), its metadata as sorted (key, value) pairs, and the header names left out for S3's
    metadata budget."""

    content_type: str = ""
    extra: tuple[tuple[str, str], ...] = ()
    left_out: tuple[str, ...] = ()


def site_headers_for(
    path: str, rules: Sequence[HeaderRule], script_hashes: Sequence[str] = (), page_hosts: Sequence[str] = ()
) -> SiteHeaders:
    """The metadata that `path` is published with beyond its MD5: the site's own headers (every matching
    rule applies, a later one replacing an earlier one's value for the same name, as Netlify does) as
    `h-<name>`, and its inline scripts' digests (`script-hashes`, see chalicelib/scripthashes.py),
    which come first, and for a page the hosts the operator lets it load from (`page-hosts`, see
    chalicelib/pagehosts.py); headers past S3's metadata budget are left out."""
    if not page_hosts or not path.lower().endswith((".html", ".htm")):
        page_hosts = ()
    if not rules and not script_hashes and not page_hosts:
        return SiteHeaders()
    found: dict[str, str] = {}
    for rule in rules:
        if rule.matches(path):
            found[rule.name] = rule.value
    content_type = found.pop("content-type", "")
    extra: list[tuple[str, str]] = []
    spent = 0
    for key, values in ((SCRIPT_HASHES, script_hashes), (PAGE_HOSTS, page_hosts)):
        if values:
            value = " ".join(values)
            extra.append((key, value))
            spent += len(key) + len(value)
    left_out: list[str] = []
    for name, value in sorted(found.items()):
        cost = len(SITE_HEADER_PREFIX) + len(name) + len(value.encode())
        if spent + cost > METADATA_BUDGET:
            left_out.append(name)
            continue
        spent += cost
        extra.append((SITE_HEADER_PREFIX + name, value))
    return SiteHeaders(content_type, tuple(sorted(extra)), tuple(left_out))
