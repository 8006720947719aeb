"""Where Presslift's default Hugo theme lives, for the converter and the build stage.

The theme ships inside `chalicelib/` so Chalice packages it with the Lambda code. This module only
names it and finds it on disk; it must never copy, build or modify the theme (the build stage does
that, under /tmp) and never import anything outside the standard library.
"""

from __future__ import annotations

import pathlib

THEME_NAME = "presslift"


def theme_dir() -> pathlib.Path:
    """The theme's folder (holds `theme.toml` and `layouts/`).

    The folder is called `theme`, not `presslift`, so its parent is not a usable `themesDir`: copy or
    symlink it to `<themesDir>/presslift` and set `theme = "presslift"` in the site's config.
    """
    return pathlib.Path(__file__).resolve().parent / "theme"
