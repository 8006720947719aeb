"""Module mounts of what npm installs, absent from a build: why a site that built has pages missing.

A docs site on Doks (and others built with npm) mounts its layouts from `node_modules/`
(`[[module.mounts]] source = "node_modules/@thulite/doks-core/layouts" target = "layouts"`), which no
build here fills. Hugo then builds without them and exits 0, having written the home page alone and
warned only 'found no layout file for "html" for kind "page"': the site went live with its docs
missing and nothing said why. Where Hugo says that and the site mounts a `node_modules/` folder that
is not in the source, the run's warning says so and what to do.
"""

from __future__ import annotations

import os
from pathlib import Path

from chalicelib.errors import BuildError
from chalicelib.hugo_policy import component_configs

#: Hugo's warning for pages it could not write, which a missing mount explains.
NO_LAYOUT = 'found no layout file for "html"'
NPM_FOLDER = "node_modules/"


def missing_npm_mounts(source: Path) -> list[str]:
    """The `node_modules/` folders the site's config mounts that the source does not have."""
    missing: list[str] = []
    try:
        configs = list(component_configs(source))
    except BuildError:
        return []  # a config the build read anyway: nothing more to say here
    for _, config in configs:
        module = config.get("module")
        mounts = module.get("mounts") if isinstance(module, dict) else None
        for mount in mounts if isinstance(mounts, list) else ():
            folder = mount.get("source") if isinstance(mount, dict) else None
            npm = isinstance(folder, str) and folder.startswith(NPM_FOLDER) and folder not in missing
            if npm and not (source / str(folder)).exists():
                missing.append(str(folder))
    return missing


#: How the warning below begins (the run gives it a code of its own, `npm-not-run`).
NOTE_START = "pages with no layout were left out: "


def npm_mounts_note(source: Path) -> str:
    """The warning for a build whose pages had no layout because npm's folders were not there; ""."""
    cause = npm_cause(source)
    return f"{NOTE_START}{cause}" if cause else ""


def npm_links(source: Path) -> list[str]:
    """The site's themes that are links into a `node_modules/` npm did not fill here (Jaeger's docs
    commit `themes/docsy` as a link to `../node_modules/docsy`, which npm's postinstall fills)."""
    themes = source / "themes"
    if not themes.is_dir() or themes.is_symlink():
        return []
    found = []
    for entry in sorted(themes.iterdir()):
        if entry.is_symlink() and NPM_FOLDER.rstrip("/") in os.readlink(entry) and not entry.exists():
            found.append(f"themes/{entry.name} (a link to {os.readlink(entry)})")
    return found


def npm_cause(source: Path) -> str:
    """Why a build that mounts (or links) what npm installs lacks it ("" when nothing of it is
    missing)."""
    missing = missing_npm_mounts(source)
    if not missing and (linked := npm_links(source)):
        return (
            f"the site's theme is {', '.join(linked[:3])}, which npm fills, and Presslift's builds run no "
            "npm; commit the theme there instead of the link (or as a git submodule)"
        )
    if not missing:
        return ""
    shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
    return (
        f"the site mounts {shown}, which npm installs, and Presslift's builds run no npm; commit what "
        "npm installed there (or the theme under themes/)"
    )
