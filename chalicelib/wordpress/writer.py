"""Writing the Hugo site source: hugo.toml, content files (page bundles), data files and the theme.

Everything written is deterministic (sorted, no timestamps), so the same export gives the same bytes.
This module must never write outside the folder it is given.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from chalicelib.theme_path import THEME_NAME, theme_dir

# libyaml's dumper writes the same YAML as the pure-Python one, several times faster.
YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
THEME_SOURCE = theme_dir()


def toml_string(value: str) -> str:
    # JSON string escaping is valid TOML basic-string escaping.
    return json.dumps(value, ensure_ascii=False)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return toml_string(str(value))


def safe_path(root: Path, relative: str) -> Path:
    """`root / relative`, refusing anything that would leave `root`.

    Lexical on purpose (no symlink resolution, which costs a system call per path component): the
    site folder is one this run created and it never holds a symlink.
    """
    base = os.path.abspath(root)
    path = os.path.normpath(os.path.join(base, relative))
    if not path.startswith(base + os.sep):
        raise ValueError(f"refusing to write outside the site: {relative!r}")
    return Path(path)


def write_text(root: Path, relative: str, text: str) -> None:
    path = safe_path(root, relative)
    os.makedirs(path.parent, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def content_file(metadata: dict[str, Any], body: str) -> str:
    post = frontmatter.Post(body, **{k: v for k, v in metadata.items() if v not in (None, "", [], {})})
    return str(frontmatter.dumps(post, sort_keys=False, Dumper=YAML_DUMPER)) + "\n"


def hugo_toml(
    *,
    title: str,
    base_url: str,
    language: str,
    description: str,
    theme: str,
    taxonomies: dict[str, str],
    menu_entries: dict[str, list[dict[str, Any]]],
) -> str:
    lines = [
        f"baseURL = {toml_string(base_url)}",
        # `locale` replaced `languageCode` in Hugo 0.158; the theme needs 0.158 anyway.
        f"locale = {toml_string(language)}",
        f"title = {toml_string(title)}",
        f"theme = {toml_string(theme)}",
        "",
        "[params]",
        f"description = {toml_string(description)}",
        "",
        "[taxonomies]",
    ]
    for singular, plural in sorted(taxonomies.items()):
        key = singular if singular.isidentifier() else toml_string(singular)
        lines.append(f"{key} = {toml_string(plural)}")
    lines += ["", "[markup.goldmark.renderer]", "unsafe = false"]
    # <sup>/<sub> are written ^x^ and ~x~ (Hugo's Goldmark extras). Subscript needs single tildes, so
    # strikethrough moves to the extras' `delete` (~~x~~ only), as Hugo's documentation prescribes.
    lines += ["", "[markup.goldmark.extensions]", "strikethrough = false"]
    for extra in ("delete", "subscript", "superscript"):
        lines += ["", f"[markup.goldmark.extensions.extras.{extra}]", "enable = true"]
    for menu in sorted(menu_entries):
        for entry in menu_entries[menu]:
            lines += ["", f"[[menus.{toml_string(menu) if not menu.isidentifier() else menu}]]"]
            lines += [f"{key} = {toml_value(value)}" for key, value in entry.items()]
    return "\n".join(lines) + "\n"


def copy_theme(out_dir: Path, name: str) -> None:
    """Presslift's own theme into `themes/presslift`; any other theme is the site owner's to put in
    `themes/<name>` (or a module), so nothing is written for it: copying Presslift's files under
    another theme's name would only hide that the chosen theme is missing."""
    if name != THEME_NAME:
        return
    dest = out_dir / "themes" / name
    if THEME_SOURCE.is_dir():
        shutil.copytree(THEME_SOURCE, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    else:
        dest.mkdir(parents=True, exist_ok=True)
