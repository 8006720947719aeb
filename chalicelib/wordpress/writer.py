"""Writing the Hugo site source: hugo.toml, content files (page bundles), data files and the theme.

Everything written is deterministic (sorted, no timestamps), so the same export gives the same bytes.
This module must never write outside the folder it is given.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from chalicelib.theme_path import THEME_NAME, theme_dir
from chalicelib.wordpress.polylang import right_to_left

# libyaml's dumper writes the same YAML as the pure-Python one, several times faster.
YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
THEME_SOURCE = theme_dir()
BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")  # what TOML takes as a key without quotes


def toml_string(value: str) -> str:
    # JSON string escaping is valid TOML basic-string escaping.
    return json.dumps(value, ensure_ascii=False)


def toml_key(key: str) -> str:
    """`key` as TOML writes it: bare when it is ASCII letters, digits, `_` and `-`, else quoted (a
    menu named 相册 is a key Python calls an identifier and TOML refuses bare: Hugo read no config)."""
    return key if BARE_KEY.fullmatch(key) else toml_string(key)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return toml_string(str(value))


def _safe(root: Path, relative: str) -> str:
    base = os.path.abspath(root)
    path = os.path.normpath(os.path.join(base, relative))
    if not path.startswith(base + os.sep):
        raise ValueError(f"refusing to write outside the site: {relative!r}")
    return path


def safe_path(root: Path, relative: str) -> Path:
    """`root / relative`, refusing anything that would leave `root`.

    Lexical on purpose (no symlink resolution, which costs a system call per path component): the
    site folder is one this run created and it never holds a symlink.
    """
    return Path(_safe(root, relative))


def write_text(root: Path, relative: str, text: str) -> None:
    path = _safe(root, relative)
    folder = os.path.dirname(path)
    # One mkdir for a page's own folder, which is the common case; its parents only when missing.
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
    # os.open and os.write: three system calls a file, where open() adds an fstat and a tty check.
    data = memoryview(text.encode("utf-8"))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        while data:
            data = data[os.write(fd, data) :]
    finally:
        os.close(fd)


def records_json(records: list[dict[str, Any]]) -> str:
    """`json.dumps(records, indent=2, ensure_ascii=False)` and a newline. With an indent, json writes
    from Python code; a list of flat records (comments, the media library) is written here with its C
    string encoder instead, and anything else by json itself."""
    if records and all(type(r) is dict and all(_flat(k, v) for k, v in r.items()) for r in records):
        objects = [
            "{\n" + ",\n".join(f"    {_JSON_STRING(k)}: {_json_scalar(v)}" for k, v in r.items()) + "\n  }"
            if r
            else "{}"
            for r in records
        ]
        return "[\n  " + ",\n  ".join(objects) + "\n]\n"
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


# What json.dumps(..., ensure_ascii=False) writes a string with.
_JSON_STRING = json.encoder.encode_basestring


def _flat(key: object, value: object) -> bool:
    return type(key) is str and (value is None or type(value) in (str, int, bool))


def _json_scalar(value: object) -> str:
    if type(value) is str:
        return str(_JSON_STRING(value))
    if value is None:
        return "null"
    if type(value) is bool:
        return "true" if value else "false"
    return int.__repr__(value)


def content_file(metadata: dict[str, Any], body: str) -> str:
    """A content file: YAML front matter (as python-frontmatter writes it with libyaml) and the body."""
    kept = {k: v for k, v in metadata.items() if v not in (None, "", [], {})}
    return ("---\n" + front_matter(kept).strip() + "\n---\n\n" + body).rstrip() + "\n"


def front_matter(data: dict[str, Any]) -> str:
    """`data` as libyaml's block-style YAML (what python-frontmatter writes). The entries of a block
    mapping are written independently of each other, so the short scalars and lists of them that most
    pages have are written here directly, and only the other entries by libyaml, one at a time."""
    if not data or _shared_containers(data):  # a list or mapping given twice becomes an anchor and alias
        return _yaml(data)
    return "".join(_yaml_entry(key, value) or _yaml({key: value}) for key, value in data.items())


def _yaml(data: dict[str, Any]) -> str:
    return str(
        yaml.dump(data, Dumper=YAML_DUMPER, default_flow_style=False, allow_unicode=True, sort_keys=False)
    )


_CONTAINERS = (dict, list, tuple, set)


def _shared_containers(data: dict[str, Any]) -> bool:
    """Whether a list, tuple, set or mapping is reached twice (or within itself) from `data`'s values.
    Only containers are queued: the strings of a page's lists and mappings need no visit."""
    seen: set[int] = set()
    pending: list[Any] = [value for value in data.values() if isinstance(value, _CONTAINERS)]
    while pending:
        value = pending.pop()
        if id(value) in seen:
            return True
        seen.add(id(value))
        if isinstance(value, dict):
            pending += [v for v in value.values() if isinstance(v, _CONTAINERS)]
            pending += [k for k in value if isinstance(k, _CONTAINERS)]
        else:
            pending += [v for v in value if isinstance(v, _CONTAINERS)]
    return False


# A scalar written as it is (or single-quoted): letters and digits of any script, "_", and punctuation
# that no YAML emitter treats specially after the first character (": " and " #" are checked apart).
_SIMPLE = re.compile(r"[\w/(][\w .,()/+!?&%$=;@':#-]*")
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_MAX_LINE = 76  # below libyaml's folding width (80): the line is never folded


# Keys, tags, categories and author names come back page after page: their answers are remembered.
@functools.lru_cache(maxsize=4096)
def _yaml_scalar(text: str, indent: int) -> str | None:
    """A string as libyaml writes it `indent` characters into a line, or None when it is not short and
    simple enough to tell here. libyaml folds a long line at a space only, so a text without one (a
    URL, say) is written on its line whatever its length."""
    short = indent + len(text) <= _MAX_LINE - 2 or " " not in text
    if not short or not _SIMPLE.fullmatch(text) or text[-1] == " " or text[0] == "_":
        return None
    # Plain when it reads back as the same string; single-quoted when it would read as another type
    # (true, 12, 2024-01-02) or holds an indicator.
    plain = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG  # type: ignore[no-untyped-call]
    if plain and not (": " in text or text.endswith(":") or " #" in text):
        return text
    quoted = "'" + text.replace("'", "''") + "'"
    return quoted if indent + len(quoted) <= _MAX_LINE or " " not in text else None


#: Characters YAML reads as line breaks, which libyaml writes as they are: read back, a slug or file name
#: holding one (`free-\u2028t-shirt`) came out folded, with spaces in it (a dead alias, a broken image).
LINE_SEPARATORS = ("\u2028", "\u2029", "\x85")


def _escaped(text: str) -> str:
    """`text` as a double-quoted YAML scalar, its line separators and control characters escaped."""
    out = []
    for char in text:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char in LINE_SEPARATORS or ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _separated(value: Any) -> bool:
    return isinstance(value, str) and any(char in value for char in LINE_SEPARATORS)


def _yaml_entry(key: str, value: Any) -> str | None:
    if _yaml_scalar(key, 0) != key:
        return None
    if _separated(value):
        return f"{key}: {_escaped(value)}\n"
    strings = isinstance(value, list) and value and all(isinstance(v, str) for v in value)
    if strings and any(map(_separated, value)):
        return f"{key}:\n" + "".join(f"- {_escaped(v)}\n" for v in value)
    if isinstance(value, bool):
        return f"{key}: {'true' if value else 'false'}\n"
    if isinstance(value, int):
        return f"{key}: {value}\n"
    if isinstance(value, str):
        scalar = _yaml_scalar(value, len(key) + 2)
        return None if scalar is None else f"{key}: {scalar}\n"
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        items = [_yaml_scalar(v, 2) for v in value]
        return None if None in items else f"{key}:\n" + "".join(f"- {item}\n" for item in items)
    return None


def hugo_toml(
    *,
    title: str,
    base_url: str,
    language: str,
    description: str,
    theme: str,
    taxonomies: dict[str, str],
    menu_entries: dict[str, list[dict[str, Any]]],
    date_archives: str = "",
    math: bool = False,
    posts_section: str = "posts",
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
        # The posts are the site's main section, as WordPress's loop is: left to Hugo, it is the
        # section with the most pages, and a page with more pages below it than the blog has posts
        # took the home page's list.
        f"mainSections = [{toml_string(posts_section)}]",
    ]
    if right_to_left(language):  # an Arabic, Hebrew or Persian site: its pages right to left (baseof)
        lines.append('direction = "rtl"')
    if date_archives:  # the taxonomy of the year and month archives, which themes may leave out
        lines.append(f"date_archives = {toml_string(date_archives)}")
    lines += [
        "",
        "[taxonomies]",
    ]
    for singular, plural in sorted(taxonomies.items()):
        lines.append(f"{toml_key(singular)} = {toml_string(plural)}")
    lines += ["", "[markup.goldmark.renderer]", "unsafe = false"]
    # Block attributes: a numbered list's countdown and letters, `{reversed=true type=A}` on the line
    # after it (markdown.list_attributes); text that begins a line with `{` is escaped (mdescape).
    lines += ["", "[markup.goldmark.parser.attribute]", "block = true"]
    # <sup>/<sub> are written ^x^ and ~x~ (Hugo's Goldmark extras). Subscript needs single tildes, so
    # strikethrough moves to the extras' `delete` (~~x~~ only), as Hugo's documentation prescribes.
    lines += ["", "[markup.goldmark.extensions]", "strikethrough = false"]
    # <mark> is written ==x==, <ins> and <u> ++x++ (markdown.py).
    for extra in ("delete", "insert", "mark", "subscript", "superscript"):
        lines += ["", f"[markup.goldmark.extensions.extras.{extra}]", "enable = true"]
    # `\ ` is a space to the emphasis rules and nothing on the page: `**Note:**\ Text` (mdflank.py).
    lines += ["", "[markup.goldmark.extensions.cjk]", "enable = true", "escapedSpace = true"]
    if math:  # formulas as \(TeX\) and \[TeX\], for the passthrough render hook (latex.py)
        lines += ["", "[markup.goldmark.extensions.passthrough]", "enable = true"]
        lines += ["", "[markup.goldmark.extensions.passthrough.delimiters]"]
        lines += ["block = [['\\[', '\\]']]", "inline = [['\\(', '\\)']]"]
    for menu in sorted(menu_entries):
        for entry in menu_entries[menu]:
            lines += ["", f"[[menus.{toml_key(menu)}]]"]
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
