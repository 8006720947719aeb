"""HTML and Org content files, which Hugo 0.162 stopped building by default, built as Hugo built them.

Hugo 0.162 refuses content files of the media types `text/html` and (later) `text/org` unless the
site's config allows them (`security.allowContent`): they pass HTML through as written, which is
cross-site scripting where the people who write content are trusted less than those who write
templates. A site with one such page (a CV kept as `content/cv/index.html`, a page exported from
another tool) fails every build, as with plain Hugo: four of the 37 real blogs this pipeline was tried
on did.

In a repository Presslift builds, content and templates come from the same pushes, and the
templates already write whatever HTML they like into every page, so allowing these files adds
nothing a repository cannot do. When the site has such content and its config does not decide
`security.allowContent` itself, the fetch stage writes `config/_default/security.toml` into the
build's copy of the site (never the repository) allowing all content types, as Hugo before 0.162 did,
and the run carries a note naming a file and how to decide otherwise. A site whose config sets
`allowContent` keeps its own choice; so does one with a `security` file in `config/_default/` already.

This module reads the site's config and lists its content files; it writes only that one file.
"""

from __future__ import annotations

from pathlib import Path

from chalicelib.errors import BuildError
from chalicelib.hugo_policy import CONFIG_DIR, CONFIG_SUFFIXES, component_configs
from chalicelib.repeatedkeys import regular_files

#: Content file extensions Hugo maps to the media types it refuses by default.
REFUSED_SUFFIXES = (".html", ".htm", ".org")
SECURITY_FILE = "security.toml"
MAX_FILES = 200_000


def allow_old_content(site_root: Path) -> list[str]:
    """Allow HTML and Org content where the site has some and decides nothing; the note, or none."""
    found = next(
        (
            path
            for path in regular_files(site_root / "content", [MAX_FILES])
            if path.lower().endswith(REFUSED_SUFFIXES)
        ),
        None,
    )
    if found is None or _decides(site_root):
        return []
    folder = site_root / CONFIG_DIR / "_default"
    if any(part.is_symlink() for part in (site_root / CONFIG_DIR, folder)):
        return []
    if any((folder / f"security{suffix}").exists() for suffix in CONFIG_SUFFIXES):
        return []  # the site's own security file: Hugo's failure and its hint stand
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SECURITY_FILE).write_text(
        "# Presslift: HTML and Org content built as Hugo before 0.162 built it (see the run's note)\n"
        "allowContent = ['.*']\n",
        encoding="utf-8",
    )
    shown = Path(found).relative_to(site_root).as_posix()
    return [
        f"{shown} is content Hugo 0.162 and later refuse by default (HTML or Org, which passes HTML "
        "through): built with it allowed, as Hugo built it before, since the site's templates decide "
        "its HTML anyway (set security.allowContent in the site's config to decide otherwise)"
    ]


def _decides(site_root: Path) -> bool:
    """Whether the site's config sets security.allowContent (or cannot be read: Hugo says why)."""
    try:
        configs = list(component_configs(site_root))
    except BuildError:
        return True
    return any(
        str(key).lower() == "security"
        and isinstance(value, dict)
        and any(str(name).lower() == "allowcontent" for name in value)
        for _, config in configs
        for key, value in config.items()
    )
