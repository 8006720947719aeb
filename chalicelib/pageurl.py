"""A page's `.URL`, which Hugo removed, read as `.RelPermalink`, which Hugo named to replace it.

Old themes link each post with `{{ .URL }}` (Even's post summary, many list templates); Hugo deprecated
a page's URL for `.RelPermalink` and removed it, and every build of such a theme fails ("can't evaluate
field URL in type *hugolib.pageState"), as with plain Hugo. A menu entry's `.URL` is still Hugo's, and
so is a data map's, so nothing is rewritten ahead: as with a page's `.Author` (`removedauthor`), the
use Hugo fails on, at the file, line and column it names, becomes `.RelPermalink`, and the build runs
again; each use replaced is a warning on the run.

This module reads Hugo's log and rewrites one line of one template below the site's folder.
"""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.removedauthor import WHERE, replace_use

_USE = re.compile(
    r"at <((?:\$\w*|\.\w+)?(?:\.\w+)*?)\.URL((?:\.\w+)*)>: "
    r"can't evaluate field URL in type (?:\*hugolib\.pageState|page\.Page)\b"
)


def give_page_url(log: str, source: Path) -> str:
    """Replace the use of a page's `.URL` that `log` (Hugo's, with the site's own paths) failed on with
    `.RelPermalink`; the warning naming it, or "" when there is none to replace."""
    use = _USE.search(log)
    places = list(WHERE.finditer(log, max(0, use.start() - 4000), use.start())) if use else []
    if not use or not places:
        return ""
    receiver, rest = use.groups()
    name, line, column = places[-1].group(1), int(places[-1].group(2)), int(places[-1].group(3))
    if not replace_use(
        source / name, source, line, column, f"{receiver}.URL{rest}", f"{receiver}.RelPermalink{rest}"
    ):
        return ""
    return (
        f"{name}:{line}:{column} uses a page's .URL, which Hugo no longer has: built with .RelPermalink, "
        "which Hugo named to replace it (update the theme to a release for this Hugo)"
    )
