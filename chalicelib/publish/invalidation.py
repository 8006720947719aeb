"""Which CloudFront paths to invalidate for a set of changed keys, collapsed to a few wildcards.

CloudFront charges for invalidation paths past the free 1,000 a month and allows one wildcard, at the
end of a path; so we invalidate only the changed URLs and, when they are many, merge the ones that share
the longest prefix into `prefix*` until at most `limit` remain (at worst `/*`). Pure functions only.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from urllib.parse import quote

MAX_INVALIDATION_PATHS = 8
EVERYTHING = "/*"
# Below this many paths, merge one group at a time (most precise); above, every group at the longest
# prefix at once, so a first publish of thousands of files collapses in a few passes.
_PRECISE_BELOW = 64

# A prefix must not end inside a %XX escape, or the wildcard would cut a character in half.
_PARTIAL_ESCAPE = re.compile(r"%[0-9A-Fa-f]?$")


def url_paths_for_key(key: str, origin_path: str) -> list[str]:
    """The URL paths (as CloudFront sees them) that serve S3 `key`: `/dir/` and `/dir/index.html`.

    `origin_path` ("" or "/site") is the part of the key CloudFront adds in front of the URL path.
    A key outside the origin path is not served by the distribution, so it has no URL.
    """
    full = "/" + key
    if origin_path:
        if not full.startswith(origin_path + "/"):
            return []
        full = full[len(origin_path) :]
    paths = [full]
    if full.endswith("/index.html"):
        paths.append(full[: -len("index.html")])
    return [quote(path, safe="/-_.~!$&'()+,;=:@") for path in paths]


def invalidation_paths(
    keys: Iterable[str], origin_path: str, limit: int = MAX_INVALIDATION_PATHS
) -> tuple[str, ...]:
    """The paths to invalidate for changed or deleted `keys`: exact when few, else merged wildcards."""
    paths = {path for key in keys for path in url_paths_for_key(key, origin_path)}
    return tuple(sorted(collapse(paths, limit)))


def collapse(paths: Iterable[str], limit: int = MAX_INVALIDATION_PATHS) -> set[str]:
    """Merge paths into `<common prefix>*` wildcards, longest (most specific) prefixes first."""
    items = set(paths)
    while len(items) > limit:
        ordered = sorted(items, key=_stem)
        prefixes = [_common_prefix(_stem(a), _stem(b)) for a, b in itertools.pairwise(ordered)]
        longest = max(len(prefix) for prefix in prefixes)
        if longest <= 1:
            return {EVERYTHING}
        merged = {prefix + "*" for prefix in prefixes if len(prefix) == longest}
        if len(items) <= _PRECISE_BELOW:
            merged = {min(merged)}
        stems = {_stem(wild) for wild in merged}
        # Every merged prefix has length `longest`, so one slice tells whether an item is covered.
        items = {item for item in items if _stem(item)[:longest] not in stems} | merged
    return items


def _stem(path: str) -> str:
    return path[:-1] if path.endswith("*") else path


def _common_prefix(a: str, b: str) -> str:
    # Character by character on purpose: `/posts/p1*` is a finer wildcard than `/posts/*`.
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return _PARTIAL_ESCAPE.sub("", a[:size])
