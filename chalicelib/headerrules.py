"""A site's `_headers` file (Netlify's and Cloudflare Pages' format): its headers served per path.

A site built for Netlify or Cloudflare Pages sets response headers per path in `static/_headers`:

    /assets/*
      Cache-Control: public, max-age=31536000, immutable
    /fonts/*
      Access-Control-Allow-Origin: *
    /.well-known/apple-app-site-association
      Content-Type: application/json

Published as it is, the file would do nothing (and show the site's header rules to anyone). The build
reads it into rules for the publish step instead; the file itself is not published.

- `Cache-Control` becomes a cache rule (`publish.headers`), after presslift.toml's own `[[cache]]`
  rules and before the defaults; `Content-Type` replaces the one S3 would store by the file's suffix.
- Any other header rides with the object as S3 metadata (`x-amz-meta-h-<name>`), which the stack's
  viewer-response function sends as the header itself (the local site server does the same).
- The security headers the stack's response headers policy sets for every site (HSTS, CSP, ...) are
  not a repository's to weaken, and a header the server or CloudFront owns (Content-Length, Location,
  Set-Cookie, ...) is not a file's to set: each is named once, not applied. So is Netlify's Basic-Auth,
  which would have kept pages private: here they are public; and so are the headers whose reach is
  the whole origin that sites share (`Service-Worker-Allowed`, `Clear-Site-Data`).

As on Netlify, headers of every path that matches a file apply, a later path's replacing an earlier
one's for the same name, and a header given twice under one path is one comma-separated value.
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
#: A header's value past this is not kept: S3 keeps 2 KB of metadata per object, for all its headers.
MAX_VALUE_BYTES = 1024
TOO_LONG = f"a value over {MAX_VALUE_BYTES} bytes, more than S3 keeps with a file"
#: A header's name as the file and the hosts' configs may give it.
HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,100}$")
_HEADER = re.compile(r"^([A-Za-z0-9-]+)\s*:\s*(.*)$")
_NAMED = re.compile(r"^:[A-Za-z_]\w*$")
_PRINTABLE = re.compile(r"^[\x20-\x7e\t]*$")

#: Set for every site by the stack's CloudFront response headers policy, overriding the origin's
#: (presslift.packaging.security_headers; a test holds the two to the same names).
STACK_HEADERS = frozenset(
    {
        "strict-transport-security",
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
    }
)
#: Headers HTTP, S3 or CloudFront own: a CloudFront function may not set most of them at all (its
#: "disallowed" and "read-only" lists), and the others would misdescribe the answer.
SERVER_HEADERS = frozenset(
    {
        "accept-ranges", "age", "alt-svc", "connection", "content-encoding", "content-length",
        "content-range", "date", "etag", "expect", "expires", "host", "keep-alive", "last-modified",
        "location", "proxy-authenticate", "proxy-authorization", "proxy-connection", "server",
        "set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "via", "warning",
        "www-authenticate", "x-cache", "x-real-ip",
    }
)  # fmt: skip
SERVER_PREFIXES = ("x-amz-", "x-amzn-", "x-edge-", "x-accel-", "x-forwarded-", "x-nf-", "netlify-")
#: Headers that reach past the site's own pages: sites share an origin (a path each, with staging,
#: previews and, locally, the approval pages), so one site's service worker given a wider scope
#: answered another site's approval link, and Clear-Site-Data clears every site's storage.
ORIGIN_WIDE = frozenset(
    {"service-worker-allowed", "clear-site-data", "nel", "report-to", "reporting-endpoints"}
)  # NEL's policy is the whole origin's: one site would have every site's visits reported where it says
#: Netlify's password protection for the paths it is under.
BASIC_AUTH = "basic-auth"


@dataclass
class HeaderRules:
    """`cache`: Cache-Control rules as (regex over a file's path in the tree, value), the last matching
    path's first; `headers`: every other kept header as (regex, lower-case name, value), in the file's
    order (a later match wins); `notes`: what was not kept, and why."""

    cache: list[tuple[str, str]] = field(default_factory=list)
    headers: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_header_rules(data: bytes) -> HeaderRules:
    """The rules of a `_headers` file."""
    found = HeaderRules()
    if len(data) > MAX_BYTES:
        found.notes.append(f"{FILE} is over {MAX_BYTES // 1024} KB; none of its headers were kept")
        return found
    refused: dict[str, set[str]] = {}
    blocks: list[tuple[str, dict[str, tuple[str, str]]]] = []  # (regex, lower name -> (name, value))
    block: dict[str, tuple[str, str]] | None = None  # None: no path yet, or one whose lines are left out
    skipping = False
    for number, raw in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not raw[:1].isspace() and line.startswith("/"):
            regex = _path_regex(line.split()[0])
            skipping, block = regex is None, None
            if regex is not None:
                block = {}
                blocks.append((regex, block))
            else:
                found.notes.append(
                    f"{FILE} line {number} ({line[:120]}): a path with '..', a query or over two splats; "
                    "its headers were not kept"
                )
            continue
        if skipping:
            continue
        header = _HEADER.match(line)
        if header is None and not raw[:1].isspace():
            # A path line another host reads (`*`, a full URL): one note, and its headers are skipped
            # with it (each was told "not a path" in turn).
            skipping, block = True, None
            found.notes.append(
                f"{FILE} line {number} ({line[:120]}): not a path (a path begins with /); "
                "its headers were not kept"
            )
            continue
        if header is None or block is None:
            found.notes.append(
                f"{FILE} line {number} ({line[:120]}): not a path or a `Name: value` under one"
            )
            continue
        name, value = header.group(1), " ".join(header.group(2).split())  # as S3 would store it
        key = name.lower()
        why = _refused(key, value)
        if why:
            refused.setdefault(why, set()).add(name)
            continue
        if key in block:  # twice under one path: one comma-separated value, as Netlify serves it
            value = f"{block[key][1]}, {value}"
        block[key] = (name, value)
    rules = [(regex, key, value) for regex, kept in blocks for key, (_, value) in kept.items()]
    if len(rules) > MAX_RULES:
        found.notes.append(f"{FILE}: past {MAX_RULES} header lines; the rest were left out")
        rules = rules[:MAX_RULES]
    for regex, key, value in rules:
        if len(value.encode()) > MAX_VALUE_BYTES:
            refused.setdefault(TOO_LONG, set()).add(key)
        elif key == "cache-control":
            found.cache.append((regex, value))
        else:
            found.headers.append((regex, key, value))
    found.cache.reverse()
    for why, names in refused.items():
        found.notes.append(f"{FILE}: {', '.join(sorted(names, key=str.lower))} not applied: {why}")
    return found


def _refused(key: str, value: str) -> str:
    """Why a header is not applied, "" when it is."""
    if key in STACK_HEADERS:
        return "the stack's CloudFront response headers policy sets it for every site"
    if key == BASIC_AUTH:
        return "it is Netlify's password protection; these pages are public here"
    if key in ORIGIN_WIDE:
        return "it would reach other sites' pages, which share the origin"
    if key in SERVER_HEADERS or key.startswith(SERVER_PREFIXES):
        return "the server or CloudFront sets it"
    if not value or not _PRINTABLE.match(value):
        return "an empty value or one with characters other than printable ASCII"
    return ""


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
