"""A theme's own partial that hides Hugo's partial of the same name, renamed so both are found.

Hugo keeps its built-in partials (`disqus.html`, `opengraph.html`, `pagination.html`, ...) among the
site's, and since 0.146 reaches them by their old `_internal/` names through that same place. A theme
that has a partial of its own by one of those names (Anubis' `partials/disqus.html`, a theme's own
`pagination.html`) and calls Hugo's by `template "_internal/disqus.html"` (often from inside its own)
fails every build ("no such template"), as with plain Hugo: its partial hides Hugo's.

The fetch stage renames the theme's partial in the build's copy of the site (never the repository) to
`<name>-own.html`, in every layouts folder that has it (a site's override keeps overriding), and points
the calls that name it there (`partial`, `partialCached`, `template "partials/..."`); the `_internal/`
call then reaches Hugo's own, unchanged. A partial whose new name is taken is left as it is. One note
per partial, naming the files that call Hugo's.

This module reads the templates below a site's layout folders and writes only there.
"""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.themelayouts import callers, layout_roots, templates

#: Hugo's built-in partials a template can call as `_internal/<name>.html`.
BUILT_IN = ("disqus", "google_analytics", "opengraph", "pagination", "schema", "twitter_cards")
SUFFIX = "-own"
_INTERNAL = re.compile(rb'template\s+"_internal/(' + "|".join(BUILT_IN).encode() + rb')\.html"')
_PARTIAL_FOLDERS = ("partials", "_partials")


def _calls(name: str) -> re.Pattern[bytes]:
    """A template's calls of the partial `name`: by partial, partialCached, partials.Include(Cached),
    with or without `.html`, and by `template "partials/<name>.html"`."""
    return re.compile(
        rb'(\b(?:partial|partialCached|partials\.Include|partials\.IncludeCached)\s+"|\btemplate\s+"_?partials/)'
        + re.escape(name.encode())
        + rb'((?:\.html)?")'
    )


def rename_shadowing_partials(site_root: Path) -> list[str]:
    """Rename each partial of the site's that hides a built-in one its templates call by `_internal/`,
    and point its calls to the new name; the notes, one per partial."""
    if (site_root / "layouts").is_symlink():
        return []
    roots = layout_roots(site_root)
    files = list(templates(roots))
    calling_files = callers(files, _INTERNAL)
    notes = []
    for name, calling in sorted(calling_files.items()):
        own = [
            root / "layouts" / folder / f"{name}.html"
            for root in roots
            for folder in _PARTIAL_FOLDERS
            if (root / "layouts" / folder / f"{name}.html").is_file()
        ]
        renamed = [path.with_name(f"{name}{SUFFIX}.html") for path in own]
        if not own or any(path.is_symlink() for path in own) or any(p.exists() for p in renamed):
            continue
        for path, new in zip(own, renamed, strict=True):
            path.rename(new)
        _point_calls(files, own, renamed, name)
        first = min(calling).relative_to(site_root).as_posix()
        more = f" and {len(calling) - 1} more" if len(calling) > 1 else ""
        notes.append(
            f'{first}{more} call{"s" if not more else ""} Hugo\'s "_internal/{name}.html", which the '
            f"theme's own partial {name}.html hides on this Hugo: built with the theme's renamed to "
            f"{name}{SUFFIX}.html (update the theme to a release for this Hugo)"
        )
    return notes


def _point_calls(files: list[Path], own: list[Path], renamed: list[Path], name: str) -> None:
    pattern = _calls(name)
    moved = dict(zip(own, renamed, strict=True))
    for path in files:
        path = moved.get(path, path)
        try:
            text = path.read_bytes()
        except OSError:
            continue
        changed = pattern.sub(lambda m: m[1] + f"{name}{SUFFIX}".encode() + m[2], text)
        if changed != text:
            path.write_bytes(changed)
