"""The site's `.Site`, which the site of an older Hugo had (the site itself) and this one has not.

A template given the site as its context that reads `.Site.BaseURL` (Future Imperfect Slim's script,
executed as a template with `resources.ExecuteAsTemplate "js/main.js" .Site`; a partial called with
`.Site`) built on older Hugo and fails on this one: "can't evaluate field Site in type
*page.siteWrapper". As with a page's `.Author` (`removedauthor`), the text alone cannot tell whose
`.Site` it reads, so nothing is rewritten ahead: where Hugo fails on it, the use it names (in a
template, or in an asset executed as a template) becomes `site`, the site itself, and the build runs
again; each use replaced is a warning on the run.

This module reads Hugo's log and rewrites one line of one template or asset below the site's folder.
"""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.removedauthor import WHERE, replace_use

_USE = re.compile(
    r"at <((?:\$\w*|\.\w+)?(?:\.\w+)*?\.Site)((?:\.\w+)*)>: "
    r"can't evaluate field Site in type \*page\.siteWrapper\b"
)
#: An asset executed as a template: Hugo names it by its path below assets/, and its line and column.
_ASSET = re.compile(
    r'EXECUTE-AS-TEMPLATE: failed to transform "(/[^"\n]{1,300})"[^\n]{0,200}?template: '
    r"(/[^\n:]{1,300}):(\d{1,6}):(\d{1,5}): executing"
)
ASSETS = "assets"


def give_site_itself(log: str, source: Path) -> str:
    """Replace the use of a site's `.Site` that `log` (Hugo's, with the site's own paths) failed on with
    `site`; the warning naming it, or "" when there is none to replace."""
    use = _USE.search(log)
    if not use:
        return ""
    before = log[max(0, use.start() - 4000) : use.start()]
    assets = list(_ASSET.finditer(before))
    places = list(WHERE.finditer(before))
    if assets and (not places or assets[-1].start() > places[-1].start()):
        name, line, column = assets[-1].group(2), int(assets[-1].group(3)), int(assets[-1].group(4))
        path = _asset(source, name)
        shown = path.relative_to(source).as_posix() if path else ""
    elif places:
        shown, line, column = places[-1].group(1), int(places[-1].group(2)), int(places[-1].group(3))
        path = source / shown
    else:
        return ""
    used = use.group(1) + use.group(2)
    if path is None or not replace_use(path, source, line, column, used, "site" + use.group(2)):
        return ""
    return (
        f"{shown}:{line}:{column} reads the site's .Site, which old Hugo's site had (itself) and this "
        f"Hugo's has not: built with site{use.group(2)} (update the theme to a release for this Hugo)"
    )


def _asset(source: Path, name: str) -> Path | None:
    """The asset file Hugo executed as `name` (/js/main.js): the site's own, else a theme's."""
    relative = name.lstrip("/")
    themes = source / "themes"
    roots = [source, *sorted(p for p in themes.glob("*") if p.is_dir())] if themes.is_dir() else [source]
    for root in roots:
        path = root / ASSETS / relative
        if path.is_file():
            return path
    return None
