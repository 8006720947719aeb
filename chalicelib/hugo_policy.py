"""Presslift's own limits on what a repository's Hugo config may do, forced whatever that config says.

Two parts:

- `security_env`: Hugo's `security` settings as `HUGO_SECURITY_*` variables. Hugo applies its
  environment over every config file and config folder (`hugo.toml`, `config/_default/`,
  `config/production/`), so a repository cannot loosen them: no program may be run but Dart Sass,
  and that only where the pipeline has it (`exec.allow`; so no Babel, PostCSS or Tailwind, and none
  gets the environment: `exec.osEnv` none), templates read only `HUGO_*` variables and the names
  the site's config allows that no secret goes by (`getenv`, `hugogetenv.py`; the environment holds
  no secret anyway), and no remote resource is fetched (`http.urls` none) but from the hosts the site's
  operator names (`presslift site update --remote-hosts`), over https with GET.
- `check_source_paths`: before Hugo runs, every config file Hugo would read (the project's, its config
  folder's, each theme's and vendored module's) is parsed, and any path it gives (module mounts,
  imports, replacements, `staticDir` and the other folder settings, caches) that leaves the source
  tree, absolutely, by `..` or through a symbolic link, is refused with an error naming the file and
  the setting. Hugo would otherwise mount `/proc/self/environ` or `../..` into the published site.
  The folders the build itself gives Hugo (`SET_BY_THE_BUILD`: where it publishes, its cache and
  resource folders) are not the config's to decide and are not checked: a `publishDir =
  "../user.github.io"` kept from deploying with GitHub Pages is never read.

This module must never run Hugo, never loosen a setting for a repository, and never accept a config
file it cannot read (a file Hugo would read but this module cannot parse is refused, not skipped).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from chalicelib.errors import BuildError

# Config files Hugo reads at a component's root (project, theme or module), and its config folder.
CONFIG_NAMES = ("hugo", "config")
CONFIG_SUFFIXES = (".toml", ".yaml", ".yml", ".json")
CONFIG_DIR = "config"
#: The folders of config/ that a build reads: the defaults and its environment's.
BUILT_ENVIRONMENTS = ("_default", "production")
VENDOR_DIR = "_vendor"
MODULES_TXT = "modules.txt"  # Hugo's list of the modules a _vendor folder holds
DEFAULT_THEMES_DIR = "themes"
THEMES_DIR_KEY = "themesdir"
# Settings (lower-case: Hugo's keys are case-insensitive) whose value is a folder Hugo reads or writes.
FOLDER_KEYS = frozenset(
    {
        "contentdir",
        "layoutdir",
        "datadir",
        "assetdir",
        "i18ndir",
        "archetypedir",
        "themesdir",
        "publishdir",
        "resourcedir",
        "cachedir",
        "workingdir",
        "staticdir",
        *(f"staticdir{n}" for n in range(11)),
    }
)
#: Top-level folder settings the build gives Hugo over any config file (`hugo.build_site`: publishDir
#: by --destination, cacheDir and resourceDir by HUGO_CACHEDIR and HUGO_RESOURCEDIR), so what a config
#: says for them is never read. A language's setting of the same name is still checked.
SET_BY_THE_BUILD = frozenset({"publishdir", "cachedir", "resourcedir"})
# Subtrees that hold the site's own data, never paths Hugo opens.
_DATA_KEYS = frozenset({"params", "menus", "menu", "taxonomies", "outputformats", "mediatypes"})
_CACHE_PLACEHOLDER = re.compile(r"^:(cacheDir|resourceDir|project)\b", re.IGNORECASE)


def security_env(
    allowed_hosts: Iterable[str] = (), programs: Iterable[str] = (), getenv: str = "^HUGO_"
) -> dict[str, str]:
    """Hugo's security settings as environment variables; `allowed_hosts` (an operator's, never a
    repository's) opens `resources.GetRemote` to exactly those https hosts, `programs` (the
    pipeline's: Dart Sass where it has it) are the only names Hugo may start, and `getenv` the names
    templates may read (`hugogetenv.getenv_policy`: `HUGO_*` and what the site allows that is no
    secret's name)."""
    hosts = [re.escape(host) for host in allowed_hosts]
    urls = rf"^https://({'|'.join(hosts)})(/|$)" if hosts else "none"
    names = [re.escape(name) for name in programs]
    return {
        "HUGO_SECURITY_EXEC_ALLOW": f"^({'|'.join(names)})$" if names else "none",
        "HUGO_SECURITY_EXEC_OSENV": "none",
        "HUGO_SECURITY_FUNCS_GETENV": getenv,
        "HUGO_SECURITY_HTTP_URLS": urls,
        "HUGO_SECURITY_HTTP_METHODS": "(?i)GET" if hosts else "none",
        # Inline shortcodes are left to the site (Hugo's default is off): they run as its templates
        # do, under the same policy, and a site that turns them on lost their output without a word
        # (a release list's cards). A converted WordPress site never turns them on.
    }


@dataclass(frozen=True)
class _Setting:
    """One path-valued setting found in a config file, with where it came from for the error."""

    file: Path
    key: str
    value: str
    base: Path  # the folder a relative value is read from


def check_source_paths(
    source: Path, *, themes_dir_replaced: bool = False, within: Path | None = None
) -> None:
    """Refuse (BuildError) any config setting under `source` that points Hugo outside `within` (the
    repository the site is a folder of, `repofolders.py`; `source` itself by default); with
    `themes_dir_replaced`, the build gives Hugo `themes/` over the config's themesDir (see
    `unused_themes_dir`), which is then not the config's to decide."""
    root = source.resolve()
    allowed = within.resolve() if within is not None else root
    for setting in _settings(root, themes_dir_replaced):
        if (themes_dir_replaced and setting.key == THEMES_DIR_KEY) or setting.key in SET_BY_THE_BUILD:
            continue
        problem = _leaves(allowed, setting)
        if problem:
            shown = setting.file.relative_to(root) if setting.file.is_relative_to(root) else setting.file
            raise BuildError(
                f"{shown}: {setting.key} = {setting.value!r} {problem}; Presslift builds only from the "
                "repository's own files, so mounts and folders must stay inside the source tree"
            )


def paths_outside(source: Path) -> list[Path]:
    """Where the settings of the config files under `source` point outside it, by `..` (what
    `check_source_paths` would refuse, but absolute paths); none where a config cannot be read."""
    root = source.resolve()
    try:
        settings = list(_settings(root))
    except BuildError:
        return []  # the build names the file it cannot read
    found = []
    for setting in settings:
        value = setting.value.strip()
        if setting.key.endswith("replacements"):
            value = value.split("->", 1)[-1].strip()
        if setting.key in SET_BY_THE_BUILD or setting.key.startswith("caches.") or not value:
            continue
        if _leaves(root, setting) and ".." in PurePosixPath(value).parts and not _absolute(value):
            found.append((setting.base / value).resolve())
    return found


def _leaves(root: Path, setting: _Setting) -> str | None:
    value = setting.value.strip()
    if setting.key.endswith("replacements"):
        value = value.split("->", 1)[-1].strip()
    if setting.key.startswith("caches.") and _CACHE_PLACEHOLDER.match(value):
        value = _CACHE_PLACEHOLDER.sub("", value).lstrip("/") or "."
        if ".." in PurePosixPath(value).parts:
            return "climbs out of Presslift's cache folder"
        return None
    if not value:
        return None
    if value.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:", value):
        return "is an absolute path"
    target = (setting.base / value).resolve()
    if not target.is_relative_to(root):
        via = "through a symbolic link" if ".." not in PurePosixPath(value).parts else "with '..'"
        return f"leaves the source tree {via}"
    return None


def unused_themes_dir(source: Path) -> str:
    """A note when the project's config sets a themesDir outside `source` that no theme is read from
    ("" otherwise): an example site's config copied whole (`themesDir: ../..`, where the theme's own
    repository keeps it) with its theme taken out, which Hugo builds with the site's own layouts.
    The build then gives Hugo `themes/` (HUGO_THEMESDIR), so a theme named by a flag, or Presslift's
    own, is found in the source, and nothing outside it is read. A config that names a theme, or
    imports a module (looked for in themesDir too), keeps its setting, and the build is refused."""
    root = source.resolve()
    try:
        settings = list(_from_files(list(component_configs(root)), root))
    except BuildError:
        return ""  # the build's own check names the file it cannot read
    if any(s.key == "theme" or s.key.endswith((".theme", "module.imports.path")) for s in settings):
        return ""
    outside = next((s for s in settings if s.key == THEMES_DIR_KEY and _leaves(root, s)), None)
    if outside is None:
        return ""
    return (
        f"{outside.file.relative_to(root)} sets themesDir = {outside.value!r}, outside the repository, "
        "and names no theme: built with the repository's themes/ folder instead (remove the setting)"
    )


def _settings(root: Path, themes_dir_replaced: bool = False) -> Iterator[_Setting]:
    for folder, configs in _config_files(root, themes_dir_replaced):
        yield from _from_files(configs, folder)


def site_configs(root: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Every config file Hugo would read for the site at `root`: its own, its themes' and its
    vendored modules' (BuildError for one that cannot be read)."""
    return [config for _, configs in _config_files(root.resolve()) for config in configs]


def _config_files(
    root: Path, themes_dir_replaced: bool = False
) -> Iterator[tuple[Path, list[tuple[Path, dict[str, Any]]]]]:
    project = list(component_configs(root))
    yield root, project
    # Every themesDir a config gives (two spellings of the key, two files), and the default: the
    # themes of each are read, whichever one Hugo takes.
    themes_dirs = [root / DEFAULT_THEMES_DIR]
    for _, config in [] if themes_dir_replaced else project:
        for value in _every(config, THEMES_DIR_KEY):
            if isinstance(value, str) and not _absolute(value):
                themes_dirs.append(root / value)
    components: list[Path] = []
    for themes_dir in dict.fromkeys(themes_dirs):
        if themes_dir.resolve().is_relative_to(root) and themes_dir.is_dir():
            components += [
                child for child in themes_dir.iterdir() if child.is_dir() and child not in components
            ]
    components += vendored_modules(root, [root, *components])
    for component in components:
        yield component, list(component_configs(component))


def vendored_modules(root: Path, owners: list[Path], *, strict: bool = True) -> list[Path]:
    """The folders of every vendored module Hugo may read (its config, its layouts): each one listed in
    an owner's `_vendor/modules.txt` (the project's, a theme's, a vendored module's own, in turn), as
    Hugo's module collector finds them. Nothing else under `_vendor` is a module's root: a theme's own
    docs site or exampleSite there is never read (Hextra's docs/hugo.yaml sets a Go workspace). An entry
    that leaves `root` (resolved) is refused (BuildError), or passed over when not `strict`."""
    found: list[Path] = []
    seen: set[Path] = set()
    while owners:
        listing = owners.pop() / VENDOR_DIR / MODULES_TXT
        if not listing.is_file():
            continue
        for line in listing.read_text(encoding="utf-8", errors="replace").splitlines():
            fields = line.strip("# ").split()
            if len(fields) != 2:
                continue  # Hugo refuses the whole list ("invalid modules list"); it reads nothing here
            # Found as the owners were given (a note names it from the site's folder), checked resolved.
            folder = Path(os.path.normpath(listing.parent / fields[0]))
            if not folder.resolve().is_relative_to(root):
                if not strict:
                    continue
                shown = listing.relative_to(root) if listing.is_relative_to(root) else listing
                raise BuildError(
                    f"{shown}: module {fields[0]!r} leaves the source tree; Presslift builds only from "
                    "the repository's own files, so mounts and folders must stay inside the source tree"
                )
            if folder not in seen and folder.is_dir():
                seen.add(folder)
                found.append(folder)
                owners.append(folder)
    return found


def asks_for_git_info(source: Path) -> bool:
    """Whether the project's config turns on `enableGitInfo` (which Presslift's builds turn off: it
    runs git); False for a config that cannot be read (the build reports that itself)."""
    try:
        configs = list(component_configs(source))
    except BuildError:
        return False
    return any(
        _lower(key) == "enablegitinfo" and value is True
        for _, config in configs
        for key, value in config.items()
    )


def static_folder(source: Path) -> str:
    """The folder Hugo copies as the site's root files: the project's first `staticDir` ("static" when
    it sets none, or one that cannot be read or leaves the project)."""
    return project_folder(source, "staticdir", "static")


def project_folder(source: Path, key: str, default: str) -> str:
    """A folder the project's config sets (`key`, lower-case; a list's first), relative to `source`:
    `default` when it sets none, or one that cannot be read or leaves the project."""
    try:
        configs = list(component_configs(source))
    except BuildError:
        return default
    for _, config in configs:
        for name, value in config.items():
            if _lower(name) != key:
                continue
            first = value[0] if isinstance(value, list) and value else value
            if isinstance(first, str) and first and not _absolute(first) and ".." not in first.split("/"):
                return first.strip("/")
    return default


def _lower(key: object) -> str:
    """A key (or a file name) as Hugo matches it, folded: Go's strings.ToLower makes `İ` (U+0130) an
    `i`, where Python writes `i̇`, and Go's EqualFold matches `ſ` (U+017F) with `s`, which Python's
    lower() keeps. A pusher's `"staticDİr"`, then `"ſource"`, passed as no folder setting and Hugo
    published the folder. Folding more than Hugo does only checks more."""
    return str(key).replace("\u0130", "i").casefold()


def _absolute(value: str) -> bool:
    return value.startswith(("/", "\\", "~"))


def component_configs(folder: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Each config file of one component (project, theme or module), as a dict rooted like a whole
    config; BuildError names a file that cannot be read."""
    # Read whatever the case of a name (Hugo takes `config/_default/module.TOML`, and a check that
    # passed over it let the file mount the local cloud's state into a published site), in Hugo's order.
    order = [f"{name}{suffix}" for name in CONFIG_NAMES for suffix in CONFIG_SUFFIXES]
    found = [p for p in folder.iterdir() if _lower(p.name) in order] if folder.is_dir() else []
    for path in sorted(found, key=lambda p: (order.index(_lower(p.name)), p.name)):
        if path.is_file():
            yield path, _read(path)
    config_dir = folder / CONFIG_DIR
    if not config_dir.is_dir():
        return
    # Hugo reads config/_default/ and the environment's folder (the builds' is production), never
    # another environment's: a config/examples/ file with an error failed a site Hugo builds.
    for path in sorted(p for env in BUILT_ENVIRONMENTS for p in (config_dir / env).rglob("*")):
        if not path.is_file() or _lower(path.suffix) not in CONFIG_SUFFIXES:
            continue
        data = _read(path)
        # config/_default/module.toml holds what hugo.toml's [module] would; hugo.toml the whole config.
        yield path, (data if _lower(path.stem) in CONFIG_NAMES else {path.stem: data})


def _read(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8", errors="replace")
    suffix = _lower(path.suffix)
    try:
        if suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif suffix == ".json":
            data = json.loads(text)
        else:  # the first document, as Hugo reads a YAML config that has several
            data = next(yaml.load_all(text, Loader=_MergesKept), None)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, yaml.YAMLError, RecursionError) as exc:
        kind = {".toml": "TOML", ".json": "JSON"}.get(suffix, "YAML")
        raise BuildError(
            f"{path.name}: this Hugo config file is not valid {kind} ({exc}); fix it in the repository: "
            "Presslift reads every config file Hugo would read before it builds"
        ) from exc
    return data if isinstance(data, dict) else {}


#: Where a YAML config's merges (`<<: *anchor`) are kept, as a list of the tables merged in.
MERGED = "<<"


class _MergesKept(yaml.SafeLoader):
    """PyYAML's safe loader, but a mapping's merge keys (`<<: *a`) keep the tables they merge under
    `MERGED` instead of being merged: PyYAML lets the mapping's own key win, Hugo's YAML the later
    merge, so `assetDir: assets` then `<<: *a` (an anchor under params, which is not checked) read
    `assets` here while Hugo read the anchor's folder outside the source. Both are checked now."""

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        merged: list[yaml.Node] = []
        kept = []
        for key, value in node.value:
            if key.tag == "tag:yaml.org,2002:merge":
                merged += value.value if isinstance(value, yaml.SequenceNode) else [value]
            else:
                kept.append((key, value))
        if merged:
            kept.append(
                (
                    yaml.ScalarNode("tag:yaml.org,2002:str", MERGED),
                    yaml.SequenceNode("tag:yaml.org,2002:seq", merged),
                )
            )
        node.value = kept


def _from_files(files: list[tuple[Path, dict[str, Any]]], base: Path) -> Iterator[_Setting]:
    for path, config in files:
        yield from _walk(config, path, base, "", set())


def _walk(node: Any, file: Path, base: Path, where: str, seen: set[int]) -> Iterator[_Setting]:
    """The path settings below `node`; a table YAML aliases (the same object at many places) is read
    once, so nine aliases nested nine deep are nine tables, not 387 million."""
    if not isinstance(node, dict) or id(node) in seen:
        return
    seen.add(id(node))
    for raw_key, value in node.items():
        key = _lower(raw_key)
        if key == MERGED and isinstance(value, list):  # tables merged in: their keys are this table's
            for table in value:
                yield from _walk(table, file, base, where, seen)
            continue
        here = f"{where}.{key}" if where else key
        if key == "languages" and isinstance(value, dict):
            # Its keys are language codes, whatever they spell: a language named `params` is one
            # Hugo reads settings from (its staticDir published the local cloud's approval emails).
            for code, table in value.items():
                yield from _walk(table, file, base, f"{here}.{_lower(code)}", seen)
            continue
        if key in _DATA_KEYS:
            continue
        if key in FOLDER_KEYS:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str):
                    yield _Setting(file, here, item, base)
        elif key == "module" and isinstance(value, dict):
            yield from _module(value, file, base, here)
        elif key == "caches" and isinstance(value, dict):
            for name, cache in value.items():
                for folder in _every(cache, "dir"):  # any spelling: `DIR` wrote caches outside
                    if isinstance(folder, str):
                        yield _Setting(file, f"caches.{name}.dir", folder, base)
        elif key == "theme":
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str):
                    yield _Setting(file, here, item, base / DEFAULT_THEMES_DIR)
        elif isinstance(value, dict):
            yield from _walk(value, file, base, here, seen)


def _module(module: dict[str, Any], file: Path, base: Path, where: str) -> Iterator[_Setting]:
    for mount in _every(module, "mounts"):
        for source in _every(mount, "source"):
            if isinstance(source, str):
                yield _Setting(file, f"{where}.mounts.source", source, base)
    for item in _every(module, "imports"):
        for path in _every(item, "path"):
            if isinstance(path, str):
                yield _Setting(file, f"{where}.imports.path", path, base / DEFAULT_THEMES_DIR)
        for mount in _every(item, "mounts"):
            for source in _every(mount, "source"):
                if isinstance(source, str):
                    # Relative to the imported module, which lives inside the tree (themes/, _vendor/).
                    yield _Setting(file, f"{where}.imports.mounts.source", source, base / DEFAULT_THEMES_DIR)
    for item in _every(module, "replacements"):
        if isinstance(item, str):
            for part in item.split(","):
                yield _Setting(file, f"{where}.replacements", part, base)
    for workspace in _every(module, "workspace"):
        if isinstance(workspace, str) and workspace.strip().lower() not in ("", "off"):
            raise BuildError(
                f"{file.name}: {where}.workspace = {workspace!r}: Presslift builds without Go workspaces; "
                'remove the setting (or set it to "off")'
            )


def _every(table: Any, key: str) -> list[Any]:
    """Every value `table` (a mapping) gives `key` under any spelling of its case, lists flattened:
    Hugo's keys are case-insensitive, and a mount with both `Source` and `source` had only the last
    one checked while Hugo used the other."""
    if not isinstance(table, dict):
        return []
    return [item for name, value in table.items() if _lower(name) == key for item in _items(value)]


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
