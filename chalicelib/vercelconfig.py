"""A site's `vercel.json` redirects and headers, kept as its `_redirects` and `_headers` rules are.

A site that moves here from Vercel lists its old addresses in `vercel.json`:

    {"redirects": [{"source": "/blog/:slug", "destination": "/posts/:slug", "permanent": true},
                   {"source": "/docs/:path*", "destination": "/guide/:path*"}]}

The fetch stage writes each one an S3 redirect can serve as a `_redirects` line after the site's own
(a `:name*` at the end of both addresses is the splat, `/docs/*  /guide/:splat`; so is a source that
ends in the group `(.*)` or `:name(.*)`, its new address ending in `$1` or `:name*`), where the build
keeps it like any rule (`redirectrules`). A rule with conditions (`has`, `missing`), any other
regular expression, or a malformed value is named, not written. Its `headers` become `_headers` lines
the same way (`{"source": "/fonts/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value":
"*"}]}` is `/fonts/*`), served as that file's are (`headerrules`). The file is read as data: size
capped, every value type-checked, no symlink followed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib.headerrules import FILE as HEADERS_FILE
from chalicelib.headerrules import HEADER_NAME
from chalicelib.netlifytoml import append_to_static, site_file, write_redirects
from chalicelib.redirectrules import MAX_BYTES, checked_line

VERCEL_JSON = "vercel.json"
_SPLAT = re.compile(r"/:([A-Za-z_]\w*)\*$")
# A source that ends in a group of everything: `/blog/(.*)`, `/blog/:rest(.*)`.
_GROUP_SPLAT = re.compile(r"/(?::([A-Za-z_]\w*))?\(\.\*\)$")
MAX_HEADER_RULES = 200


@dataclass
class VercelRules:
    written: int = 0
    skipped: list[str] = field(default_factory=list)
    headers: int = 0
    header_notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        said = [f"{self.written} redirect{'s' * (self.written != 1)}"] if self.written else []
        said += [f"{self.headers} header rule{'s' * (self.headers != 1)}"] if self.headers else []
        return f"{' and '.join(said)} from {VERCEL_JSON}" if said else ""


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
    if not isinstance(parsed, dict):
        found.skipped.append(f"{VERCEL_JSON}: over {MAX_BYTES // 1024} KB or not an object; nothing was kept")
        return found
    rules = parsed.get("redirects", [])
    if isinstance(rules, list):
        entries = [(f"{VERCEL_JSON} redirects[{index}]", rule) for index, rule in enumerate(rules)]
        found.written = write_redirects(site_root, VERCEL_JSON, entries, _line, found.skipped)
    else:
        found.skipped.append(f"{VERCEL_JSON}: redirects is not a list; none were kept")
    _add_headers(parsed.get("headers", []), site_root, found)
    return found


def _add_headers(rules: Any, site_root: Path, found: VercelRules) -> None:
    """`headers` (`source`, a list of `key` and `value`) as `_headers` lines after the site's own."""
    if not isinstance(rules, list):
        found.header_notes.append(f"{VERCEL_JSON}: headers is not a list; none were kept")
        return
    lines: list[str] = []
    for index, rule in enumerate(rules[:MAX_HEADER_RULES]):
        where = f"{VERCEL_JSON} headers[{index}]"
        path, why = _header_path(rule)
        pairs = _header_pairs(rule)
        if path and pairs is None:
            why = "needs `headers`, a list of `key` and `value` texts"
        if why or pairs is None:
            found.header_notes.append(f"{where}: {why}")
            continue
        lines.append(path)
        lines += [f"  {name}: {' '.join(value.split())}" for name, value in pairs]
        found.headers += 1
    if len(rules) > MAX_HEADER_RULES:
        found.header_notes.append(
            f"{VERCEL_JSON}: past {MAX_HEADER_RULES} header rules; the rest were left out"
        )
    why = append_to_static(site_root, HEADERS_FILE, lines, VERCEL_JSON) if lines else ""
    if why:
        found.header_notes.append(f"{VERCEL_JSON}: its headers were not kept: {why}")
        found.headers = 0


def _header_pairs(rule: Any) -> list[tuple[str, str]] | None:
    """A header rule's `headers` as (name, value) pairs; None unless each is a `key` and `value` text."""
    pairs = rule.get("headers") if isinstance(rule, dict) else None
    if not isinstance(pairs, list) or not pairs:
        return None
    found = [(pair.get("key"), pair.get("value")) for pair in pairs if isinstance(pair, dict)]
    if len(found) != len(pairs) or not all(
        isinstance(name, str) and HEADER_NAME.match(name) and isinstance(value, str) for name, value in found
    ):
        return None
    return [(str(name), str(value)) for name, value in found]


def _header_path(rule: Any) -> tuple[str, str]:
    """A header rule's `source` as a `_headers` path (`/fonts/(.*)` and `/fonts/:path*` as `/fonts/*`),
    or why it has none."""
    source = rule.get("source") if isinstance(rule, dict) else None
    if not isinstance(source, str) or not source.startswith("/") or any(c.isspace() for c in source):
        return "", "needs `source`, a path like /fonts/(.*)"
    if rule.get("has") or rule.get("missing"):
        return "", "`has` and `missing` conditions need a server; headers by path cannot test them"
    path = _SPLAT.sub("/*", _GROUP_SPLAT.sub("/*", source))
    if any(char in path for char in "()[]{}?+$^|\\"):
        return "", "a regular expression (other than a last `(.*)` or `:name*`) needs a server"
    return path, ""


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
