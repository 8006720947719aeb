"""What to do when the content uses a shortcode no template defines: which theme has it, if one does.

Hugo says 'template for shortcode "targetblank" not found'. Often the shortcode is in the repository,
in a theme the site's config does not name: the site was built with `hugo -t keeponcoding` from a
script, which Presslift's builds do not run, or the config names another theme. The hint reads the
site's themes folder for a template of that name and says which theme has it and how to name it
(the config's `theme`, or `build_flags = ["-t", NAME]` in presslift.toml); where none has it, it says
that the site's layouts and its themes lack it.

This module reads Hugo's log and lists files below the site's themes folder; it writes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.themelayouts import SHORTCODE_FOLDERS

_MISSING = re.compile(
    r'"([^"\n]{1,300}?):\d{1,6}:\d{1,5}": failed to extract shortcode: '
    r'template for shortcode "([\w-]{1,100}(?:/[\w-]{1,100}){0,4})" not found'
)
MAX_THEMES = 100


def shortcode_hint(log: str, source: Path) -> str:
    """One sentence for a shortcode Hugo did not find, or "" when the log has none."""
    found = _MISSING.search(log)
    if found is None:
        return ""
    page, name = found.groups()
    themes = _themes_defining(source, name)
    if themes:
        theme = themes[0]
        return (
            f"the content uses the shortcode {name} ({page}), which themes/{theme} defines, and the site's "
            f'config does not name that theme: set theme = "{theme}" in it (a build script\'s `hugo -t '
            f'{theme}` is not run here), or add build_flags = ["-t", "{theme}"] to presslift.toml'
        )
    return (
        f"the content uses the shortcode {name} ({page}), which neither the site's layouts nor any theme in "
        f"its themes/ folder defines: add layouts/_shortcodes/{name}.html, or the theme that has it"
    )


def _themes_defining(source: Path, name: str) -> list[str]:
    themes = source / "themes"
    if not themes.is_dir() or themes.is_symlink():
        return []
    found = []
    for theme in sorted(themes.iterdir())[:MAX_THEMES]:
        if not theme.is_dir() or theme.is_symlink():
            continue
        for folder in SHORTCODE_FOLDERS:
            shortcodes = theme / "layouts" / folder
            if shortcodes.is_dir() and any(shortcodes.glob(f"{name}.*")):
                found.append(theme.name)
                break
    return found
