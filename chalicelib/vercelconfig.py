"""A site's `vercel.json` redirects, kept as its `_redirects` rules are.

A site that moves here from Vercel lists its old addresses in `vercel.json`:

    {"redirects": [{"source": "/blog/:slug", "destination": "/posts/:slug", "permanent": true},
                   {"source": "/docs/:path*", "destination": "/guide/:path*"}]}

The fetch stage writes each one an S3 redirect can serve as a `_redirects` line after the site's own
(a `:name*` at the end of both addresses is the splat, `/docs/*  /guide/:splat`; so is a source that
ends in the group `(.*)` or `:name(.*)`, its new address ending in `$1` or `:name*`), where the build
keeps it like any rule (`redirectrules`). A rule with conditions (`has`, `missing`), any other
regular expression, or a malformed value is named, not written. The file is read as data: size capped,
every value type-checked, no symlink followed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib.netlifytoml import site_file, write_redirects
from chalicelib.redirectrules import MAX_BYTES, checked_line

VERCEL_JSON = "vercel.json"
_SPLAT = re.compile(r"/:([A-Za-z_]\w*)\*$")
# A source that ends in a group of everything: `/blog/(.*)`, `/blog/:rest(.*)`.
_GROUP_SPLAT = re.compile(r"/(?::([A-Za-z_]\w*))?\(\.\*\)$")


@dataclass
class VercelRules:
    written: int = 0
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.written} redirect{'s' * (self.written != 1)} from {VERCEL_JSON}" if self.written else ""
        )


def add_vercel_rules(site_root: Path, repo_root: Path) -> VercelRules:
    """Append the redirects of the site's vercel.json (in `site_root`, else the repository's root) that
    S3 can serve to the site's `_redirects`."""
    found = VercelRules()
    data = site_file(site_root, repo_root, VERCEL_JSON)
    if data is None:
        return found
    try:
        parsed = json.loads(data) if len(data) <= MAX_BYTES else None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        found.skipped.append(f"{VERCEL_JSON} cannot be read ({exc}); none of its redirects were kept")
        return found
    rules = parsed.get("redirects", []) if isinstance(parsed, dict) else None
    if not isinstance(rules, list):
        found.skipped.append(
            f"{VERCEL_JSON}: over {MAX_BYTES // 1024} KB or no list of redirects; none were kept"
        )
        return found
    entries = [(f"{VERCEL_JSON} redirects[{index}]", rule) for index, rule in enumerate(rules)]
    found.written = write_redirects(site_root, VERCEL_JSON, entries, _line, found.skipped)
    return found


def _line(rule: Any, where: str) -> tuple[str, str | None]:
    if not isinstance(rule, dict):
        return "not an object", None
    old, new = rule.get("source"), rule.get("destination")
    if not isinstance(old, str) or not isinstance(new, str) or not old or not new:
        return "needs `source` and `destination`, each a text", None
    if rule.get("has") or rule.get("missing"):
        return "`has` and `missing` conditions need a server; S3 redirects cannot test them", None
    old, new = _group_as_splat(old, new)
    if any(char in old + new for char in "()$") or any(char.isspace() for char in old + new):
        return "a regular expression (other than a last `(.*)`) or a space needs a server", None
    status = rule.get("statusCode", 308 if rule.get("permanent", True) is not False else 307)
    if not isinstance(status, int) or isinstance(status, bool):
        return "`statusCode` must be a number", None
    old_splat, new_splat = _SPLAT.search(old), _SPLAT.search(new)
    if old_splat:
        old = old[: old_splat.start()] + "/*"
        if new_splat and new_splat.group(1) == old_splat.group(1):
            new = new[: new_splat.start()] + "/:splat"
    return checked_line(f"{old} {new} {status}", where)


def _group_as_splat(old: str, new: str) -> tuple[str, str]:
    """A source ending in `(.*)` (or `:name(.*)`) as the splat, and its new address's `$1` (or
    `:name*`, `:name`) at the end as `:splat`; anything else as it is."""
    found = _GROUP_SPLAT.search(old)
    if found is None:
        return old, new
    name = found.group(1)
    for reference in ("$1", *((f":{name}*", f":{name}") if name else ())):
        if new.endswith("/" + reference):
            return old[: found.start()] + "/*", new[: -len(reference)] + ":splat"
    return old[: found.start()] + "/*", new
