"""A site's `_redirects` file (Netlify's and Cloudflare Pages' format), kept when it moves here.

A site built for Netlify or Cloudflare Pages lists its old addresses in `static/_redirects`, one rule
a line: `/old-path /new-path 301`. Published as it is, that file would do nothing and every old
address would break. Each rule that an S3 object can serve (a plain path to a path or URL, status 301,
302, 303, 307 or 308, or none) becomes a redirect page at the old path, exactly as Hugo writes an
alias, which the publish step turns into an S3 website redirect; the file itself is not published.
A rule for a path the site already builds yields to the page, as on Netlify (a forced one, `301!`,
is named: a built page is never replaced).

A rule with a splat or placeholders whose new address is a path of the site and names each of them
(`/blog/* /posts/:splat`, `/news/:slug /posts/:slug/`, the usual rules of a site that moved a folder)
leads somewhere only where the new address exists, and the site's files say which those are: it
becomes one redirect page for each file the new address matches (`/blog/harbour-day/` for
`/posts/harbour-day/`), made when the tree is stored (`expand`). What S3 cannot do (a pattern leading
to another host or leaving a placeholder out, query or country conditions, 200 rewrites and proxies,
404 pages) is named, one line per rule, and left out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urljoin

FILE = "_redirects"
MAX_BYTES = 1024 * 1024
MAX_RULES = 10_000
_PLAIN_PATH = re.compile(r"^/[^\s*:?#]*$")
_PLACEHOLDER = re.compile(r"\*|/:[A-Za-z]")  # :splat, :slug, a splat itself
_NAMED = re.compile(r"^:([A-Za-z_][A-Za-z0-9_]*)$")
#: Redirect pages one file's patterns may make: each is an object to publish.
MAX_PATTERN_PAGES = 20_000
#: Pattern rules one file may have: each is matched against every file the site builds.
MAX_PATTERN_RULES = 100
_STATUS = re.compile(r"^(\d{3})(!?)$")
REDIRECT_STATUSES = frozenset({"301", "302", "303", "307", "308"})


@dataclass(frozen=True)
class Rule:
    path: str  # the file in the tree that answers the old address ("old/index.html")
    target: str  # where it goes, absolute under the stage's base URL
    forced: bool


@dataclass(frozen=True)
class PatternRule:
    """`/blog/* /posts/:splat`: old and new as segment lists, `*` read as `:splat`."""

    line: str  # "_redirects line 3 (/blog/* /posts/:splat)", for notes
    old: tuple[str, ...]  # ("blog", ":splat")
    new: tuple[str, ...]  # ("posts", ":splat")
    new_ends_in_slash: bool
    forced: bool


@dataclass
class Rules:
    rules: list[Rule | PatternRule] = field(default_factory=list)
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
        why, rule = read_rule(line.split(), base_url, f"{FILE} line {number} ({line[:120]})")
        if rule is not None:
            found.rules.append(rule)
        else:
            found.skipped.append(f"{FILE} line {number} ({line[:120]}): {why}")
    return found


def checked_line(line: str, where: str) -> tuple[str, str | None]:
    """A `_redirects` line made from another host's config: the line when the build can keep it, else
    why not (checked against a stand-in base URL; the build resolves it against the stage's own)."""
    why, rule = read_rule(line.split(), "https://site.invalid/", f"{where} ({line[:120]})")
    return (f"({line[:120]}) {why}", None) if rule is None else ("", line)


def read_rule(fields: list[str], base_url: str, where: str) -> tuple[str, Rule | PatternRule | None]:
    """One rule (`/old /new 301`, split on spaces): the rule, or why S3 cannot serve it."""
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
    if not old.startswith("/"):
        return "an old address on another host (or not a path) needs a server", None
    if "*" in old or ":" in old:
        return _pattern_rule(old, new, forced, where)
    if old == "/":
        return "the home page needs a server (the site builds its own)", None
    if not _PLAIN_PATH.match(old):
        return "a query or fragment needs a server; only plain paths are kept", None
    if not (new.startswith("/") or new.startswith(("https://", "http://"))):
        return "the new address must be a path (/…) or an http(s) URL", None
    if _PLACEHOLDER.search(new):
        return "a target with :splat or :placeholders needs a server", None
    if new.startswith("/") and ".." in unquote(new.split("?", 1)[0].split("#", 1)[0]).split("/"):
        # `/../../harbour/staging/` (or its %2e%2e) led out of the site to another one on the origin.
        return "a new path with '..' leaves the site; name the page from the site's own root", None
    # The bucket's key is the decoded path (S3 decodes a request's path): `/caf%C3%A9` is `café`.
    path = _file_of(unquote(old))
    if ".." in path.split("/") or "//" in path or any(ord(c) < 0x20 for c in path):
        return "an old path with '..', '//' or a control character is no path of the site", None
    return "", Rule(path, urljoin(base_url, new.lstrip("/")) if new.startswith("/") else new, forced)


def _pattern_rule(old: str, new: str, forced: bool, where: str) -> tuple[str, PatternRule | None]:
    if not new.startswith("/"):
        return "a splat or :placeholder leading to another host needs a server", None
    old_parts = tuple(":splat" if part == "*" else part for part in old.strip("/").split("/"))
    new_parts = tuple(new.strip("/").split("/")) if new.strip("/") else ()
    if any(("?" in part or "#" in part) for part in old_parts + new_parts):
        return "a query or fragment needs a server", None
    if any(("*" in part or ":" in part) and not _NAMED.match(part) for part in old_parts + new_parts):
        return "a splat (*) or :placeholder inside a path segment needs a server", None
    if ":splat" in old_parts[:-1] or ":splat" in new_parts[:-1]:
        return "a splat (*) before the end of a path needs a server", None
    if any(unquote(part) in (".", "..") for part in old_parts + new_parts):
        return "a path with '.' or '..' is no path of the site", None
    names_old = {part for part in old_parts if part.startswith(":")}
    names_new = {part for part in new_parts if part.startswith(":")}
    if names_old != names_new:
        missing = sorted(names_old ^ names_new)
        return (
            f"{', '.join(missing)} is not on both sides, so the addresses cannot be listed; needs a server",
            None,
        )
    return "", PatternRule(where, old_parts, new_parts, new.endswith("/"), forced)


def expand(rule: PatternRule, built: Iterable[str], base_url: str) -> Iterator[Rule]:
    """A redirect page for each built file that `rule`'s new address matches, from the old address
    with the same values (`posts/harbour-day/index.html` for `/posts/:splat` gives
    `blog/harbour-day/index.html` for `/blog/*`), in the order of `built`."""
    for path in built:
        is_page = path == "index.html" or path.endswith("/index.html")
        parts = path.split("/")[:-1] if is_page else path.split("/")
        values = _match(rule.new, parts)
        if values is None or (not is_page and rule.new_ends_in_slash):
            continue
        old = [values.get(part, part) if part.startswith(":") else part for part in rule.old]
        old_parts = [segment for part in old for segment in part.split("/") if segment]
        if not old_parts or old_parts == parts:
            continue  # the home page, or a rule that leads to itself
        new_url = "/".join(parts) + ("/" if is_page and parts else "")
        target = urljoin(base_url, quote(new_url, safe="/~!$&'()*+,;=:@"))
        yield Rule("/".join(old_parts) + ("/index.html" if is_page else ""), target, rule.forced)


def _match(pattern: tuple[str, ...], parts: list[str]) -> dict[str, str] | None:
    """The placeholders' values where `pattern` matches the segments `parts`, else None."""
    values: dict[str, str] = {}
    for i, part in enumerate(pattern):
        if part == ":splat":
            values[part] = "/".join(parts[i:])
            return values
        if i >= len(parts):
            return None
        if part.startswith(":"):
            values[part] = parts[i]
        elif part != parts[i]:
            return None
    return values if len(parts) == len(pattern) else None


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
