"""A site's `netlify.toml` redirects (`[[redirects]]` tables), kept as its `_redirects` rules are.

Netlify reads redirects from two places: the `_redirects` file the site publishes and the
`[[redirects]]` tables of `netlify.toml`, the file's rules first. A Hugo site that moves here from
Netlify often has only the second. The fetch stage turns each table that an S3 redirect can serve
into a `_redirects` line, after the site's own rules in `static/_redirects`, which Hugo copies into
the built site and the build reads (`redirectrules`); a table that needs a server (a query or
conditions, a 200 rewrite, a signed proxy, custom headers) or is malformed is named, not written.
The file is read as data, never trusted: size capped, every value type-checked, no symlink followed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib.redirectrules import FILE, MAX_BYTES, MAX_RULES, read_rule

NETLIFY_TOML = "netlify.toml"
#: Any base URL: lines are only checked here; the build resolves them against the stage's own.
_CHECK_BASE = "https://site.invalid/"


@dataclass
class NetlifyRedirects:
    """What `add_netlify_redirects` wrote (`_redirects` lines) and a note for each table it did not."""

    written: int = 0
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.written} redirect{'s' * (self.written != 1)} from {NETLIFY_TOML}" if self.written else ""
        )


def add_netlify_redirects(site_root: Path, repo_root: Path) -> NetlifyRedirects:
    """Append the `[[redirects]]` of the site's netlify.toml (in `site_root`, else the repository's
    root) that S3 can serve to `site_root/static/_redirects`."""
    found = NetlifyRedirects()
    config = next(
        (root / NETLIFY_TOML for root in (site_root, repo_root) if _plain_file(root / NETLIFY_TOML)), None
    )
    if config is None:
        return found
    data = config.read_bytes()[: MAX_BYTES + 1]
    if len(data) > MAX_BYTES:
        found.skipped.append(
            f"{NETLIFY_TOML} is over {MAX_BYTES // 1024} KB; none of its redirects were kept"
        )
        return found
    try:
        tables = tomllib.loads(data.decode("utf-8")).get("redirects", [])
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        found.skipped.append(f"{NETLIFY_TOML} cannot be read ({exc}); none of its redirects were kept")
        return found
    if not isinstance(tables, list):
        found.skipped.append(
            f"{NETLIFY_TOML}: redirects is not a list of [[redirects]] tables; none were kept"
        )
        return found
    lines = []
    for number, table in enumerate(tables[:MAX_RULES], start=1):
        where = f"{NETLIFY_TOML} [[redirects]] {number}"
        why, line = _line(table, where)
        if line is not None:
            lines.append(line)
        else:
            found.skipped.append(f"{where}: {why}")
    if len(tables) > MAX_RULES:
        found.skipped.append(f"{NETLIFY_TOML}: past {MAX_RULES} redirects; the rest were left out")
    if lines:
        why = _append(site_root, lines)
        if why:
            found.skipped.append(f"{NETLIFY_TOML}: its redirects were not kept: {why}")
        else:
            found.written = len(lines)
    return found


def _line(table: Any, where: str) -> tuple[str, str | None]:
    """The `_redirects` line of one `[[redirects]]` table, or why it has none."""
    if not isinstance(table, dict):
        return "not a table", None
    old, new = table.get("from"), table.get("to")
    if not isinstance(old, str) or not isinstance(new, str) or not old or not new:
        return "needs `from` and `to`, each a text", None
    if any(char.isspace() for char in old + new):
        return "an address with a space in it is no address", None
    if any(table.get(key) for key in ("query", "conditions", "headers", "signed")):
        return "query, conditions, headers or a signed proxy need a server; S3 redirects cannot", None
    status, force = table.get("status", 301), table.get("force", False)
    if not isinstance(status, int) or isinstance(status, bool) or not isinstance(force, bool):
        return "`status` must be a number and `force` true or false", None
    line = f"{old} {new} {status}{'!' if force else ''}"
    why, rule = read_rule(line.split(), _CHECK_BASE, f"{where} ({line[:120]})")
    return (f"({line[:120]}) {why}", None) if rule is None else ("", line)


def _append(site_root: Path, lines: list[str]) -> str:
    """Add `lines` after the site's own `static/_redirects` rules; why not, or ""."""
    static = site_root / "static"
    target = static / FILE
    if static.is_symlink() or (static.exists() and not static.is_dir()) or target.is_symlink():
        return f"static/{FILE} is a link or static/ is not a folder"
    if target.exists() and not target.is_file():
        return f"static/{FILE} is not a file"
    before = target.read_bytes() if target.is_file() else b""
    if len(before) > MAX_BYTES:
        return f"static/{FILE} is over {MAX_BYTES // 1024} KB already"
    joined = before + (b"" if not before or before.endswith(b"\n") else b"\n")
    joined += f"# from {NETLIFY_TOML}\n".encode() + "\n".join(lines).encode() + b"\n"
    if len(joined) > MAX_BYTES:
        return f"with static/{FILE}'s own rules they are over {MAX_BYTES // 1024} KB"
    static.mkdir(exist_ok=True)
    target.write_bytes(joined)
    return ""


def _plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()
