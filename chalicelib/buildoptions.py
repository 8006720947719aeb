"""Front matter this Hugo refuses, written as it reads it now: `_build` as `build`, Mmark as Markdown,
and Jekyll's `published` switch.

A page's build options under their old name `_build`, given by the name Hugo reads now: `build`.

Hugo 0.145 renamed the front matter key `_build` (render, list, publishResources: how a page is built,
the way headless bundles and external-link pages were made for years) to `build`, and the Hugo this
pipeline runs refuses the old name: "The "_build" front matter key was deprecated in Hugo 0.145.0 and
subsequently removed", and the build fails. Hugo reads it at three places: a page's front matter, a
`cascade` in front matter, and a `cascade` in the site's config (top level or a language's). A
cascade's `_target` was renamed `target` with it: a language's cascade no longer reads the old name,
so its settings would reach every page of the language.

The fetch stage renames it in the build's copy of the site (never the repository): content files'
front matter (YAML, TOML or JSON) and the config files of the site and its themes. A file is changed
only when, read again, it holds exactly what it held with those keys renamed at those places and
nowhere else; anything else (a page that sets both names, `_build` as a parameter's own key) is left
for Hugo to report. One note names the files.

A page that sets `markup: mmark` (Mmark, a Markdown dialect Hugo removed; CorrelAid's event pages)
fails the same way ('failed to resolve media type for "mmark"'): the same pass writes it as
`markdown`, which renders most Mmark alike, with a note of its own.

A page brought from Jekyll keeps `published: true` or `published: false` (Jekyll's switch), which
Hugo reads as the page's publish date and fails on ('the "published" front matter field is not a
parsable date'). The same pass drops `published: true` and writes `published: false` as `draft: true`
(where the page sets no `draft`), which is what Jekyll did with them, with a note of its own.

Reading every content file must stay cheap for a large site: a file whose first bytes end its front
matter without `_build` or `_target` in it is not parsed.
"""

from __future__ import annotations

import json
import re
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from chalicelib.errors import BuildError
from chalicelib.hugo_policy import CONFIG_DIR, CONFIG_NAMES, CONFIG_SUFFIXES, component_configs
from chalicelib.notes import files_that
from chalicelib.repeatedkeys import NoAliasLoader, regular_files

#: Old name -> Hugo's name now: a page's own, and a cascade entry's (its `_target` too, which a
#: language's cascade no longer reads: the cascade would apply to every page of the language).
PAGE_KEYS = {"_build": "build"}
CASCADE_KEYS = {"_build": "build", "_target": "target"}
_OLD_KEY = re.compile(rb"_(?:build|target)\b")
_MARK = re.compile(rb"_(?:build|target)\b|\bmmark\b|^published[ \t]*[:=]", re.I | re.M)
#: Jekyll's `published: true|false` (YAML 1.1's yes and no too): a switch to Jekyll, a date to Hugo.
_YAML_PUBLISHED = re.compile(
    r"^published[ \t]*:[ \t]*(true|false|yes|no)[ \t]*(?:#[^\n]*)?(?:\r?\n|\Z)", re.M | re.I
)
_TOML_PUBLISHED = re.compile(r"^published[ \t]*=[ \t]*(true|false)[ \t]*(?:#[^\n]*)?(?:\r?\n|\Z)", re.M)
_SETS_PUBLISHED = re.compile(rb"^published[ \t]*[:=][ \t]*(?:true|false|yes|no)\b", re.M | re.I)
#: `markup: mmark`: Mmark, the Markdown dialect Hugo removed; its pages are Markdown to this Hugo.
_YAML_MMARK = re.compile(r"""^(markup[ \t]*:[ \t]*)(["']?)mmark\2(?=[ \t]*(?:#.*)?$)""", re.M | re.I)
_TOML_MMARK = re.compile(r"""^(markup[ \t]*=[ \t]*)(["'])mmark\2""", re.M | re.I)
_JSON_MMARK = re.compile(r'("markup"\s*:\s*)"mmark"', re.I)
HEAD_BYTES = 4096
#: How much of a content file the front matter may take; a longer one is left to Hugo.
MAX_FRONT_MATTER = 256 * 1024
MAX_CONFIG_FILE = 2 * 1024 * 1024
MAX_FILES = 200_000
#: Hugo's content formats (its markup file extensions).
CONTENT_SUFFIXES = (
    ".md",
    ".markdown",
    ".mdown",
    ".mkd",
    ".mkdn",
    ".html",
    ".htm",
    ".adoc",
    ".asciidoc",
    ".ad",
    ".org",
    ".rst",
    ".pandoc",
    ".pdc",
)
#: The most the scan may take for one site.
MAX_SECONDS = 20.0

# `_build` where a key is written: YAML (block, list item or flow mapping), TOML (key, dotted key,
# table header, inline table) and JSON; the check after the rename catches a match inside a value.
_YAML_KEY = re.compile(r"""(^[ \t]*(?:-[ \t]+){0,32}|[{,][ \t]*)(["']?)_(build|target)\2(?=[ \t]*:)""", re.M)
_TOML_KEY = re.compile(r"""(^|[\[.{,])([ \t]*)(["']?)_(build|target)\3(?=[ \t]*[=.\]])""", re.M)
_JSON_KEY = re.compile(r'(?<!\\)"_(build|target)"(?=\s*:)')
_YAML_FENCE = re.compile(rb"\A(?:\xef\xbb\xbf)?---[ \t]*\r?\n")
_YAML_CLOSE = re.compile(rb"^(?:---|\.\.\.)[ \t]*\r?$", re.M)
_TOML_FENCE = re.compile(rb"\A(?:\xef\xbb\xbf)?\+\+\+[ \t]*\r?\n")
_TOML_CLOSE = re.compile(rb"^\+\+\+[ \t]*\r?$", re.M)
_JSON_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*\{")


def rename_build_options(site_root: Path) -> list[str]:
    """Rename `_build` (and a cascade's `_target`) in the site's front matter and config; the note."""
    changed: list[str] = []
    mmark: list[str] = []
    jekyll: list[str] = []
    started = time.monotonic()
    for path, fix in _files(site_root):
        if time.monotonic() - started > MAX_SECONDS:
            break  # a hostile repository's files are Hugo's to refuse, not this stage's to hold up
        try:
            fixed = fix(path)
            if fixed is None:
                continue
            before = path.read_bytes()
            path.write_bytes(fixed)
        except OSError:
            continue
        shown = path.relative_to(site_root).as_posix()
        if _OLD_KEY.search(before):
            changed.append(shown)
        if re.search(rb"(?i)\bmmark\b", before):
            mmark.append(shown)
        if _SETS_PUBLISHED.search(before) and not _SETS_PUBLISHED.search(fixed):
            jekyll.append(shown)
    notes = [note(changed)] if changed else []
    return notes + ([mmark_note(mmark)] if mmark else []) + ([published_note(jekyll)] if jekyll else [])


def published_note(files: list[str]) -> str:
    return (
        f"{files_that(files, 'set')} published: true or false, Jekyll's switch, which Hugo "
        "reads as a publish date (this Hugo fails on it): built with published: true left out and "
        "published: false as draft: true (write them so there)"
    )


def mmark_note(files: list[str]) -> str:
    return (
        f"{files_that(files, 'set')} markup: mmark, the Markdown dialect Hugo removed (this "
        "Hugo fails on it): built as Markdown, which most Mmark reads the same as (set markup: markdown)"
    )


def note(files: list[str]) -> str:
    return (
        f"{files_that(files, 'set')} build options as _build (or a cascade's target as "
        "_target), which Hugo renamed build and target in 0.145 (it refuses _build since, and a language's "
        "cascade no longer reads _target): built with the new names (rename them there)"
    )


def _files(site_root: Path) -> Iterator[tuple[Path, Callable[[Path], bytes | None]]]:
    """Each file that may set `_build` and how to fix it, never through a link, at most MAX_FILES."""
    themes = site_root / "themes"
    components = [site_root, *sorted(p for p in themes.glob("*") if p.is_dir() and not p.is_symlink())]
    for component in components:
        for name in CONFIG_NAMES:
            for suffix in CONFIG_SUFFIXES:
                path = component / f"{name}{suffix}"
                if path.is_file() and not path.is_symlink():
                    yield path, _fixed_config
        config_dir = component / CONFIG_DIR
        if config_dir.is_dir() and not config_dir.is_symlink():
            for found in regular_files(config_dir, [MAX_FILES]):
                if found.endswith(CONFIG_SUFFIXES):
                    yield Path(found), _fixed_config
    budget = [MAX_FILES]
    for folder in _content_folders(site_root, components[1:]):
        for found in regular_files(folder, budget):
            if found.lower().endswith(CONTENT_SUFFIXES):  # pages, not their resources (images, data)
                yield Path(found), _fixed_content


def _content_folders(site_root: Path, themes: list[Path]) -> list[Path]:
    """Where Hugo reads pages from: `content/`, or the folders the site's config names (`contentDir`,
    a language's own), and each theme's `content/` (relearn keeps its search page there, with
    `_build`: the build failed naming no file). Only folders inside the site, never through a link."""
    root = site_root.resolve()
    folders = [site_root / "content"]
    try:
        configs = [config for _, config in component_configs(site_root)]
    except BuildError:
        configs = []  # the build's own check names the file it cannot read
    for value in (value for config in configs for value in _content_dirs(config)):
        folder = site_root / value
        try:
            inside = folder.resolve().is_relative_to(root) and not folder.is_symlink()
        except (OSError, RuntimeError):
            inside = False
        if inside and not any(folder.is_relative_to(seen) for seen in folders):
            folders.append(folder)
    return [*folders, *(theme / "content" for theme in themes)]


def _content_dirs(config: dict[str, Any]) -> Iterator[str]:
    """The `contentDir` settings of one config: its own and each language's."""
    for key, value in config.items():
        name = str(key).lower()
        if name == "contentdir" and isinstance(value, str):
            yield value
        elif name == "languages" and isinstance(value, dict):
            for language in value.values():
                if isinstance(language, dict):
                    yield from (
                        v
                        for k, v in language.items()
                        if str(k).lower() == "contentdir" and isinstance(v, str)
                    )


def _fixed_content(path: Path) -> bytes | None:
    with open(path, "rb", buffering=0) as file:
        raw = file.read(HEAD_BYTES)
        for fence, close, kind in ((_YAML_FENCE, _YAML_CLOSE, "yaml"), (_TOML_FENCE, _TOML_CLOSE, "toml")):
            start = fence.match(raw)
            if start is None:
                continue
            end = close.search(raw, start.end())
            if end is None and len(raw) == HEAD_BYTES:
                raw += file.read(MAX_FRONT_MATTER)
                end = close.search(raw, start.end(), start.end() + MAX_FRONT_MATTER)
            if end is None or not _MARK.search(raw, start.end(), end.start()):
                return None
            raw += file.readall()
            fixed = _renamed_text(raw[start.end() : end.start()], kind, _page_expected)
            return None if fixed is None else raw[: start.end()] + fixed + raw[end.start() :]
        if _JSON_START.match(raw):
            raw += file.readall()
            return _fixed_json_front_matter(raw) if _MARK.search(raw) else None
    return None


def _fixed_json_front_matter(raw: bytes) -> bytes | None:
    try:
        text = raw.decode("utf-8-sig")
        offset = len(text) - len(text.lstrip())
        _, end = json.JSONDecoder().raw_decode(text, offset)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    fixed = _renamed_text(text[:end].encode("utf-8"), "json", _page_expected)
    return None if fixed is None else fixed + text[end:].encode("utf-8")


def _fixed_config(path: Path) -> bytes | None:
    with open(path, "rb") as file:
        raw = file.read(MAX_CONFIG_FILE + 1)
    if len(raw) > MAX_CONFIG_FILE or not _MARK.search(raw):
        return None
    kind = {".toml": "toml", ".json": "json"}.get(path.suffix, "yaml")
    root = None if path.stem in CONFIG_NAMES else path.stem  # config/_default/cascade.toml is [cascade]
    return _renamed_text(raw, kind, lambda data: _config_expected(data, root))


def _renamed_text(raw: bytes, kind: str, expected: Callable[[Any], Any]) -> bytes | None:
    """`raw` (one format's text) with `_build` keys renamed, or None: nothing to rename, or the text
    would not read as `expected` says the data should."""
    try:
        text = raw.decode("utf-8")
        before = _load(text, kind)
    except (UnicodeDecodeError, ValueError, yaml.YAMLError, RecursionError):
        return None
    want = expected(before)
    if want is None:
        return None
    pattern = {"yaml": _YAML_KEY, "toml": _TOML_KEY, "json": _JSON_KEY}[kind]
    replace = {
        "yaml": lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}{m.group(2)}",
        "toml": lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}{m.group(4)}{m.group(3)}",
        "json": lambda m: f'"{m.group(1)}"',
    }[kind]
    fixed = pattern.sub(replace, text)
    page = expected is _page_expected  # Jekyll's switch is a page's, never a config's
    if page and kind in ("yaml", "toml") and isinstance(want, dict) and "published" not in want:
        published = _YAML_PUBLISHED if kind == "yaml" else _TOML_PUBLISHED
        draft = "draft: true\n" if kind == "yaml" else "draft = true\n"
        fixed = published.sub(lambda m: "" if m.group(1).lower() in ("true", "yes") else draft, fixed)
    mmark = {"yaml": _YAML_MMARK, "toml": _TOML_MMARK, "json": _JSON_MMARK}[kind]
    quote = (lambda m: '"') if kind == "json" else (lambda m: m.group(2))
    fixed = mmark.sub(lambda m: m.group(1) + quote(m) + "markdown" + quote(m), fixed)
    try:
        if _load(fixed, kind) != want:
            return None
    except (ValueError, yaml.YAMLError, RecursionError):
        return None
    return fixed.encode("utf-8")


def _load(text: str, kind: str) -> Any:
    if kind == "toml":
        return tomllib.loads(text)
    if kind == "json":
        return json.loads(text)
    return yaml.load(text, Loader=NoAliasLoader)


def _page_expected(data: Any) -> Any:
    """A page's front matter with `_build` renamed where Hugo reads it, or None (nothing to rename, or
    a place that has both names)."""
    return _at_page_places(data)


def _config_expected(data: Any, root: str | None) -> Any:
    """A config file's data with `_build` renamed in its cascades, or None. `root`: the top-level key a
    file of the config folder holds (its name), None for a whole config."""
    whole = data if root is None else {root: data}
    if not isinstance(whole, dict):
        return None
    renamed = dict(whole)
    found = False
    for key, value in whole.items():
        if str(key).lower() == "cascade":
            new = _in_cascade(value)
        elif str(key).lower() == "languages" and isinstance(value, dict):
            new = _in_languages(value)
        else:
            continue
        if new is None:
            return None
        if new is not value:
            renamed[key], found = new, True
    if not found:
        return None
    return renamed if root is None else renamed[root]


def _in_languages(languages: dict[Any, Any]) -> Any:
    out = dict(languages)
    for name, language in languages.items():
        if isinstance(language, dict) and "cascade" in language:
            new = _in_cascade(language["cascade"])
            if new is None:
                return None
            if new is not language["cascade"]:
                out[name] = {**language, "cascade": new}
    return out if out != languages else languages


def _at_page_places(data: Any) -> Any:
    if not isinstance(data, dict):
        return None
    renamed = _renamed_keys(data, PAGE_KEYS)
    if renamed is None:
        return None
    if isinstance(renamed.get("markup"), str) and renamed["markup"].lower() == "mmark":
        renamed = {**renamed, "markup": "markdown"}
    if isinstance(renamed.get("published"), bool) and not (
        renamed["published"] is False and "draft" in renamed
    ):
        shown = renamed["published"]
        renamed = {key: value for key, value in renamed.items() if key != "published"}
        renamed = renamed if shown else {**renamed, "draft": True}
    if "cascade" in data:
        cascade = _in_cascade(data["cascade"])
        if cascade is None:
            return None
        renamed = {**renamed, "cascade": cascade}
    return renamed if renamed != data else None


def _in_cascade(cascade: Any) -> Any:
    """A cascade (one mapping or a list of them) with `_build` renamed, the same object when nothing is
    renamed, or None when an entry has both names."""
    entries = cascade if isinstance(cascade, list) else [cascade]
    out = []
    for entry in entries:
        if not isinstance(entry, dict):
            out.append(entry)
            continue
        new = _renamed_keys(entry, CASCADE_KEYS)
        if new is None:
            return None
        out.append(new)
    if out == entries:
        return cascade
    return out if isinstance(cascade, list) else out[0]


def _renamed_keys(mapping: dict[Any, Any], names: dict[str, str]) -> dict[Any, Any] | None:
    """`mapping` with each old key of `names` by its new name (in its place), or None when it has both."""
    if not any(old in mapping for old in names):
        return mapping
    if any(old in mapping and new in mapping for old, new in names.items()):
        return None
    return {names.get(key, key) if isinstance(key, str) else key: value for key, value in mapping.items()}
