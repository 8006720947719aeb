"""Path patterns for watch paths: compiled once, matched against repository-relative paths.

The syntax is the one GitHub Actions users know: patterns are anchored at the repository root, `*`
and `?` never cross a `/`, `**` crosses any number of folders. For paths, a pattern that names a folder
(with or without a trailing `/`) also covers everything below it, because "watch `content`" means its
files; for branch and tag names (`matches_name`) a pattern matches the whole name only.
Pure functions only: nothing here reads the file system.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=512)
def compile_pattern(pattern: str, *, subtree: bool = True) -> re.Pattern[str]:
    body = pattern.strip("/")
    out: list[str] = []
    i = 0
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    return re.compile("".join(out) + ("(?:/.*)?" if subtree else ""), re.DOTALL)


def matches(pattern: str, path: str) -> bool:
    return compile_pattern(pattern).fullmatch(path.lstrip("/")) is not None


def matches_name(pattern: str, name: str) -> bool:
    """For branch and tag names: `release/*` matches `release/1.0`, and `release` only itself."""
    return compile_pattern(pattern, subtree=False).fullmatch(name) is not None


def matching(patterns: Iterable[str], paths: Iterable[str]) -> list[str]:
    """The paths that at least one pattern covers, sorted."""
    compiled = [compile_pattern(p) for p in patterns]
    return sorted(path for path in paths if any(c.fullmatch(path.lstrip("/")) for c in compiled))
