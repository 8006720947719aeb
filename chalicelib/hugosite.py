"""Where a repository's Hugo site is, when its presslift.toml does not say (`source_dir`).

A Hugo site is a folder with a config Hugo reads (`hugo.*`, `config.*` or `config/_default/`). Most
repositories are one at their root. Many keep the site in a folder beside other things (`docs/`,
`site/`, `website/`): without a config at the root, Hugo would stop ("Unable to locate config file"),
so the folder is found instead, when exactly one folder at the top holds a site (or exactly one of
the usual names does), and the fetch stage's summary says which. A theme's `exampleSite` is never
taken: it reaches for its theme outside itself, which a build never may.

A folder with neither a config nor `content/` or `layouts/` has nothing Hugo would make a page of:
built anyway, it published an empty site in Presslift's theme over the last one (a real repository
of an Astro site did). `not_a_site` says so, and what the repository looks like instead.
"""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.errors import BuildError
from chalicelib.hugo_policy import CONFIG_DIR, CONFIG_NAMES, CONFIG_SUFFIXES, FOLDER_KEYS, component_configs

#: Folder names a repository's site usually has, in the order one is preferred when several are sites.
USUAL = ("site", "docs", "website", "hugo", "web", "www", "blog")
NEVER = frozenset({"exampleSite", "themes", "node_modules", "_vendor", "public", "resources"})


def is_hugo_site(folder: Path) -> bool:
    """Whether `folder` holds a config Hugo reads at a project's root."""
    if any((folder / f"{name}{suffix}").is_file() for name in CONFIG_NAMES for suffix in CONFIG_SUFFIXES):
        return True
    return (folder / CONFIG_DIR / "_default").is_dir()


def find_hugo_site(root: Path) -> Path | None:
    """The one folder at the top of `root` that is a Hugo site, when `root` itself is not (or holds a
    config and nothing else Hugo reads, a starter's placeholder); None when there is none, or several
    with no usual name to choose by."""
    placeholder = is_hugo_site(root)
    if placeholder and not only_a_config(root):
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
    if placeholder:  # a site in a folder is taken over the root's config only if it has more than one
        found = [child for child in found if not only_a_config(child)]
    if len(found) == 1:
        return found[0]
    usual = [child for name in USUAL for child in found if child.name == name]
    return usual[0] if usual else None


#: What a project's folder holds for Hugo beside its config: its folders, and a module's go.mod.
SITE_PARTS = (
    "content",
    "layouts",
    "themes",
    "static",
    "assets",
    "data",
    "i18n",
    "archetypes",
    "_vendor",
    "go.mod",
)
#: Settings that make a config the whole site: a theme, modules and mounts, folders of other names.
SITE_SETTINGS = frozenset({"theme", "module", *FOLDER_KEYS})


def only_a_config(folder: Path) -> bool:
    """Whether `folder`'s Hugo config is all it has for Hugo: no folder Hugo reads, and a config that
    names no theme, module or folder. Netlify's Victor Hugo starter keeps such a placeholder at the root
    (`title = "My New Netlify Victor Hugo Site"`) and the real site in site/, built with `hugo -s site`:
    the root went live as an empty site in Presslift's theme, and the run said it succeeded."""
    if any((folder / name).exists() for name in SITE_PARTS):
        return False
    try:
        configs = list(component_configs(folder))
    except BuildError:
        return False  # the build names the file it cannot read
    return not any(str(key).lower() in SITE_SETTINGS for _, config in configs for key in config)


#: Folders Hugo makes pages from when a site has no config (its defaults).
PAGE_FOLDERS = ("content", "layouts")
#: Hugo's folder of files it publishes as they are: a site of only these is one, unless the repository
#: says it is another generator's (Gatsby keeps a static/ folder too).
STATIC_FOLDER = "static"
#: What a folder at a repository's root says the site is built with, when it is not Hugo: a name's
#: start (astro.config.mjs, .ts, ...) and the generator.
OTHER_GENERATORS = (
    ("astro.config.", "an Astro site"),
    ("gatsby-config.", "a Gatsby site"),
    ("next.config.", "a Next.js site"),
    ("nuxt.config.", "a Nuxt site"),
    ("svelte.config.", "a SvelteKit site"),
    ("docusaurus.config.", "a Docusaurus site"),
    ("eleventy.config.", "an Eleventy site"),
    (".eleventy.", "an Eleventy site"),
    ("mkdocs.yml", "an MkDocs site"),
    ("pelicanconf.py", "a Pelican site"),
    ("_config.yml", "a Jekyll or Hexo site"),
    ("index.html", "plain HTML (Hugo publishes such files as they are from static/)"),
)


def not_a_site(folder: Path) -> str | None:
    """Why `folder` is no Hugo site (None when it is one, or holds content or layouts Hugo builds
    without a config, or only static files): no config, no content/ and no layouts/, and what it
    looks like instead."""
    if _zola(folder):
        return "a Zola config (config.toml sets base_url, and its templates are in templates/): a Zola site"
    if is_hugo_site(folder) or any((folder / name).is_dir() for name in PAGE_FOLDERS):
        return None
    names = sorted(child.name for child in folder.iterdir() if child.is_file())
    other = next(
        (
            f" ({name}: {what})"
            for start, what in OTHER_GENERATORS
            for name in names
            if name.startswith(start)
        ),
        "",
    )
    if not other and (folder / STATIC_FOLDER).is_dir():
        return None  # files Hugo publishes as they are, and nothing says another generator's
    if not other and (folder / "public" / "index.html").is_file():
        other = " (public/ holds a built site, without the Hugo sources it was built from)"
    config = "no Hugo config (hugo.toml, hugo.yaml, config.toml or config/_default/)"
    return f"{config}, no content/ and no layouts/{other}"


_ZOLA_BASE_URL = re.compile(r"^base_url\s*=", re.M)
_HUGO_BASE_URL = re.compile(r"^baseurl\s*=", re.M | re.I)


def _zola(folder: Path) -> bool:
    """Whether `folder` is a Zola site: its config.toml (a name Hugo reads too) sets Zola's `base_url`
    and no `baseURL`, and Zola's templates/ folder is there. A real one went live as a Hugo site in
    Presslift's theme, 158 pages without titles."""
    config = folder / "config.toml"
    if not (folder / "templates").is_dir() or not config.is_file() or config.is_symlink():
        return False
    try:
        text = config.read_text(encoding="utf-8", errors="replace")[:65536]
    except OSError:
        return False
    return bool(_ZOLA_BASE_URL.search(text)) and not _HUGO_BASE_URL.search(text)


def a_theme(folder: Path) -> str:
    """Why a repository that is a Hugo theme (a theme.toml and no content/ of its own) is no site to
    build; "" for a site. A theme's templates read what a site's config sets:
    built as a site, seven themes went live as blank, untitled pages, and their runs succeeded."""
    if not (folder / "theme.toml").is_file() or (folder / "content").is_dir():
        return ""  # a site, or a theme's own demo site with its content beside the theme
    example = (folder / "exampleSite").is_dir()
    said = (
        "this repository is a Hugo theme (theme.toml"
        + (", exampleSite/" if example else ", no content/")
        + "), not a site: register a site that uses the theme (under its themes/, or as a module) instead"
    )
    if example and is_hugo_site(folder / "exampleSite"):
        # A site made from a theme's template (Hugoplate's) keeps its pages there, as the theme did.
        said += (
            '; or, if its site is the one in exampleSite/, set source_dir = "exampleSite" in presslift.toml'
        )
    return said
