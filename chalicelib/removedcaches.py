"""The caches of getJSON and getCSV, which Hugo removed with them, left out of the build's config.

Hugo's docs long showed every file cache in its config example (`[caches.getjson]`, `[caches.getcsv]`
beside `images` and `assets`), and sites copied them to set a `maxAge`. Hugo removed getJSON and
getCSV, and this Hugo refuses their caches' settings: 'failed to decode "caches": "getjson" is not a
valid cache name', and no page is built (containerd.io's config has one). Those caches held nothing
else, and the calls the fetch stage writes instead (`remotedata`: resources.GetRemote) use the
`getresource` cache, so the settings are dropped from the build's copy of the site's config (never the
repository), with a note naming the file.

A file is changed only when it reads back as the same config without those two caches: a TOML table
or dotted key, or a YAML block mapping entry, is taken out as whole lines; a JSON file is written again
without them. Anything else is left for Hugo to report. This module reads the site's own config files
(Hugo takes no caches from a theme) and writes only those.
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

REMOVED = ("getjson", "getcsv")
MAX_CONFIG_FILE = 2 * 1024 * 1024
_HEADER = re.compile(r"^\s*\[\[?([^\]\n]*)\]\]?\s*(?:#.*)?$")
_DOTTED = re.compile(r"""^\s*((?:["']?[\w-]+["']?\s*\.\s*)*["']?[\w-]+["']?)\s*[.=]""")


def drop_removed_caches(site_root: Path) -> list[str]:
    """Leave getJSON's and getCSV's cache settings out of the site's config files; one note per file."""
    try:
        configs = list(component_configs(site_root))
    except BuildError:
        return []  # Hugo says what is wrong with it
    notes = []
    for path, config in configs:
        caches = _caches(config)
        named = [key for key in caches if str(key).lower() in REMOVED] if isinstance(caches, dict) else []
        if not named or path.is_symlink() or path.stat().st_size > MAX_CONFIG_FILE:
            continue
        root = None if path.stem in ("hugo", "config") else path.stem.lower()
        fixed = _without(path.read_text(encoding="utf-8"), path.suffix, root)
        if fixed is None:
            continue
        path.write_text(fixed, encoding="utf-8")
        shown = ", ".join(f"caches.{key}" for key in named)
        notes.append(
            f"{path.relative_to(site_root).as_posix()} sets {shown}, the cache of getJSON or getCSV, which "
            "Hugo removed and now refuses the setting of: built without it (those calls are "
            "resources.GetRemote's now, cached as getresource; remove the setting)"
        )
    return notes


def _caches(config: dict[str, Any]) -> Any:
    return next((value for key, value in config.items() if str(key).lower() == "caches"), None)


def _expected(data: Any, root: str | None) -> Any:
    """`data` (a whole config, or the table a config folder's file named `root` holds) without the
    removed caches."""
    whole = copy.deepcopy(data if root is None else {root: data})
    caches = _caches(whole) if isinstance(whole, dict) else None
    if isinstance(caches, dict):
        for key in [k for k in caches if str(k).lower() in REMOVED]:
            del caches[key]
    return whole if root is None else whole[root]


def _without(text: str, suffix: str, root: str | None) -> str | None:
    """`text` without the removed caches, or None where that cannot be done exactly."""
    try:
        if suffix == ".json":
            data = json.loads(text)
            return json.dumps(_expected(data, root), indent=2, ensure_ascii=False) + "\n"
        load = tomllib.loads if suffix == ".toml" else lambda t: yaml.load(t, Loader=NoAliasLoader)
        before = load(text)
        fixed = _toml_without(text, root) if suffix == ".toml" else _yaml_without(text, root)
        return fixed if fixed is not None and load(fixed) == _expected(before, root) else None
    except (ValueError, yaml.YAMLError, RecursionError):
        return None


def _toml_without(text: str, root: str | None) -> str:
    """The TOML text without the tables and keys at caches.getjson / caches.getcsv."""
    table: list[str] = [] if root is None else [root]
    skipping = False
    kept = []
    for line in text.splitlines(keepends=True):
        if header := _HEADER.match(line):
            table = ([] if root is None else [root]) + _path(header.group(1))
            skipping = _removed(table)
        elif not skipping and (key := _DOTTED.match(line)) and _removed(table + _path(key.group(1))):
            continue
        if not skipping:
            kept.append(line)
    return "".join(kept)


def _path(dotted: str) -> list[str]:
    return [part.strip().strip("\"'").lower() for part in dotted.split(".")]


def _removed(path: list[str]) -> bool:
    return len(path) >= 2 and path[0] == "caches" and path[1] in REMOVED


def _yaml_without(text: str, root: str | None) -> str | None:
    """The YAML text without the block mapping entries at caches.getjson / caches.getcsv."""
    node = yaml.compose(text, Loader=NoAliasLoader)
    caches = node if root is not None else _child(node, "caches")
    if not isinstance(caches, yaml.MappingNode) or caches.flow_style:
        return None
    lines = text.splitlines(keepends=True)
    gone: set[int] = set()
    for index, (key, value) in enumerate(caches.value):
        if isinstance(key, yaml.ScalarNode) and str(key.value).lower() in REMOVED:
            end = caches.value[index + 1][0].start_mark.line if index + 1 < len(caches.value) else None
            last = end if end is not None else value.end_mark.line + (1 if value.end_mark.column else 0)
            gone |= set(range(key.start_mark.line, last))
    return "".join(line for number, line in enumerate(lines) if number not in gone)


def _child(node: yaml.Node | None, name: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next(
        (v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value.lower() == name), None
    )
