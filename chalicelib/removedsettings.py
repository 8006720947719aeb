"""Config settings Hugo removed and now refuses, left out of the build's copy of the site's config.

Hugo's docs long showed every file cache in its config example (`[caches.getjson]`, `[caches.getcsv]`
beside `images` and `assets`), and sites copied them to set a `maxAge`; Hugo removed getJSON and
getCSV, and this Hugo refuses their caches' settings: 'failed to decode "caches": "getjson" is not a
valid cache name', and no page is built (containerd.io's config has one). Those caches held nothing
else, and the calls the fetch stage writes instead (`remotedata`: resources.GetRemote) use the
`getresource` cache. Hugo 0.150 removed four of its minifier's settings the same way ("was deprecated
in Hugo v0.150.0 and subsequently removed"): `minify.tdewolff.html.keepConditionalComments`,
`css.keepCSS2`, `css.decimals` and `svg.decimals`, whose replacements do not mean quite the same, so
the minifier's defaults stand in; Hugo 0.148 the render hooks' `enableDefault` (`useEmbedded`
now). A `minify = true` (Hugo 0.150 removed it too) and a top-level `menu` or `menus` that is not a
table (`menu: "main"`, the name of the menu a theme's templates read, which older Hugo passed over)
fail ('failed to decode "menus"') and are dropped too. Each is dropped from the build's copy of the
site's config (never the repository), with a note naming the file and what to set instead.

A file is changed only when it reads back as the same config without those settings: a TOML table or
key line, or a YAML block mapping entry, is taken out as whole lines; a JSON file is written again
without them. Anything else is left for Hugo to report. This module reads the site's own config files
(Hugo takes neither from a theme) and writes only those.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

from chalicelib.errors import BuildError
from chalicelib.hugo_policy import component_configs
from chalicelib.repeatedkeys import NoAliasLoader

#: Each removed setting's path (lower case, as Hugo reads keys) and what to set instead.
REMOVED: dict[tuple[str, ...], str] = {
    ("caches", "getjson"): "nothing: resources.GetRemote, which replaced getJSON, is cached as getresource",
    ("caches", "getcsv"): "nothing: resources.GetRemote, which replaced getCSV, is cached as getresource",
    ("minify", "tdewolff", "html", "keepconditionalcomments"): "minify.tdewolff.html.keepSpecialComments",
    ("minify", "tdewolff", "css", "keepcss2"): "minify.tdewolff.css.version",
    ("minify", "tdewolff", "css", "decimals"): "minify.tdewolff.css.precision",
    ("minify", "tdewolff", "svg", "decimals"): "minify.tdewolff.svg.precision",
    # removed in Hugo 0.148 (a real site's hugo.json: `"renderHooks": {"image": {"enableDefault": true}}`)
    ("markup", "goldmark", "renderhooks", "image", "enabledefault"): (
        'markup.goldmark.renderHooks.image.useEmbedded ("fallback" is what true did)'
    ),
    ("markup", "goldmark", "renderhooks", "link", "enabledefault"): (
        'markup.goldmark.renderHooks.link.useEmbedded ("fallback" is what true did)'
    ),
}
#: Settings this Hugo refuses unless they are tables, which older Hugo passed over: `menu: "main"`
#: (a theme's docs named the menu its templates read) fails with 'failed to decode "menus"'.
NOT_A_TABLE: dict[tuple[str, ...], str] = {
    ("menu",): "[menu.main] entries; a menu's name alone set nothing",
    ("menus",): "[menus.main] entries; a menu's name alone set nothing",
    # Hugo 0.150 removed `minify = true` ("Use minify.minifyOutput instead"): built unminified.
    ("minify",): "minify.minifyOutput = true to minify the output, which this build does not",
}
MAX_CONFIG_FILE = 2 * 1024 * 1024
_HEADER = re.compile(r"^\s*\[\[?([^\]\n]*)\]\]?\s*(?:#.*)?$")
_DOTTED = re.compile(r"""^\s*((?:["']?[\w-]+["']?\s*\.\s*)*["']?[\w-]+["']?)\s*[.=]""")


def drop_removed_settings(site_root: Path) -> list[str]:
    """Leave the settings Hugo removed out of the site's config files; one note per file."""
    try:
        configs = list(component_configs(site_root))
    except BuildError:
        return []  # Hugo says what is wrong with it
    notes = []
    for path, config in configs:
        found = [removed for removed in REMOVED if _get(config, removed) is not _MISSING]
        found += [key for key in NOT_A_TABLE if _not_a_table(_get(config, key))]
        if not found or path.is_symlink() or path.stat().st_size > MAX_CONFIG_FILE:
            continue
        root = None if path.stem in ("hugo", "config") else path.stem.lower()
        fixed = without_settings(path.read_text(encoding="utf-8"), path.suffix, root, found)
        if fixed is None:
            continue
        path.write_text(fixed, encoding="utf-8")
        instead = {**REMOVED, **NOT_A_TABLE}
        shown = "; ".join(f"{'.'.join(removed)} (set {instead[removed]})" for removed in found)
        notes.append(
            f"{path.relative_to(site_root).as_posix()} sets what Hugo removed and now refuses, so it is "
            f"built without it: {shown}"
        )
    return notes


_MISSING = object()


def _not_a_table(value: Any) -> bool:
    return value is not _MISSING and not isinstance(value, dict)


def _get(data: Any, path: tuple[str, ...]) -> Any:
    """The value at `path` (keys compared in lower case, as Hugo does), or _MISSING."""
    for key in path:
        if not isinstance(data, dict):
            return _MISSING
        data = next((value for name, value in data.items() if str(name).lower() == key), _MISSING)
        if data is _MISSING:
            return _MISSING
    return data


def _expected(data: Any, root: str | None, found: list[tuple[str, ...]]) -> Any:
    """`data` (a whole config, or the table a config folder's file named `root` holds) without the
    removed settings."""
    whole = copy.deepcopy(data if root is None else {root: data})
    for removed in found:
        parent = _get(whole, removed[:-1])
        if isinstance(parent, dict):
            for key in [k for k in parent if str(k).lower() == removed[-1]]:
                del parent[key]
    return whole if root is None else whole[root]


def without_settings(text: str, suffix: str, root: str | None, found: list[tuple[str, ...]]) -> str | None:
    """`text` (a config file's, `suffix` its format, `root` the key a config folder's file stands for)
    without the settings at the paths `found`, or None where that cannot be done exactly."""
    try:
        if suffix == ".json":
            data = json.loads(text)
            return json.dumps(_expected(data, root, found), indent=2, ensure_ascii=False) + "\n"
        load = tomllib.loads if suffix == ".toml" else lambda t: yaml.load(t, Loader=NoAliasLoader)
        before = load(text)
        fixed = _toml_without(text, root, found) if suffix == ".toml" else _yaml_without(text, root, found)
        return fixed if fixed is not None and load(fixed) == _expected(before, root, found) else None
    except (ValueError, yaml.YAMLError, RecursionError):
        return None


def _toml_without(text: str, root: str | None, found: list[tuple[str, ...]]) -> str:
    """The TOML text without the tables and keys at caches.getjson / caches.getcsv."""
    table: list[str] = [] if root is None else [root]
    skipping = False
    kept = []
    for line in text.splitlines(keepends=True):
        if header := _HEADER.match(line):
            table = ([] if root is None else [root]) + _path(header.group(1))
            skipping = _removed(table, found)
        elif not skipping and (key := _DOTTED.match(line)) and _removed(table + _path(key.group(1)), found):
            continue
        if not skipping:
            kept.append(line)
    return "".join(kept)


def _path(dotted: str) -> list[str]:
    return [part.strip().strip("\"'").lower() for part in dotted.split(".")]


def _removed(path: list[str], found: list[tuple[str, ...]]) -> bool:
    return any(tuple(path[: len(removed)]) == removed for removed in found)


def _yaml_without(text: str, root: str | None, found: list[tuple[str, ...]]) -> str | None:
    """The YAML text without the block mapping entries at the removed settings' paths."""
    node = yaml.compose(text, Loader=NoAliasLoader)
    lines = text.splitlines(keepends=True)
    gone: set[int] = set()
    for removed in found:
        if root is not None and removed[0] != root:
            continue
        parent = node
        for key in removed[1 if root is not None else 0 : -1]:
            parent = _child(parent, key)
        if not isinstance(parent, yaml.MappingNode) or parent.flow_style:
            continue
        for index, (key, value) in enumerate(parent.value):
            if isinstance(key, yaml.ScalarNode) and str(key.value).lower() == removed[-1]:
                end = parent.value[index + 1][0].start_mark.line if index + 1 < len(parent.value) else None
                last = end if end is not None else value.end_mark.line + (1 if value.end_mark.column else 0)
                gone |= set(range(key.start_mark.line, last))
    return "".join(line for number, line in enumerate(lines) if number not in gone)


def _child(node: yaml.Node | None, name: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next(
        (v for k, v in node.value if isinstance(k, yaml.ScalarNode) and str(k.value).lower() == name), None
    )
