"""A site built with a theme its config does not name: the one theme in its themes/ folder.

A repository may keep its theme in themes/ and name it only in the script that built it (`hugo
--theme=skeleton` in release.sh, `hugo server -t skeleton` in start.sh), which Presslift's builds do
not run. Hugo then renders no home page, and the build fell back to Presslift's own theme: the site
was published, but not as it looks. When the project's config names no theme and imports no module,
its own layouts hold no template a home page renders with, and its themes/ folder holds exactly one
theme (a folder with layouts), the build names that theme (`--theme`) and says so in a warning that
tells where to name it. Anything else is left as it was: a guess among several themes, or over a
site that renders its own home page, would be wrong more often than right.

This module reads the project's config and lists its layouts and themes folders; it writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chalicelib.errors import BuildError
from chalicelib.hugo_policy import component_configs

#: Template names a home page can render with, in layouts/ or layouts/_default/ (index.html,
#: home.html, list.html, and their output-format or language variants such as index.en.html).
HOME_TEMPLATES = frozenset({"index", "home", "list"})
#: Config keys that mean the theme comes from somewhere this module does not look.
THEME_KEYS = frozenset({"theme", "themesdir", "module"})
MAX_THEMES = 100
MAX_LAYOUT_FILES = 2000


@dataclass(frozen=True)
class OnlyTheme:
    """The theme to build with, and the warning that says why."""

    name: str

    @property
    def flags(self) -> tuple[str, ...]:
        return ("--theme", self.name)

    def note(self) -> str:
        return (
            f"the site's config names no theme: built with themes/{self.name}, the only theme in its "
            f"themes/ folder (a build script's `hugo --theme {self.name}` is not run here); name it with "
            f'theme = "{self.name}" in the site\'s config, or build_flags = ["-t", "{self.name}"] in '
            "presslift.toml"
        )


def only_theme(source: Path, flags: tuple[str, ...] = ()) -> OnlyTheme | None:
    """The theme to name for a site whose config and flags name none (see the module's docstring)."""
    if any(flag in ("-t", "--theme") or flag.startswith(("--theme=", "-t=")) for flag in flags):
        return None
    if _config_decides(source) or _renders_own_home(source / "layouts"):
        return None
    themes = source / "themes"
    if not themes.is_dir() or themes.is_symlink():
        return None
    found = [
        theme.name
        for theme in sorted(themes.iterdir())[:MAX_THEMES]
        if theme.is_dir() and not theme.is_symlink() and (theme / "layouts").is_dir()
    ]
    return OnlyTheme(found[0]) if len(found) == 1 else None


def _config_decides(source: Path) -> bool:
    """Whether the project's config names a theme, a themes folder or modules (at its top level or a
    language's); True when it cannot be read, so nothing is guessed for it."""
    try:
        configs = [config for _, config in component_configs(source)]
    except BuildError:
        return True
    tables = list(configs)
    for config in configs:
        languages = next((v for k, v in config.items() if str(k).lower() == "languages"), None)
        if isinstance(languages, dict):
            tables += [table for table in languages.values() if isinstance(table, dict)]
    return any(str(key).lower() in THEME_KEYS for table in tables for key in table)


def _renders_own_home(layouts: Path) -> bool:
    """Whether the site's own layouts hold a template a home page renders with."""
    for folder in (layouts, layouts / "_default"):
        if not folder.is_dir() or folder.is_symlink():
            continue
        for n, path in enumerate(folder.iterdir()):
            if n >= MAX_LAYOUT_FILES:
                return True  # too many to read: the site is taken to have its own
            if path.name.split(".", 1)[0] in HOME_TEMPLATES and path.suffix in (".html", ".htm"):
                return True
    return False
