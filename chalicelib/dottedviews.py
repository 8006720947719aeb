"""Content views with a dot in their name, renamed so Hugo 0.146's template lookup finds them.

Before Hugo 0.146 a theme could keep a content view as `layouts/_default/li.archive.html` and render
it with `.Render "li.archive"` (Minimo does). Hugo's new template system reads each dot of a file's
name as one of its identifiers (language, output format, kind), so that view is no longer found and
every build fails ("error calling Render: template not found"), as with plain Hugo. With the dots as
hyphens (`li-archive.html`, `.Render "li-archive"`) the same view is found, by old Hugo and new.

The fetch stage writes that into the build's copy of the site (never the repository): each dotted
view a template renders and some layouts folder has gets a hyphenated copy beside it, and the calls
name the copy; a view whose hyphenated name is already taken, or that no folder has, is left as it
is. One note per view, naming the file that renders it.

This module reads the templates below a site's layout folders and writes only there.
"""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.themelayouts import callers, layout_roots, rewrite_then_copy, templates

_RENDER = re.compile(rb'(\.Render\s+")([\w-]{1,60}(?:\.[\w-]{1,60}){1,3})(")')


def rename_dotted_views(site_root: Path) -> list[str]:
    """Give each dotted content view the site renders a hyphenated copy and point its calls there;
    the notes, one per view."""
    if (site_root / "layouts").is_symlink():
        return []
    files = list(templates(layout_roots(site_root)))
    calling_files = callers(files, _RENDER, 2)
    renamed: dict[bytes, bytes] = {}
    copying: list[tuple[Path, Path]] = []
    notes = []
    for view, calling in sorted(calling_files.items()):
        hyphenated = view.replace(".", "-")
        views = [path for path in files if path.name == f"{view}.html"]
        copies = [path.with_name(f"{hyphenated}.html") for path in views]
        if not views or any(copy.exists() or copy.is_symlink() for copy in copies):
            continue
        copying += zip(views, copies, strict=True)
        renamed[view.encode()] = hyphenated.encode()
        first = min(calling).relative_to(site_root).as_posix()
        more = f" and {len(calling) - 1} more" if len(calling) > 1 else ""
        notes.append(
            f'{first}{more} render{"s" if not more else ""} the view "{view}", which this Hugo\'s template '
            f'lookup does not find by a dotted name: built as "{hyphenated}" (update the theme to a '
            "release for this Hugo)"
        )
    if renamed:
        calling = set().union(*calling_files.values())
        rewrite_then_copy(calling, _RENDER, lambda m: m[1] + renamed.get(m[2], m[2]) + m[3], copying)
    return notes
