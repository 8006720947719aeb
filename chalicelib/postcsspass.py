"""PostCSS that only adds vendor prefixes, minifies or drops unused rules, passed over.

Many themes pipe their stylesheet through PostCSS (`$css | css.PostCSS`) for autoprefixer alone: its
postcss.config.js names `autoprefixer`, sometimes cssnano or PurgeCSS for production. PostCSS is an
npm package, and Presslift's builds run no npm, so such a site failed to build (Hugo crashes in
`resources.PostProcess`). The stylesheet those plugins start from is the one they would give, less
what they add for older browsers or take away for size: every rule the theme wrote is there. So where
every PostCSS config the site or its themes have names only such plugins (`PASSABLE`), the fetch
stage writes each piped call as `default`, which hands the stylesheet on as it is, in the build's
copy (never the repository), with a note naming the plugins left out:

    $css | css.PostCSS                 ->  $css | default nil
    $css | css.PostCSS (dict ...)      ->  $css | default (dict ...)

A config that names anything else (Tailwind CSS, postcss-import, nesting plugins: their input is
not CSS a browser reads), or that this cannot read, leaves every call as it is, for the build's hint
to name; so does a call that is not piped.

This module reads PostCSS configs and the templates below a site's layout folders.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from chalicelib.notes import files_that
from chalicelib.themelayouts import ACTION, layout_roots, templates

#: Plugins whose output is their input's rules: prefixes for older browsers, newer syntax written for
#: them, minified, comments or unused rules dropped, browser bugs worked around.
PASSABLE = frozenset(
    {
        "autoprefixer",
        "cssnano",
        "postcss-preset-env",
        "@fullhuman/postcss-purgecss",
        "postcss-purgecss",
        "postcss-flexbugs-fixes",
        "postcss-discard-comments",
        "postcss-sort-media-queries",
    }
)
#: What a config may require besides plugins (Node's own modules).
NODE_MODULES = frozenset({"path", "fs", "node:path", "node:fs", "process", "node:process"})
CONFIG_FILES = (
    "postcss.config.js",
    "postcss.config.cjs",
    "postcss.config.mjs",
    ".postcssrc",
    ".postcssrc.json",
    ".postcssrc.js",
    ".postcssrc.cjs",
    ".postcssrc.yml",
    ".postcssrc.yaml",
    "package.json",
)
MAX_CONFIG_BYTES = 64 * 1024
MAX_ASSET_FILES = 5000
MAX_PLUGINS = 50
_PIPED = re.compile(rb"\|(\s*)(?:css\.PostCSS|resources\.PostCSS|postCSS)\b(?![.\w])")
_CALLED = re.compile(rb"\b(?:css\.PostCSS|resources\.PostCSS|postCSS)\b")
_REQUIRED = re.compile(r"""\brequire\(\s*['"]([^'"]{1,200})['"]\s*\)""")
_IMPORTED = re.compile(r"""^[ \t]*import\b[^'"\n;]{0,200}?['"]([^'"\n]{1,200})['"]""", re.M)
_PLUGINS_OBJECT = re.compile(r"\bplugins\s*:\s*\{")
#: Block comments, and line comments on lines of their own (a `//` in a string is left alone).
_COMMENTS = re.compile(r"/\*.*?\*/|^[ \t]*//[^\n]*", re.S | re.M)
_KEY = re.compile(r"""\s*(?:(['"])([^'"\n]{1,200})\1|([A-Za-z_$][\w$]*))\s*:""")


def pass_over_postcss(site_root: Path) -> list[str]:
    """Hand each piped PostCSS call's stylesheet on as it is, where the plugins allow; the note."""
    if (site_root / "layouts").is_symlink():
        return []
    roots = layout_roots(site_root)
    calling = [(path, text) for path in templates(roots) if _CALLED.search(text := _read(path))]
    if not calling:
        return []
    plugins = _plugins(roots)
    if plugins is None:
        return []
    changed: list[str] = []
    for path, text in calling:
        fixed = rewrite(text)
        if fixed != text:
            path.write_bytes(fixed)
            changed.append(path.relative_to(site_root).as_posix())
    return [_note(changed, plugins)] if changed else []


def rewrite(text: bytes) -> bytes:
    """`text` with each piped PostCSS call, inside a template action, handing its input on."""

    def action(found: re.Match[bytes]) -> bytes:
        body = found.group(0)

        def call(piped: re.Match[bytes]) -> bytes:
            rest = body[piped.end() :].lstrip()
            bare = rest[:1] in (b"|", b")", b"}") or rest.startswith(b"-}}")
            return b"|" + piped.group(1) + (b"default nil" if bare else b"default")

        return _PIPED.sub(call, body)

    return ACTION.sub(action, text)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _plugins(roots: list[Path]) -> list[str] | None:
    """The plugins every PostCSS config of the site and its themes names, or None when one names a
    plugin that is not `PASSABLE` or cannot be read."""
    names: set[str] = set()
    for path in _configs(roots):
        found = _config_plugins(path)
        if found is None:
            return None
        names |= found
        if len(names) > MAX_PLUGINS:
            return None
    names -= NODE_MODULES
    return sorted(names) if names <= PASSABLE else None


def _configs(roots: list[Path]) -> list[Path]:
    """The PostCSS configs at each root and anywhere below its assets/ (where a call's `config` option
    points: `postCSS (dict "config" "./assets/css/postcss.config.js")`), no links followed."""
    found: list[Path] = []
    for root in roots:
        found += [root / name for name in CONFIG_FILES]
        assets = root / "assets"
        if assets.is_dir() and not assets.is_symlink():
            for n, path in enumerate(assets.rglob("*")):
                if n >= MAX_ASSET_FILES:
                    break
                if path.name in CONFIG_FILES and path.name != "package.json":
                    found.append(path)
    return [path for path in found if path.is_file() and not path.is_symlink()]


def _config_plugins(path: Path) -> set[str] | None:
    """The plugin names one config file gives (for package.json, its "postcss" key), or None."""
    try:
        raw = path.read_bytes()
        if len(raw) > MAX_CONFIG_BYTES:
            return None
        text = raw.decode("utf-8-sig")
        if path.name == "package.json":
            package = json.loads(text)
            config = package.get("postcss") if isinstance(package, dict) else None
            return set() if config is None else _data_plugins(config)
        if path.suffix in (".js", ".cjs", ".mjs"):
            return _script_plugins(_COMMENTS.sub("", text))
        data = yaml.safe_load(text)  # .postcssrc is JSON or YAML; YAML reads both
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError, RecursionError):
        return None
    return _data_plugins(data)


def _data_plugins(config: Any) -> set[str] | None:
    plugins = config.get("plugins") if isinstance(config, dict) else None
    if plugins is None:
        return set() if isinstance(config, dict) else None
    if isinstance(plugins, dict):
        return {str(key) for key in plugins}
    if isinstance(plugins, list) and all(isinstance(item, str) for item in plugins):
        return set(plugins)
    return None


def _script_plugins(text: str) -> set[str] | None:
    """The modules a JavaScript config requires or imports, and the keys of a `plugins: {...}`."""
    names = set(_REQUIRED.findall(text)) | set(_IMPORTED.findall(text))
    for found in _PLUGINS_OBJECT.finditer(text):
        keys = _top_level_keys(text, found.end())
        if keys is None:
            return None
        names |= keys
    return names


def _top_level_keys(text: str, start: int) -> set[str] | None:
    """The keys of the object literal whose `{` ends at `start` (strings and nested values skipped)."""
    keys: set[str] = set()
    depth, at, expect_key = 1, start, True
    while at < len(text) and depth:
        if expect_key and depth == 1 and (key := _KEY.match(text, at)):
            keys.add(key.group(2) or key.group(3))
            at, expect_key = key.end(), False
            continue
        char = text[at]
        if char in "'\"`":
            end = text.find(char, at + 1)
            if end < 0:
                return None
            at = end + 1
            continue
        if char in "{[(":
            depth += 1
        elif char in "}])":
            depth -= 1
        elif char == "," and depth == 1:
            expect_key = True
        at += 1
    return keys if depth == 0 else None


def _note(files: list[str], plugins: list[str]) -> str:
    named = f"its plugins ({', '.join(plugins)})" if plugins else "no plugin"
    return (
        f"{files_that(files, 'pipe')} the stylesheet through PostCSS with {named}, an "
        "npm package Presslift's builds do not run: built with the stylesheet as Hugo made it, every rule "
        "in it, without what those plugins add for older browsers or take away for size (commit the "
        "built CSS under static/ to keep them)"
    )
