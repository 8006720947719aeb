"""A content view rendered from a template of another output format (JSON, RSS), given by its HTML view.

Before Hugo 0.146 `.Render "date"` in a JSON or RSS template found the HTML view
`layouts/_default/date.html` (Future Imperfect Slim's search index renders each page's date with it).
Hugo's new template system looks a view up for the output format being rendered only, so that view
is not found and every build fails ("error calling Render: template "date" not found"), as with
plain Hugo.

The fetch stage writes, into the build's copy of the site (never the repository), each HTML view so
rendered as a partial of its own (`layouts/_partials/presslift/views/TYPE/LANG/`), with one partial that picks
the variant old Hugo's lookup picked (the page's type before `_default`, its language before none),
and the call becomes `partial "presslift/views/date.html" .`. A partial named with `.html` is the
HTML template from any output format, so the view runs as it ran: with html/template's escaping. A
view that has a template for the other format already, or no `_default` HTML view, is left as it is.
One note per view.

This module reads the templates below a site's layout folders and writes only below the site's own.
"""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.themelayouts import layout_roots, templates

#: `RECEIVER.Render "view"`; the receiver is the dot where none is written.
_RENDER = re.compile(rb'((?:\$\w*|(?<![\w)\]$"]))(?:\.\w+)*)\.Render\s+(["`])([\w-]{1,60})\2')
_HTML = (".html", ".htm")
FOLDER = "_partials/presslift/views"
#: A view file's name: the view, an optional language, .html.
_VIEW_FILE = re.compile(r"([\w-]{1,60})(?:\.([a-zA-Z]{2,3}(?:-[\w]{1,8})?))?\.html")


def render_html_views(site_root: Path) -> list[str]:
    """Give the views non-HTML templates render by their HTML views; the notes, one per view."""
    layouts = site_root / "layouts"
    if layouts.is_symlink() or (layouts / "_partials").is_symlink():
        return []
    files = list(templates(layout_roots(site_root)))
    calling: dict[str, list[Path]] = {}
    for path in files:
        if path.name.endswith(_HTML):
            continue
        try:
            text = path.read_bytes()
        except OSError:
            continue
        for found in _RENDER.finditer(text):
            calling.setdefault(found[3].decode(), []).append(path)
    notes = []
    given: set[bytes] = set()
    for view, paths in sorted(calling.items()):
        variants = _variants(files, view)
        picker = layouts / FOLDER / f"{view}.html"
        copies = {layouts / FOLDER / _copy_name(view, *key): path for key, path in variants.items()}
        if ("_default", "") not in variants or _has_other_format(files, view):
            continue
        if any(_through_link(site_root, target) for target in (picker, *copies)):
            continue  # never written through a link the repository put there
        for copy, path in copies.items():
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(path.read_bytes())
        picker.write_text(_picker(view, variants), encoding="utf-8")
        given.add(view.encode())
        callers = sorted({p.relative_to(site_root).as_posix() for p in paths})
        more = f" and {len(callers) - 1} more" if len(callers) > 1 else ""
        notes.append(
            f'{callers[0]}{more} render{"s" if not more else ""} the view "{view}", which this Hugo looks up '
            f"for that output format only: built with its HTML view, as older Hugo did (update the theme "
            "to a release for this Hugo)"
        )
    for path in {p for view, paths in calling.items() if view.encode() in given for p in paths}:
        text = path.read_bytes()
        path.write_bytes(_RENDER.sub(lambda m: _call(m, given), text))
    return notes


def _call(found: re.Match[bytes], given: set[bytes]) -> bytes:
    if found[3] not in given:
        return found[0]
    receiver = found[1] or b"."
    return b'(partial "presslift/views/' + found[3] + b'.html" ' + receiver + b")"


def _variants(files: list[Path], view: str) -> dict[tuple[str, str], Path]:
    """(type folder, language) -> the HTML view old Hugo would take, the first root's (the site's
    before a theme's)."""
    found: dict[tuple[str, str], Path] = {}
    for path in files:
        name = _VIEW_FILE.fullmatch(path.name)
        if name is None or name[1] != view or path.parent.parent.name != "layouts":
            continue
        found.setdefault((path.parent.name, (name[2] or "").lower()), path)
    return {key: path for key, path in found.items() if re.fullmatch(r"[\w-]{1,60}", key[0])}


def _through_link(site_root: Path, target: Path) -> bool:
    return any(part.is_symlink() for part in (target, *target.parents) if part.is_relative_to(site_root))


def _copy_name(view: str, folder: str, lang: str) -> str:
    """Where a variant's copy goes below FOLDER: a dot in a partial's name would read as a language."""
    return f"{folder}/{lang or '_'}/{view}.html"


def _has_other_format(files: list[Path], view: str) -> bool:
    """Whether some layouts folder has a view of that name for another format (date.json)."""
    return any(
        path.name.startswith(f"{view}.")
        and not path.name.endswith(_HTML)
        and path.parent.parent.name == "layouts"
        for path in files
    )


def _picker(view: str, variants: dict[tuple[str, str], Path]) -> str:
    """The partial that calls the variant old Hugo's lookup took: the page's type folder before
    `_default`, and in each the page's language before none."""
    order = sorted(variants, key=lambda key: (key[0] == "_default", key[0], key[1] == "", key[1]))
    lines = ["{{- $p := . -}}{{- $lang := lower $p.Language.Lang -}}{{- if false -}}"]
    for folder, lang in order:
        test = []
        if folder != "_default":
            test.append(f'(eq $p.Type "{folder}")')
        if lang:
            test.append(f'(eq $lang "{lang}")')
        name = f"presslift/views/{_copy_name(view, folder, lang)}"
        condition = "true" if not test else test[0] if len(test) == 1 else f"and {' '.join(test)}"
        lines.append(f'{{{{- else if {condition} -}}}}{{{{- partial "{name}" $p -}}}}')
    lines.append("{{- end -}}")
    return "\n".join(lines) + "\n"
