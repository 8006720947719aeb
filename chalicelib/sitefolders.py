"""A site's layouts, content and themes at Hugo's default folders in the build's copy.

A site may keep them elsewhere (`layoutDir = "app/layouts"`, `contentDir = "app/content"`,
`themesDir = "app/themes"`, as a real personal site does), and the passes that fit a site to this
Hugo (`oldhugo.adapt`: `.Hugo` as `hugo`, `.Site.IsServer`, `_build` and the rest) look in `layouts/`,
`content/` and `themes/`: such a site failed on what they fix, with an error that blamed a theme it
did not have. So, in the build's copy (never the repository), each such folder is moved to Hugo's
default name and its setting left out of the config, where the default folder is free and the
setting can be taken out exactly; Hugo then reads the same files from where the passes look.
A language's own contentDir, a folder outside the repository (refused by `hugo_policy`), or a site
that mounts its folders itself (`[module.mounts]`) is left as it is. An empty `theme` setting is
left out too (it names no theme).
"""

from __future__ import annotations

from pathlib import Path

from chalicelib.errors import BuildError
from chalicelib.hugo_policy import component_configs
from chalicelib.removedsettings import MAX_CONFIG_FILE, without_settings

#: The settings moved, by their lower-case key, and Hugo's default folder for each.
FOLDERS = {"layoutdir": "layouts", "contentdir": "content", "themesdir": "themes"}


def use_default_folders(site_root: Path) -> None:
    """Move the folders the site's config names to Hugo's defaults (see the module's docstring)."""
    try:
        configs = list(component_configs(site_root))
    except BuildError:
        return  # Hugo says what is wrong with it
    if any(_mounts(config) for _, config in configs):
        return
    root = site_root.resolve()
    for path, config in configs:
        moves: list[tuple[tuple[str, ...], Path, Path]] = []
        for key, default in FOLDERS.items():
            value = next((v for k, v in config.items() if str(k).lower() == key), None)
            if not isinstance(value, str) or value.strip().strip("./") in ("", default):
                continue
            folder, target = site_root / value.strip(), site_root / default
            try:
                inside = folder.resolve().is_relative_to(root)
            except (OSError, RuntimeError):
                inside = False
            if inside and folder.is_dir() and not folder.is_symlink() and not target.exists():
                moves.append(((key,), folder, target))
        # `theme = ""` names no theme, as no setting does; but once themesDir is given Hugo's default
        # (hugo_policy.unused_themes_dir: an example site's `../..`), Hugo looks for a module named "".
        empty = (
            [("theme",)]
            if any(str(k).lower() == "theme" and v in ("", []) for k, v in config.items())
            else []
        )
        if not (moves or empty) or path.is_symlink() or path.stat().st_size > MAX_CONFIG_FILE:
            continue
        part = None if path.stem in ("hugo", "config") else path.stem.lower()
        removed = [m[0] for m in moves] + empty
        fixed = without_settings(path.read_text(encoding="utf-8"), path.suffix, part, removed)
        if fixed is None:
            continue
        for _, folder, target in moves:
            folder.rename(target)
        path.write_text(fixed, encoding="utf-8")


def _mounts(config: dict[str, object]) -> bool:
    module = next((v for k, v in config.items() if str(k).lower() == "module"), None)
    return isinstance(module, dict) and any(str(k).lower() == "mounts" for k in module)
