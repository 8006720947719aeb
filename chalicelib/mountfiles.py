"""Module mounts' `includeFiles` and `excludeFiles`, which Hugo replaced by `files`, written as `files`;
and a mount's `lang`, which Hugo replaced by `sites.matrix`, written as `sites.matrix.languages`.

Hugo 0.153 replaced a mount's two file filters with one glob slice, `files` (a pattern to leave out
starts with "! "), and this Hugo refuses the old keys: "module.mounts.excludeFiles was deprecated in
Hugo v0.153.0 and subsequently removed", an error, so no site is published. A mount that left out a
content folder of drafts or playgrounds, or a theme's file a site overrides, is common in real configs
(a third of Doks-based sites' mounts have one). The build's copy of each config file Hugo reads mounts
from (the project's, each theme's under themes/ and each vendored module's Hugo reads; never the repository)
has them written as `files`: the excluded patterns first, negated, then the included ones, which
keeps their meaning (a negated match ends the slice's evaluation, and a slice of only negated patterns
keeps every other file). A mount that already has `files` is left for Hugo to report. The same release
replaced a mount's `lang` (content mounted for one language: `content/en` as English, the pattern of
Hugo 0.96's release notes) by `sites.matrix`, and this Hugo refuses it the same way; it is written as
`sites = {matrix = {languages = [...]}}` unless the mount has `sites` already.

A file is changed only when it reads back as the same config with `files` in place of the old keys:
a TOML key line (or a multi-line array) is rewritten in place, a YAML mapping entry by its position,
a JSON file written again. Anything else (an inline table, say) is left for Hugo to report.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from chalicelib.errors import BuildError
from chalicelib.hugo_policy import CONFIG_NAMES, CONFIG_SUFFIXES, component_configs, vendored_modules
from chalicelib.repeatedkeys import NoAliasLoader

OLD_KEYS = ("excludefiles", "includefiles")  # in the order their patterns go into `files`
LANG = "lang"  # a mount's one language, now `sites.matrix.languages`
MAX_CONFIG_FILE = 2 * 1024 * 1024
MAX_COMPONENTS = 200
MAX_VALUE_LINES = 200
_TOML_KEY = re.compile(r"""^\s*["']?(includeFiles|excludeFiles|lang)["']?\s*=""", re.IGNORECASE)
_TOML_HEADER = re.compile(r"^\s*\[")
#: A mount's table: [[module.mounts]], [[mounts]] in config/_default/module.toml, an import's mounts.
_TOML_MOUNT = re.compile(r"""^\s*\[\[\s*(?:["']?[\w-]+["']?\s*\.\s*)*["']?mounts["']?\s*\]\]""", re.I)


def give_mount_files(site_root: Path) -> list[str]:
    """Write each mount's includeFiles and excludeFiles as `files`; one note per file changed."""
    notes = []
    for folder in _components(site_root):
        try:
            configs = list(component_configs(folder))
        except BuildError:
            continue  # Hugo (or the build's own check) says what is wrong with it
        for path, config in configs:
            if not _mounts_with_old_keys(config) or path.is_symlink():
                continue
            if path.stat().st_size > MAX_CONFIG_FILE:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            written = _rewritten(text, path.suffix)
            if written is None:
                continue
            path.write_text(written, encoding="utf-8")
            shown = path.relative_to(site_root).as_posix()
            if _has(config, OLD_KEYS):
                notes.append(
                    f"{shown} filters a module mount with includeFiles or excludeFiles, which Hugo removed "
                    "in 0.153 and now refuses: built with files, the glob slice that replaced them (excluded "
                    'patterns start with "! "; set files there instead)'
                )
            if _has(config, (LANG,)):
                notes.append(
                    f"{shown} gives a module mount a lang, which Hugo removed in 0.153 and now refuses: "
                    "built with sites.matrix.languages, which replaced it (set that there instead)"
                )
    return notes


def _components(site_root: Path) -> Iterator[Path]:
    """The project, each theme under themes/ that has a config, each vendored module Hugo reads (folders,
    no symlinks)."""
    themes = site_root / "themes"
    found = [site_root]
    if themes.is_dir() and not themes.is_symlink():
        found += [
            path.parent
            for path in themes.glob("*/*")
            if path.stem in CONFIG_NAMES and path.suffix in CONFIG_SUFFIXES and not path.is_symlink()
        ]
    found += vendored_modules(site_root.resolve(), list(found), strict=False)
    yield from (folder for folder in found[: MAX_COMPONENTS + 1] if not folder.is_symlink())


def converted(config: Any) -> Any:
    """`config` with each mount's old keys given as `files` (a copy; mounts that have `files` kept)."""
    config = copy.deepcopy(config)
    for mount in _mounts(config):
        _convert(mount)
    return config


def _mounts_with_old_keys(config: Any) -> bool:
    return _has(config, (*OLD_KEYS, LANG))


def _has(config: Any, keys: tuple[str, ...]) -> bool:
    return any(str(key).lower() in keys for mount in _mounts(config) for key in mount)


def _mounts(node: Any) -> Iterator[dict[str, Any]]:
    """Every mount table below `node`: the dicts of a list under a key `mounts` (module's, imports')."""
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        name = str(key).lower()
        if name == "mounts" and isinstance(value, list):
            yield from (mount for mount in value if isinstance(mount, dict))
        elif name == "imports" and isinstance(value, list):
            for imported in value:
                yield from _mounts(imported)
        elif isinstance(value, dict) and name != "params":
            yield from _mounts(value)


def _convert(mount: dict[str, Any]) -> None:
    keys = {str(key).lower(): key for key in mount}
    if LANG in keys and "sites" not in keys:
        mount["sites"] = _sites(mount.pop(keys[LANG]))
    if "files" in keys or not any(old in keys for old in OLD_KEYS):
        return
    excluded, included = (mount.pop(keys[old]) if old in keys else None for old in OLD_KEYS)
    mount["files"] = _files(excluded, included)


def _sites(lang: Any) -> dict[str, Any]:
    """What replaced a mount's `lang`: the sites it is mounted for, by language."""
    return {"matrix": {"languages": [str(item) for item in (lang if isinstance(lang, list) else [lang])]}}


def _files(excluded: Any, included: Any) -> list[str]:
    def patterns(value: Any) -> list[str]:
        items = value if isinstance(value, list) else [] if value is None else [value]
        return [str(item) for item in items]

    return [f"! {pattern}" for pattern in patterns(excluded)] + patterns(included)


def _rewritten(text: str, suffix: str) -> str | None:
    """`text` with the old keys written as `files`, if it then reads back as `converted` of itself."""
    try:
        if suffix == ".json":
            data = json.loads(text)
            return json.dumps(converted(data), indent=2, ensure_ascii=False) + "\n"
        before = _load(text, suffix)
        written = _toml_rewritten(text) if suffix == ".toml" else _yaml_rewritten(text)
        if written is None or _load(written, suffix) != converted(before):
            return None
    except (ValueError, yaml.YAMLError, tomllib.TOMLDecodeError, RecursionError):
        return None
    return written


def _load(text: str, suffix: str) -> Any:
    if suffix == ".toml":
        return tomllib.loads(text)
    return next(yaml.load_all(text, Loader=NoAliasLoader), None)


def _toml_rewritten(text: str) -> str | None:
    """Each table's old keys (whole lines, an array over several) as one `files` line in the first's place."""
    lines = text.splitlines(keepends=True)
    tables: dict[int, list[tuple[int, int, str, Any]]] = {}  # header line -> (start, end, key, value)
    header, in_mount, index = -1, False, 0
    while index < len(lines):
        line = lines[index]
        if _TOML_HEADER.match(line):
            header, in_mount = index, bool(_TOML_MOUNT.match(line))
        elif in_mount and (found := _TOML_KEY.match(line)):
            end, value = _toml_value(lines, index, found.end())
            if end is None:
                return None
            tables.setdefault(header, []).append((index, end, found[1].lower(), value))
            index = end
            continue
        index += 1
    replaced: dict[int, str] = {}
    for entries in tables.values():
        values = {key: value for _, _, key, value in entries}
        files = _files(values.get("excludefiles"), values.get("includefiles"))
        filters = [entry for entry in entries if entry[2] in OLD_KEYS]
        for start, end, key, value in entries:
            indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
            for at in range(start, end):
                replaced[at] = ""
            if key == LANG:
                languages = json.dumps(_sites(value)["matrix"]["languages"], ensure_ascii=False)
                replaced[start] = f"{indent}sites = {{ matrix = {{ languages = {languages} }} }}\n"
            elif start == filters[0][0]:
                replaced[start] = f"{indent}files = {json.dumps(files, ensure_ascii=False)}\n"
    return "".join(replaced.get(n, line) for n, line in enumerate(lines))


def _toml_value(lines: list[str], index: int, value_at: int) -> tuple[int | None, Any]:
    """Where the key line's value ends (the line after it) and the value, read as TOML reads it."""
    value = lines[index][value_at:]
    for end in range(index + 1, min(len(lines), index + MAX_VALUE_LINES) + 1):
        try:
            return end, tomllib.loads(f"v = {value}")["v"]
        except tomllib.TOMLDecodeError:
            if end < len(lines):
                value += lines[end]
    return None, None


def _yaml_rewritten(text: str) -> str | None:
    """Each mount mapping's old entries as one `files` entry (a flow sequence) in the first's place."""
    document = next(yaml.compose_all(text, Loader=NoAliasLoader), None)
    edits: list[tuple[int, int, str]] = []
    for mapping in _yaml_mounts(document):
        names = {str(k.value).lower() for k, _ in mapping.value}
        wanted = (OLD_KEYS if "files" not in names else ()) + ((LANG,) if "sites" not in names else ())
        entries = [(k, v) for k, v in mapping.value if str(k.value).lower() in wanted]
        if not entries:
            continue
        loader = yaml.SafeLoader("")
        values = {str(k.value).lower(): loader.construct_object(v, deep=True) for k, v in entries}
        files = "files: " + json.dumps(_files(values.get("excludefiles"), values.get("includefiles")))
        first_filter = next((k for k, _ in entries if str(k.value).lower() in OLD_KEYS), None)
        for key, value in entries:
            span = text[key.start_mark.index : value.end_mark.index]
            tail = span[len(span.rstrip()) :]  # a block value's end is the next line's indentation
            if str(key.value).lower() == LANG:
                written = "sites: " + json.dumps(_sites(values[LANG]), ensure_ascii=False)
            else:
                written = files if key is first_filter else ""
            edits.append((key.start_mark.index, value.end_mark.index, written + tail))
    if not edits:
        return None
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _yaml_mounts(node: yaml.Node | None) -> Iterator[yaml.MappingNode]:
    if not isinstance(node, yaml.MappingNode):
        return
    for key, value in node.value:
        name = str(key.value).lower()
        if name == "mounts" and isinstance(value, yaml.SequenceNode):
            yield from (item for item in value.value if isinstance(item, yaml.MappingNode))
        elif name == "imports" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                yield from _yaml_mounts(item)
        elif isinstance(value, yaml.MappingNode) and name != "params":
            yield from _yaml_mounts(value)
