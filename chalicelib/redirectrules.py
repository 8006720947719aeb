"""A site's `_redirects` file (Netlify's and Cloudflare Pages' format), kept when it moves here.

A site built for Netlify or Cloudflare Pages lists its old addresses in `static/_redirects`, one rule
a line: `/old-path /new-path 301`. Published as it is, that file would do nothing and every old
address would break. Each rule that an S3 object can serve (a plain path to a path or URL, status 301,
302, 303, 307 or 308, or none) becomes a redirect page at the old path, exactly as Hugo writes an
alias, which the publish step turns into an S3 website redirect; the file itself is not published.
A rule for a path the site already builds yields to the page, as on Netlify (a forced one, `301!`,
is named: a built page is never replaced). What S3 cannot do (splats `*` and `:placeholders`, query
or country conditions, 200 rewrites and proxies, 404 pages) is named, one line per rule, and left out.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

FILE = "_redirects"
MAX_BYTES = 1024 * 1024
MAX_RULES = 10_000
_PLAIN_PATH = re.compile(r"^/[^\s*:?#]*$")
_PLACEHOLDER = re.compile(r"\*|/:[A-Za-z]")  # :splat, :slug, a splat itself
_STATUS = re.compile(r"^(\d{3})(!?)$")
REDIRECT_STATUSES = frozenset({"301", "302", "303", "307", "308"})


@dataclass(frozen=True)
class Rule:
    path: str  # the file in the tree that answers the old address ("old/index.html")
    target: str  # where it goes, absolute under the stage's base URL
    forced: bool


@dataclass
class Rules:
    rules: list[Rule] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def read_rules(data: bytes, base_url: str) -> Rules:
    """The rules of a `_redirects` file that S3 can serve, and a line for each it cannot."""
    found = Rules()
    if len(data) > MAX_BYTES:
        found.skipped.append(f"{FILE} is over {MAX_BYTES // 1024} KB; none of its rules were kept")
        return found
    for number, raw in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if len(found.rules) >= MAX_RULES:
            found.skipped.append(f"{FILE}: past {MAX_RULES} rules; line {number} and later were left out")
            break
        why, rule = _rule(line.split(), base_url)
        if rule is not None:
            found.rules.append(rule)
        else:
            found.skipped.append(f"{FILE} line {number} ({line[:120]}): {why}")
    return found


def _rule(fields: list[str], base_url: str) -> tuple[str, Rule | None]:
    if len(fields) < 2:
        return "needs an old path and a new one", None
    old, new, rest = fields[0], fields[1], fields[2:]
    status, forced = "301", False
    if rest:
        match = _STATUS.match(rest[0])
        if match is None or len(rest) > 1:
            return (
                "conditions (query, country, language, role) need a server; S3 redirects cannot test them",
                None,
            )
        status, forced = match.group(1), bool(match.group(2))
    if status not in REDIRECT_STATUSES:
        return (
            f"status {status} (a rewrite, proxy or error page) needs a server; only redirects are kept",
            None,
        )
    if not _PLAIN_PATH.match(old) or old == "/":
        return "splats (*), :placeholders and the home page need a server; only plain paths are kept", None
    if not (new.startswith("/") or new.startswith(("https://", "http://"))):
        return "the new address must be a path (/…) or an http(s) URL", None
    if _PLACEHOLDER.search(new):
        return "a target with :splat or :placeholders needs a server", None
    if ".." in old.split("/"):
        return "an old path with '..' is no path of the site", None
    return "", Rule(_file_of(old), urljoin(base_url, new.lstrip("/")) if new.startswith("/") else new, forced)


def _file_of(old: str) -> str:
    path = old.strip("/")
    last = path.rsplit("/", 1)[-1]
    return path if "." in last and not old.endswith("/") else f"{path}/index.html"


def redirect_page(target: str) -> bytes:
    """The page Hugo writes for an alias, which the publish step makes an S3 website redirect."""
    url = html.escape(target, quote=True)
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>{url}</title><link rel="canonical" href="{url}">'
        f'<meta name="robots" content="noindex"><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0; url={url}"></head></html>'
    ).encode()
