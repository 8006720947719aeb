"""A page's `.Author`, which Hugo removed, as the Hugo before its removal gave it: an empty author.

Hugo deprecated a page's `.Author` in 0.98; from 0.112 it gave an empty author (every field "", no
social links) until it was removed, and a theme that still reads it (Future Imperfect Slim's head)
fails every build on Hugo 0.168. Unlike the site's removed fields (`removedfeatures`), the text
`.Author` does not say whose it is: a data file's or a map's `Author` reads the same way and still
works. So nothing is rewritten before the build. When Hugo fails saying a page has no field Author,
the file, line and column it names are where a page's `.Author` is, and only that use becomes the
empty author; the build then runs again (`hugo.build_site`, at most `MAX_FIXES` times), and each use
replaced is a warning on the run.

The site's `.Author`, `.Authors` and `.Social` read through `.Site` are `removedfeatures`' before the
build; read on a site given as a partial's context (Congo: `partial "functions/warnings.html" .Site`,
then `{{ if .Author }}`), they are found the same way as a page's, and that use becomes what old Hugo
gave: the config's table of that name (`removedfeatures.SiteConfig.old_table`), written into the
template as a literal, or an empty one.

This module reads Hugo's log and rewrites one line of one template below the site's folder.
"""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.removedfeatures import quoted, site_config, small

#: Uses replaced in one build at most: each costs a Hugo run up to the failure.
MAX_FIXES = 5
#: What a page's `.Author` gave from Hugo 0.112 until its removal: page.Author{} (a map's fields read
#: the same as the struct's, and a non-empty map is true in an `if`, as a struct was).
EMPTY_AUTHOR = (
    '(dict "GivenName" "" "FamilyName" "" "DisplayName" "" "Thumbnail" "" "Image" "" "ShortBio" "" '
    '"LongBio" "" "Email" "" "Social" (dict))'
)
_USE = re.compile(
    r"at <((?:\$\w*|\.\w+)?(?:\.\w+)*?\.Author(?:\.\w+)*)>: "
    r"can't evaluate field Author in type (?:\*hugolib\.pageState|page\.Page)\b"
)
_SITE_USE = re.compile(
    r"at <((?:\$\w*|\.\w+)?(?:\.\w+)*?\.(Author|Authors|Social)(?:\.\w+)*)>: "
    r"can't evaluate field (?:Author|Authors|Social) in type \*?page\.(?:siteWrapper|Site)\b"
)
#: Nesting of a config table written as a template literal; deeper is left to Hugo's failure.
MAX_DEPTH = 8
#: Where a template failed; the last one before the use is its own (the others are its callers).
WHERE = re.compile(r'"([^"\n]{1,300}):(\d{1,6}):(\d{1,5})": execute of template failed')
MAX_LINE = 10_000


def give_empty_author(log: str, source: Path) -> str:
    """Replace the use of a page's `.Author` that `log` (Hugo's, with the site's own paths) failed on
    with the empty author; the warning naming it, or "" when there is none to replace."""
    use = _USE.search(log) or _SITE_USE.search(log)
    places = list(WHERE.finditer(log, max(0, use.start() - 4000), use.start())) if use else []
    if not use or not places:
        return ""
    where, used = places[-1], use.group(1)
    field = "Author" if use.re is _USE else use.group(2)
    given = EMPTY_AUTHOR if use.re is _USE else _site_table(source, field)
    if given is None:
        return ""
    name, line_number, column = where.group(1), int(where.group(2)), int(where.group(3))
    rest = used[used.index(f".{field}") + len(field) + 1 :]
    if not replace_use(source / name, source, line_number, column, used, given + rest):
        return ""
    if use.re is _SITE_USE:
        return (
            f"{name}:{line_number}:{column} uses the site's .{field}, which Hugo no longer has: built with "
            f"the config's [{field.lower()}] table as old Hugo gave it (update the theme to a release for "
            f"this Hugo, or write .Site.Params.{field.lower()})"
        )
    return (
        f"{name}:{line_number}:{column} uses a page's .Author, which Hugo no longer has: built with an "
        "empty author, as the Hugo before its removal gave (update the theme to a release for this Hugo, "
        "or write .Params.author)"
    )


def replace_use(path: Path, source: Path, line_number: int, column: int, used: str, given: str) -> bool:
    """Replace the `used` text nearest `column` of line `line_number` of `path` (a template in `source`,
    never through a link or outside it) with `given`; whether it was."""
    root = source.resolve()
    if path.is_symlink() or not path.resolve().is_relative_to(root) or not path.resolve().is_file():
        return False
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return False
    if not 0 < line_number <= len(lines) or len(lines[line_number - 1]) > MAX_LINE:
        return False
    line = lines[line_number - 1]
    starts = [m.start() for m in re.finditer(re.escape(used) + r"(?![\w])", line)]
    if not starts:
        return False
    start = min(starts, key=lambda at: abs(at - (column - 1)))
    lines[line_number - 1] = line[:start] + given + line[start + len(used) :]
    try:
        path.write_text("\n".join(lines), encoding="utf-8")
    except OSError:  # a copy Presslift may not write: Hugo's failure stands, with its hint
        return False
    return True


def _site_table(source: Path, field: str) -> str | None:
    """The site's old `.<field>` as a template literal, or None where it cannot be written as one."""
    config = site_config(source)
    table = config.old_table(field.lower())[0] if config is not None else None
    return literal(table) if table is not None and small(table) else None


def literal(value: object, depth: int = 0) -> str | None:
    """`value` (a config's) as a Go template expression, or None for what has none (dates, deep nests)."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if value == value and abs(value) != float("inf") else None
    if isinstance(value, str):
        return quoted(value)  # a Go string literal
    if isinstance(value, list):
        items = [literal(item, depth + 1) for item in value]
        return None if None in items else "(slice " + " ".join(map(str, items)) + ")"
    if isinstance(value, dict):
        pairs = [(quoted(str(key)), literal(item, depth + 1)) for key, item in value.items()]
        if any(item is None for _, item in pairs):
            return None
        return "(dict" + "".join(f" {key} {item}" for key, item in pairs) + ")"
    return None
