"""What Hugo removed from its templates and has an exact replacement for, replaced in a build's copy.

A theme written for an older Hugo that uses `resources.ToCSS`, `.Site.DisqusShortname`,
`.Site.GoogleAnalytics` or `.Site.IsServer` fails every build on Hugo 0.168 ("can't evaluate field"),
as it does with plain Hugo; Cactus, Hermit, Ink and Tranquilpeak each use one. Hugo names the
replacement of each, which does the same: `css.Sass` (ToCSS was its old name), the services settings
the same config keys still fill, `hugo.IsServer`. The fetch stage writes those into the copy of the
site it stores for the build (never the repository), and each replaced use is a warning naming the
file, so the theme can be updated. What has no exact replacement (`.Site.Author`: its config table is
no longer read; `getJSON`) is left as it is, and the failed build says what to write (`hugo_hints`).

This module reads and rewrites only the templates below a site's layout folders.
"""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.internaltemplates import templates
from chalicelib.removedshortcodes import layout_roots

#: Each removed feature's pattern, what it becomes, and its name in the warning.
REPLACEMENTS: list[tuple[re.Pattern[bytes], bytes, str, str]] = [
    (re.compile(rb"\bresources\.ToCSS\b|(?<![\w.])toCSS\b"), b"css.Sass", "resources.ToCSS", "css.Sass"),
    (
        re.compile(rb"\b([Ss]ite)\.DisqusShortname\b"),
        rb"\1.Config.Services.Disqus.Shortname",
        ".Site.DisqusShortname",
        ".Site.Config.Services.Disqus.Shortname",
    ),
    (
        re.compile(rb"\b([Ss]ite)\.GoogleAnalytics\b"),
        rb"\1.Config.Services.GoogleAnalytics.ID",
        ".Site.GoogleAnalytics",
        ".Site.Config.Services.GoogleAnalytics.ID",
    ),
    (
        re.compile(rb"(?:\$\w*|(?<![\w)])(?:\.\w+)*)\.Site\.IsServer\b|(?<![\w.])site\.IsServer\b"),
        b"hugo.IsServer",
        ".Site.IsServer",
        "hugo.IsServer",
    ),
]
_ANY = re.compile(rb"ToCSS|toCSS|DisqusShortname|GoogleAnalytics\b|IsServer")


def replace_removed_features(site_root: Path) -> list[str]:
    """Replace each removed feature with its replacement in the site's templates (the site's own, its
    themes', its vendored modules'); one note per feature, naming the files."""
    if (site_root / "layouts").is_symlink():
        return []
    used: dict[str, list[str]] = {}
    for path in templates(layout_roots(site_root)):
        try:
            text = path.read_bytes()
        except OSError:
            continue
        if not _ANY.search(text):
            continue
        changed = text
        for pattern, replacement, name, _ in REPLACEMENTS:
            changed, count = pattern.subn(replacement, changed)
            if count:
                used.setdefault(name, []).append(path.relative_to(site_root).as_posix())
        if changed != text:
            path.write_bytes(changed)
    return [_note(name, files) for name, files in used.items()]


def _note(name: str, files: list[str]) -> str:
    instead = next(new for _, _, old, new in REPLACEMENTS if old == name)
    where = files[0] + (f" and {len(files) - 1} more" if len(files) > 1 else "")
    return (
        f"{where} uses {name}, which Hugo no longer has: built with {instead}, which does the same "
        "(update the theme to a release for this Hugo)"
    )
