"""A site's `netlify.toml` redirects and headers (`[[redirects]]`, `[[headers]]`), kept as its
`_redirects` and `_headers` files are.

Netlify reads redirects from the `_redirects` file the site publishes and from the `[[redirects]]`
tables of `netlify.toml`, the file's rules first, and headers from `_headers` and `[[headers]]` alike.
A Hugo site that moves here from Netlify often has only the tables. The fetch stage turns each table
into lines of the files, after the site's own lines in `static/_redirects` and `static/_headers`,
which Hugo copies into the built site and the build reads (`redirectrules`, `headerrules`). A
redirect S3 cannot serve (a query or conditions, a 200 rewrite, a signed proxy, custom headers) and a
malformed table are named, not written. The file is read as data, never trusted: size capped, every
value type-checked, no symlink followed.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from chalicelib.errors import BuildError
from chalicelib.headerrules import FILE as HEADERS_FILE
from chalicelib.headerrules import HEADER_NAME
from chalicelib.hugo_policy import component_configs, static_folder
from chalicelib.redirectrules import FILE, MAX_BYTES, MAX_RULES, checked_line

NETLIFY_TOML = "netlify.toml"


@dataclass
class NetlifyRules:
    """What `add_netlify_rules` wrote (redirects and header paths) and a note for each table it did not."""

    written: int = 0
    headers: int = 0
    skipped: list[str] = field(default_factory=list)
    header_notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        said = [f"{self.written} redirect{'s' * (self.written != 1)}"] if self.written else []
        said += [f"{self.headers} header rule{'s' * (self.headers != 1)}"] if self.headers else []
        return f"{' and '.join(said)} from {NETLIFY_TOML}" if said else ""


def add_netlify_rules(site_root: Path, repo_root: Path) -> NetlifyRules:
    """Append the `[[redirects]]` of the site's netlify.toml (in `site_root`, else the repository's
    root) that S3 can serve to `site_root/static/_redirects`, and its `[[headers]]` to `_headers`."""
    found = NetlifyRules()
    data = site_file(site_root, repo_root, NETLIFY_TOML)
    if data is None:
        return found
    if len(data) > MAX_BYTES:
        found.skipped.append(
            f"{NETLIFY_TOML} is over {MAX_BYTES // 1024} KB; none of its redirects were kept"
        )
        return found
    try:
        config_data = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        found.skipped.append(f"{NETLIFY_TOML} cannot be read ({exc}); none of its redirects were kept")
        return found
    _add_headers(config_data.get("headers", []), site_root, found)
    tables = config_data.get("redirects", [])
    if not isinstance(tables, list):
        found.skipped.append(
            f"{NETLIFY_TOML}: redirects is not a list of [[redirects]] tables; none were kept"
        )
        return found
    entries = [(f"{NETLIFY_TOML} [[redirects]] {number}", table) for number, table in enumerate(tables, 1)]
    hosts = own_hosts(site_root)
    found.written = write_redirects(
        site_root, NETLIFY_TOML, entries, lambda table, where: _line(table, where, hosts), found.skipped
    )
    return found


def own_hosts(site_root: Path) -> frozenset[str]:
    """The host of the site's own address (its Hugo config's baseURL) and its www. twin; none when the
    config names no absolute address or cannot be read."""
    try:
        configs = [config for _, config in component_configs(site_root)]
    except BuildError:
        return frozenset()
    for config in configs:
        for key, value in config.items():
            if str(key).lower() == "baseurl" and isinstance(value, str):
                host = (urlsplit(value.strip()).hostname or "").lower()
                if "." in host:
                    bare = host.removeprefix("www.")
                    return frozenset({bare, f"www.{bare}"})
    return frozenset()


def own_path(address: str, hosts: frozenset[str]) -> str:
    """`address` as a path when it is an http(s) URL on one of the site's own hosts, else as it is:
    Netlify matches a `from` with a host only on that host, which the site is served on."""
    if not hosts or not address.startswith(("https://", "http://")):
        return address
    parts = urlsplit(address)
    if (parts.hostname or "").lower() not in hosts or parts.port or parts.username or parts.fragment:
        return address
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def write_redirects(
    site_root: Path,
    source: str,
    entries: list[tuple[str, Any]],
    line_of: Callable[[Any, str], tuple[str, str | None]],
    skipped: list[str],
) -> int:
    """Each of `source`'s redirect entries (where it is, the entry) as a `_redirects` line after the
    site's own (`line_of` gives the line or why there is none); how many were written."""
    lines = []
    for where, entry in entries[:MAX_RULES]:
        why, line = line_of(entry, where)
        if line is not None:
            lines.append(line)
        else:
            skipped.append(f"{where}: {why}")
    if len(entries) > MAX_RULES:
        skipped.append(f"{source}: past {MAX_RULES} redirects; the rest were left out")
    why = append_to_static(site_root, FILE, lines, source) if lines else ""
    if why:
        skipped.append(f"{source}: its redirects were not kept: {why}")
    return 0 if why else len(lines)


def _add_headers(tables: Any, site_root: Path, found: NetlifyRules) -> None:
    """`[[headers]]` (`for` a path, `[headers.values]` its headers) as `_headers` lines."""
    if not isinstance(tables, list):
        found.header_notes.append(
            f"{NETLIFY_TOML}: headers is not a list of [[headers]] tables; none were kept"
        )
        return
    lines: list[str] = []
    paths = 0
    for number, table in enumerate(tables[:MAX_RULES], start=1):
        path = table.get("for") if isinstance(table, dict) else None
        values = table.get("values") if isinstance(table, dict) else None
        if not isinstance(path, str) or not path.startswith("/") or any(c.isspace() for c in path):
            found.header_notes.append(
                f"{NETLIFY_TOML} [[headers]] {number}: needs `for`, a path like /assets/*"
            )
            continue
        if not isinstance(values, dict) or not all(
            isinstance(name, str) and HEADER_NAME.match(name) and isinstance(value, str)
            for name, value in values.items()
        ):
            found.header_notes.append(
                f"{NETLIFY_TOML} [[headers]] {number}: needs [headers.values] of names and texts"
            )
            continue
        lines.append(path)
        lines += [f"  {name}: {' '.join(value.split())}" for name, value in values.items()]
        paths += 1
    if lines:
        why = append_to_static(site_root, HEADERS_FILE, lines)
        if why:
            found.header_notes.append(f"{NETLIFY_TOML}: its headers were not kept: {why}")
        else:
            found.headers = paths


def _moves_host(old: str, new: str, hosts: frozenset[str]) -> bool:
    """Whether a redirect leads from one of the site's own hosts to the other (www. to the bare one)."""
    if own_path(new, hosts) == new:
        return False
    return (urlsplit(old).hostname or "").lower() != (urlsplit(new).hostname or "").lower()


def _line(table: Any, where: str, hosts: frozenset[str] = frozenset()) -> tuple[str, str | None]:
    """The `_redirects` line of one `[[redirects]]` table, or why it has none. A `from` on the site's
    own host (`hosts`) is its path, and so is a `to` there; one that only moves between those hosts
    (www. to the bare domain) is left, as it needs a server."""
    if not isinstance(table, dict):
        return "not a table", None
    old, new = table.get("from"), table.get("to")
    if not isinstance(old, str) or not isinstance(new, str) or not old or not new:
        return "needs `from` and `to`, each a text", None
    if any(char.isspace() for char in old + new):
        return "an address with a space in it is no address", None
    if any(table.get(key) for key in ("query", "conditions", "headers", "signed")):
        return "query, conditions, headers or a signed proxy need a server; S3 redirects cannot", None
    if (path := own_path(old, hosts)) != old and not _moves_host(old, new, hosts):
        old, new = path, own_path(new, hosts)
    status, force = table.get("status", 301), table.get("force", False)
    if not isinstance(status, int) or isinstance(status, bool) or not isinstance(force, bool):
        return "`status` must be a number and `force` true or false", None
    return checked_line(f"{old} {new} {status}{'!' if force else ''}", where)


def append_to_static(site_root: Path, file: str, lines: list[str], source: str = NETLIFY_TOML) -> str:
    """Add `lines` (from `source`) after the site's own `<static folder>/<file>` lines; why not, or ""."""
    static = site_root / static_folder(site_root)
    target = static / file
    if static.is_symlink() or (static.exists() and not static.is_dir()) or target.is_symlink():
        return f"{file} in the static folder is a link, or the folder is not one"
    if not static.resolve().is_relative_to(site_root.resolve()):
        return "the static folder leaves the site"
    if target.exists() and not target.is_file():
        return f"{file} in the static folder is not a file"
    before = target.read_bytes() if target.is_file() else b""
    if len(before) > MAX_BYTES:
        return f"{file} in the static folder is over {MAX_BYTES // 1024} KB already"
    joined = before + (b"" if not before or before.endswith(b"\n") else b"\n")
    joined += f"# from {source}\n".encode() + "\n".join(lines).encode() + b"\n"
    if len(joined) > MAX_BYTES:
        return f"with the static folder's own {file} they are over {MAX_BYTES // 1024} KB"
    static.mkdir(parents=True, exist_ok=True)
    target.write_bytes(joined)
    return ""


def site_file(site_root: Path, repo_root: Path, name: str) -> bytes | None:
    """The host's config file `name` in the site's folder, else at the repository's root (never a link):
    at most one byte over the cap is read, so an oversized file is known without reading it all."""
    for root in (site_root, repo_root):
        path = root / name
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                return handle.read(MAX_BYTES + 1)
    return None
