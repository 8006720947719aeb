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
    """Merge paths into `<common prefix>*` wildcards, longest (most specific) prefixes first.

    Each pass finds the longest prefix two neighbours (in sorted order) share and turns every run of
    paths that starts with such a prefix into that prefix's wildcard (only the first such prefix below
    `_PRECISE_BELOW` paths). The paths that share a prefix are neighbours, so a pass only has to look
    again where a run was merged: a first publish of thousands of files collapses in a few ms.
    """
    items = set(paths)
    if len(items) <= limit:
        return items
    ordered = sorted(items, key=_stem)
    stems = [_stem(item) for item in ordered]
    shared = [_shared_length(a, b) for a, b in itertools.pairwise(stems)]
    while len(ordered) > limit:
        longest = max(shared)
        if longest <= 1:
            return {EVERYTHING}
        pairs = [i for i, size in enumerate(shared) if size == longest]
        if len(ordered) <= _PRECISE_BELOW:
            first = min(stems[i][:longest] for i in pairs)
            pairs = [i for i in pairs if stems[i][:longest] == first]
        ordered, stems, shared = _merge_runs(ordered, stems, shared, pairs, longest)
    return set(ordered)


def _merge_runs(
    ordered: list[str], stems: list[str], shared: list[int], pairs: list[int], size: int
) -> tuple[list[str], list[str], list[int]]:
    """`ordered` with each run of neighbours that share a `size`-long prefix (`pairs`: the index of
    the first of each such pair, ascending) replaced by that prefix's wildcard; `stems` and `shared`
    (each neighbour pair's prefix length) to match. Two runs never share a prefix: it is the longest."""
    new_ordered: list[str] = []
    new_stems: list[str] = []
    new_shared: list[int] = []

    def carry(start: int, end: int) -> None:  # items start..end-1, unchanged
        if start >= end:
            return
        if new_stems:
            new_shared.append(_shared_length(new_stems[-1], stems[start]))
        new_shared.extend(shared[start : end - 1])
        new_ordered.extend(ordered[start:end])
        new_stems.extend(stems[start:end])

    done = 0  # items before this are placed
    k = 0
    while k < len(pairs):
        first = last = pairs[k]
        while k + 1 < len(pairs) and pairs[k + 1] == last + 1:
            k += 1
            last = pairs[k]
        k += 1
        carry(done, first)
        head = stems[first][:size]
        if new_stems:
            new_shared.append(_shared_length(new_stems[-1], head))
        new_ordered.append(head + "*")
        new_stems.append(head)
        done = last + 2
    carry(done, len(ordered))
    return new_ordered, new_stems, new_shared


def _stem(path: str) -> str:
    return path[:-1] if path.endswith("*") else path


def _shared_length(a: str, b: str) -> int:
    """How long a wildcard prefix `a` and `b` share may be: character by character on purpose
    (`/posts/p1*` is a finer wildcard than `/posts/*`), never ending inside a %XX escape."""
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return len(_PARTIAL_ESCAPE.sub("", a[:size]))
