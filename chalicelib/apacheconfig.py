"""A site's Apache `.htaccess` redirects, kept as its `_redirects` rules are.

A site that was served by Apache keeps its old addresses in `static/.htaccess`, which Hugo copies into
the built site as any file:

    Redirect 301 /old-page/ /new-page/
    RedirectPermanent /blog https://example.org/posts

S3 reads no `.htaccess` (the build leaves the file out of the published site: `serverfiles`). The fetch
stage writes each `Redirect`, `RedirectPermanent` and `RedirectTemp` line as `_redirects` lines after
the site's own, where the build keeps them like any rule (`redirectrules`). Apache's `Redirect` matches
a path and everything below it, so `/blog /posts` is two lines: `/blog /posts` and `/blog/* /posts/:splat`.
An address on the site's own host becomes a path; one on another host is kept for the path itself
(S3 cannot carry what is below it there), and said so. What needs a server (`RewriteRule`, `RedirectMatch`,
`ErrorDocument`, `Header`, access rules) is named once, not written. The file is read as data: size
capped, no symlink followed.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

from chalicelib.hugo_policy import static_folder
from chalicelib.netlifytoml import own_hosts, own_path, write_redirects
from chalicelib.redirectrules import MAX_BYTES, checked_line

HTACCESS = ".htaccess"
#: Apache's names for a redirect's status (`Redirect permanent /a /b`).
STATUS_NAMES = {"permanent": "301", "temp": "302", "seeother": "303"}
REDIRECTS = {"redirect": "", "redirectpermanent": "301", "redirecttemp": "302"}
#: Directives that do what S3 cannot, named in one note.
SERVER_ONLY = (
    "rewriterule", "redirectmatch", "errordocument", "header", "require", "deny", "allow", "authtype",
    "options", "addhandler", "sethandler", "php_value", "php_flag",
)  # fmt: skip


@dataclass
class ApacheRules:
    written: int = 0
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.written} redirect{'s' * (self.written != 1)} from {HTACCESS}" if self.written else ""


def add_htaccess_rules(site_root: Path) -> ApacheRules:
    """Append the redirects of the site's `<static folder>/.htaccess` to its `_redirects`."""
    found = ApacheRules()
    path = site_root / static_folder(site_root) / HTACCESS
    if not path.is_file() or path.is_symlink():
        return found
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        found.skipped.append(f"{HTACCESS} is over {MAX_BYTES // 1024} KB; none of its redirects were kept")
        return found
    hosts = own_hosts(site_root)
    notes: list[str] = []
    entries: list[tuple[str, list[str]]] = []
    ignored: dict[str, int] = {}
    for number, raw in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", "<")):
            continue
        try:
            fields = shlex.split(line, comments=True)
        except ValueError:
            fields = line.split()
        name = fields[0].lower() if fields else ""
        if name in REDIRECTS:
            entries.append((f"{HTACCESS} line {number}", fields))
        elif name in SERVER_ONLY:
            ignored[fields[0]] = ignored.get(fields[0], 0) + 1
    found.written = write_redirects(
        site_root, HTACCESS, entries, lambda fields, where: _line(fields, where, hosts, notes), found.skipped
    )
    found.skipped += notes
    if ignored:
        listed = ", ".join(f"{name} ({count})" for name, count in ignored.items())
        found.skipped.append(
            f"{HTACCESS}: {listed} need a web server, which S3 is not; not kept (a redirect that "
            "Redirect cannot write goes in static/_redirects, a header in static/_headers)"
        )
    return found


def _line(fields: list[str], where: str, hosts: frozenset[str], notes: list[str]) -> tuple[str, str | None]:
    """A `Redirect` directive as `_redirects` lines (one, or two with the paths below it), or why not."""
    args = fields[1:]
    shown = " ".join(fields)[:120]
    status = REDIRECTS[fields[0].lower()]
    if not status and args and args[0].lower() == "gone":
        return f"({shown}) a 410 (gone) needs a server; S3 answers such an address with the 404 page", None
    if not status and args and (args[0].lower() in STATUS_NAMES or args[0].isdigit()):
        status = STATUS_NAMES.get(args[0].lower(), args[0])
        args = args[1:]
    if len(args) != 2:
        return f"({shown}) needs an old path and a new address", None
    old, new = args[0], own_path(args[1], hosts)
    if not old.startswith("/") or any(c in old for c in "*:?#") or any(c.isspace() for c in old + new):
        return f"({shown}) the old address is not a plain path, or an address holds a space", None
    status = status or "302"  # Apache's default, as it serves it
    base = old.rstrip("/") or "/"
    lines = [f"{old} {new} {status}"]
    if base != "/" and new.startswith("/"):
        lines.append(f"{base}/* {new.rstrip('/')}/:splat {status}")
    elif base != "/":  # S3 carries no path below it to another host
        notes.append(f"{where}: ({shown}) kept for {old} itself; the addresses below it need a server")
    checked = [checked_line(line, where) for line in lines]
    why = next((why for why, kept in checked if kept is None), "")
    return (why, None) if why else ("", "\n".join(line for _, line in checked if line))
