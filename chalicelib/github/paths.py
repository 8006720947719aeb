"""Branch and tag name patterns (the operator's `--branches` and `--tags`), compiled once.

These are names, not paths, so they are not presslift.toml's path patterns (`chalicelib.patterns`):
`*` and `?` never cross a `/`, `**` crosses any number of them, and a pattern matches the whole name
only: `release/*` matches `release/1.0`, and `release` only itself. Pure functions only.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=512)
def _compile_name_pattern(pattern: str) -> re.Pattern[str]:
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
    return re.compile("".join(out), re.DOTALL)


def matches_name(pattern: str, name: str) -> bool:
    """For branch and tag names: `release/*` matches `release/1.0`, and `release` only itself."""
    return _compile_name_pattern(pattern).fullmatch(name) is not None
