"""A page's file fields read from the page, which Hugo removed: `.Dir`, `.Filename`, `.Ext`, ...

Hugo once gave a page its file's `Dir`, `Filename`, `BaseFileName`, `TranslationBaseName`,
`ContentBaseName` and `Ext` (themes build "edit this page" links from `.Dir`), deprecated them for
`.File.Dir` and the rest, and removed them: every build of such a theme fails ("can't evaluate field
Dir in type *hugolib.pageState"), as with plain Hugo. A data map's `Dir` or `Ext` reads the same way
and still works, so nothing is rewritten ahead (`removedfeatures` does ahead only `.UniqueID` and
`.LogicalName`, which no data file names): as with a page's `.Author` (`removedauthor`), the use Hugo
fails on, at the file, line and column it names, becomes the page's `.File` one, and the build runs
again; each use replaced is a warning on the run.

This module reads Hugo's log and rewrites one line of one template below the site's folder.
"""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.removedauthor import WHERE, replace_use

FIELDS = ("Dir", "Filename", "BaseFileName", "TranslationBaseName", "ContentBaseName", "Ext")
_USE = re.compile(
    r"at <((?:\$\w*|\.\w+)?(?:\.\w+)*?)\.(" + "|".join(FIELDS) + r")((?:\.\w+)*)>: "
    r"can't evaluate field (?:" + "|".join(FIELDS) + r") in type (?:\*hugolib\.pageState|page\.Page)\b"
)


def give_file_field(log: str, source: Path) -> str:
    """Replace the use of a page's removed file field that `log` (Hugo's, with the site's own paths)
    failed on with its `.File` one; the warning naming it, or "" when there is none to replace."""
    use = _USE.search(log)
    places = list(WHERE.finditer(log, max(0, use.start() - 4000), use.start())) if use else []
    if not use or not places:
        return ""
    receiver, field, rest = use.groups()
    name, line, column = places[-1].group(1), int(places[-1].group(2)), int(places[-1].group(3))
    used = f"{receiver}.{field}{rest}"
    if not replace_use(source / name, source, line, column, used, f"{receiver}.File.{field}{rest}"):
        return ""
    return (
        f"{name}:{line}:{column} uses a page's .{field}, which Hugo no longer has: built with .File.{field}, "
        "which does the same (update the theme to a release for this Hugo)"
    )
