"""A site's `_headers` file (Netlify's and Cloudflare Pages' format): its Cache-Control kept.

A site built for Netlify or Cloudflare Pages sets response headers per path in `static/_headers`:

    /assets/*
      Cache-Control: public, max-age=31536000, immutable

Published as it is, the file would do nothing (and show the site's header rules to anyone). S3 keeps
one Cache-Control per object, which the publish step sets by rules (`publish.headers`): each
`Cache-Control` of the file becomes such a rule for the files its path matches, after presslift.toml's
own `[[cache]]` rules and before the defaults; where several of the file's paths match a file, the
last one in the file wins (the specific rule usually follows the general). Other headers (security
headers, CORS) need CloudFront's response headers policy, which the stack sets for every site, so
they are named once, not applied. The file itself is not published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FILE = "_headers"
MAX_BYTES = 1024 * 1024
#: Each rule is a regex tried on every file a deploy publishes: a real file has a few dozen.
MAX_RULES = 200
#: Splats a path may have: each is a `.*`, and several in one pattern backtrack without bound.
MAX_SPLATS = 2
_HEADER = re.compile(r"^([A-Za-z0-9-]+)\s*:\s*(.*)$")
_NAMED = re.compile(r"^:[A-Za-z_]\w*$")


@dataclass
class HeaderRules:
    """Cache-Control rules as (regex over a file's path in the tree, value), in the order they apply,
    and a note for what is not kept."""

    cache: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_header_rules(data: bytes) -> HeaderRules:
    """The Cache-Control rules of a `_headers` file, the last matching path first."""
    found = HeaderRules()
    if len(data) > MAX_BYTES:
        found.notes.append(f"{FILE} is over {MAX_BYTES // 1024} KB; none of its headers were kept")
        return found
    rules: list[tuple[str, str]] = []
    other: set[str] = set()
    path: str | None = None
    for number, raw in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not raw[:1].isspace() and line.startswith("/"):
            path = _path_regex(line.split()[0]) or ""  # "": a path whose headers are left out
            if not path:
                found.notes.append(
                    f"{FILE} line {number} ({line[:120]}): a path with '..', a query or over two splats; "
                    "its headers were not kept"
                )
            continue
        header = _HEADER.match(line)
        if header is None or path is None:
            found.notes.append(
                f"{FILE} line {number} ({line[:120]}): not a path or a `Name: value` under one"
            )
            continue
        if not path:
            continue
        name, value = header.group(1), header.group(2).strip()
        if name.lower() == "cache-control" and value and len(rules) < MAX_RULES:
            rules.append((path, value))
        elif name.lower() == "cache-control" and value:
            found.notes.append(f"{FILE} line {number}: past {MAX_RULES} Cache-Control rules; left out")
        elif name.lower() != "cache-control":
            other.add(name)
    found.cache = rules[::-1]
    if other:
        found.notes.append(
            f"{FILE}: {', '.join(sorted(other, key=str.lower))} not applied: S3 keeps only Cache-Control per "
            "file; other response headers come from the stack's CloudFront response headers policy"
        )
    return found


def _path_regex(pattern: str) -> str | None:
    """Netlify's path (`/blog/*`, `/:lang/about`, `/about`) as a regex over a file's path in the tree:
    a folder's address names its index.html, and an address without a slash or suffix its page too."""
    if "?" in pattern or "#" in pattern or pattern.count("*") > MAX_SPLATS:
        return None
    parts = pattern.lstrip("/").split("/")
    if any(part in (".", "..") for part in parts):
        return None
    out = []
    for part in parts:
        if _NAMED.match(part):
            out.append("[^/]+")
        else:
            out.append(".*".join(re.escape(piece) for piece in part.split("*")))
    regex = "/".join(out)
    if pattern.endswith("/") or pattern == "/":
        return f"^{regex}index\\.html$"
    if regex.endswith(".*"):
        return f"^{regex}$"
    last = parts[-1]
    return f"^{regex}$" if "." in last else f"^{regex}(?:/index\\.html)?$"
