"""Shortcode calls left open whose template reads `.Inner`, self-closed as older Hugo read them.

A theme's shortcode that can wrap content reads `.Inner`, and its docs often call it without any
(`{{% children style="card" %}}`, DocDock's and its sites'). Older Hugo rendered such a call with an
empty `.Inner`; this Hugo refuses the page: 'shortcode "children" must be closed or self-closed', and
no page is built. Where a content file calls such a shortcode and never closes it, each call is
written self-closed (`{{% children style="card" /%}}`), which renders with the same empty `.Inner`.
A file that closes some of its calls is left for Hugo to report, as pairing them would be a guess.

This module reads the shortcode templates below the site's and its themes' layout folders, and
rewrites only the content files (the build's copy, never the repository).
"""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.contentfiles import content_texts
from chalicelib.notes import files_that
from chalicelib.themelayouts import layout_roots

MAX_TEMPLATE_BYTES = 256 * 1024
SHORTCODE_FOLDERS = ("shortcodes", "_shortcodes")
_INNER = re.compile(rb"\.Inner(?:Deindent)?\b")
#: A shortcode call's opening tag (`{{< name ... >}}` or `{{% name ... %}}`, not a comment, not
#: self-closed) and a closing one, with or without space after its slash (`{{</ name >}}`, which Hugo
#: reads too); the name as Hugo reads it.
_CALL = re.compile(
    rb"\{\{([<%])(\s*)((?:/\s*)?[\w./-]{1,100})((?:(?![<%]\}\}).){0,2000}?)(\s*)([>%])\}\}", re.S
)


def self_close_open_calls(site_root: Path) -> list[str]:
    """Self-close each never-closed call of an `.Inner` shortcode in the site's content; the note."""
    wrapping = _inner_shortcodes(site_root)
    if not wrapping:
        return []
    changed: list[str] = []
    names: set[str] = set()
    for path, text in content_texts(site_root):
        if b"{{" not in text:
            continue
        fixed, closed = _self_closed(text, wrapping)
        if closed:
            path.write_bytes(fixed)
            changed.append(path.relative_to(site_root).as_posix())
            names |= closed
    if not changed:
        return []
    shown = ", ".join(sorted(names))
    return [
        f"{files_that(changed, 'call')} the shortcode {shown} without closing it, which reads what it "
        "wraps (.Inner): Hugo now refuses such a page ('must be closed or self-closed'), so the calls "
        "were built self-closed, as older Hugo rendered them (write them with /%}} or />}} there)"
    ]


def _self_closed(text: bytes, wrapping: set[str]) -> tuple[bytes, set[str]]:
    calls = list(_CALL.finditer(text))
    opened: dict[str, list[re.Match[bytes]]] = {}
    closed: set[str] = set()
    for call in calls:
        name, rest = call.group(3).decode(), call.group(4)
        if name.startswith("/"):
            closed.add(name[1:].lstrip())
        elif name in wrapping and not rest.rstrip().endswith(b"/") and not rest.lstrip().startswith(b"/*"):
            opened.setdefault(name, []).append(call)
    fix = {name: found for name, found in opened.items() if name not in closed}
    if not fix:
        return text, set()
    out, at = [], 0
    for call in sorted((c for found in fix.values() for c in found), key=lambda c: c.start()):
        out += [text[at : call.end(5)], b"/" if call.group(5) else b" /", text[call.end(5) : call.end()]]
        at = call.end()
    return b"".join(out) + text[at:], set(fix)


def _inner_shortcodes(site_root: Path) -> set[str]:
    """The names of the shortcodes (the site's and its themes') whose template reads `.Inner`."""
    names: set[str] = set()
    for root in layout_roots(site_root):
        for folder in SHORTCODE_FOLDERS:
            shortcodes = root / "layouts" / folder
            if not shortcodes.is_dir() or shortcodes.is_symlink():
                continue
            for path in shortcodes.rglob("*.html"):
                try:
                    if path.is_symlink() or path.stat().st_size > MAX_TEMPLATE_BYTES:
                        continue
                    if _INNER.search(path.read_bytes()):
                        relative = path.relative_to(shortcodes).as_posix()
                        names.add(relative.split(".", 1)[0])
                except OSError:
                    continue
    return names
