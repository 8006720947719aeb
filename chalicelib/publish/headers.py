"""HTTP headers for published files: Content-Type by extension, Cache-Control by configured rules.

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

__all__ = ["DEFAULT_CACHE_RULES", "CacheRule", "cache_control_for", "content_type_for"]


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
