"""Where a repository's Hugo site is, when its presslift.toml does not say (`source_dir`).

A Hugo site is a folder with a config Hugo reads (`hugo.*`, `config.*` or `config/_default/`). Most
repositories are one at their root. Many keep the site in a folder beside other things (`docs/`,
`site/`, `website/`): without a config at the root, Hugo would stop ("Unable to locate config file"),
so the folder is found instead, when exactly one folder at the top holds a site (or exactly one of
the usual names does), and the fetch stage's summary says which. A theme's `exampleSite` is never
taken: it reaches for its theme outside itself, which a build never may.
"""

from __future__ import annotations

from pathlib import Path

from chalicelib.hugo_policy import CONFIG_DIR, CONFIG_NAMES, CONFIG_SUFFIXES

#: Folder names a repository's site usually has, in the order one is preferred when several are sites.
USUAL = ("site", "docs", "website", "hugo", "web", "www", "blog")
NEVER = frozenset({"exampleSite", "themes", "node_modules", "_vendor", "public", "resources"})


def is_hugo_site(folder: Path) -> bool:
    """Whether `folder` holds a config Hugo reads at a project's root."""
    if any((folder / f"{name}{suffix}").is_file() for name in CONFIG_NAMES for suffix in CONFIG_SUFFIXES):
        return True
    return (folder / CONFIG_DIR / "_default").is_dir()


def find_hugo_site(root: Path) -> Path | None:
    """The one folder at the top of `root` that is a Hugo site, when `root` itself is not; None when
    there is none, or several with no usual name to choose by."""
    if is_hugo_site(root):
        return None
    found = sorted(
        child
        for child in root.iterdir()
        if child.is_dir()
        and not child.is_symlink()
        and not child.name.startswith(".")
        and child.name not in NEVER
        and is_hugo_site(child)
    )
    if len(found) == 1:
        return found[0]
    usual = [child for name in USUAL for child in found if child.name == name]
    return usual[0] if usual else None
