"""A repository that commits the site Hugo built (`public/`) but not the pages it was built from.

Some repositories hold a Hugo config, a theme and the built `public/` folder, and keep their posts
elsewhere (a private repository, the author's laptop). A build from the sources then renders the
theme's home page and nothing else, and the run said "succeeded" over a site that had lost every
page. `built_site_only` says so, as a fetch warning that tells what to commit; nothing is refused,
since a site may be new and still have no pages.

A site whose config sets its own `contentDir` (at the top or per language) is left alone: its pages
are where it says. This module only reads the repository.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from chalicelib.errors import BuildError
from chalicelib.hugo_policy import component_configs, project_folder

#: Extensions Hugo makes content pages of (its content formats).
PAGE_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".html", ".htm", ".adoc", ".org", ".rst", ".pdc"})
#: How many built pages are counted at most (a large public/ is not walked to its end).
MAX_COUNTED = 10_000


def built_site_only(site_root: Path) -> str | None:
    """The warning for a site whose content folder holds no page while its publish folder holds a
    built site, or None."""
    if _sets_content_dir(site_root):
        return None
    content = site_root / "content"
    if _has_page(content):
        return None
    published = project_folder(site_root, "publishdir", "public")
    built = site_root / published
    if built.is_symlink() or not (built / "index.html").is_file():
        return None
    pages = _count_pages(built)
    shown = f"{pages:,}" if pages < MAX_COUNTED else f"{MAX_COUNTED:,} or more"
    return (
        f"content/ holds no pages, but the repository commits a built site in {published}/ ({shown} HTML "
        f"files): Presslift builds the site from its sources and never publishes {published}/, so only "
        "the theme's pages were built; commit the content/ folder the site was built from"
    )


def _sets_content_dir(site_root: Path) -> bool:
    try:
        configs = [config for _, config in component_configs(site_root)]
    except BuildError:
        return True  # the build reports the config; nothing to add here
    return any(_names_content_dir(config) for config in configs)


def _names_content_dir(config: dict[str, Any]) -> bool:
    if any(str(key).lower() == "contentdir" for key in config):
        return True
    languages = next((v for k, v in config.items() if str(k).lower() == "languages"), None)
    if not isinstance(languages, dict):
        return False
    return any(
        isinstance(settings, dict) and any(str(key).lower() == "contentdir" for key in settings)
        for settings in languages.values()
    )


def _has_page(content: Path) -> bool:
    if content.is_symlink() or not content.is_dir():
        return False
    for _, _, files in os.walk(content):
        if any(os.path.splitext(name)[1].lower() in PAGE_SUFFIXES for name in files):
            return True
    return False


def _count_pages(built: Path) -> int:
    count = 0
    for _, _, files in os.walk(built):
        count += sum(1 for name in files if name.endswith(".html"))
        if count >= MAX_COUNTED:
            return MAX_COUNTED
    return count
