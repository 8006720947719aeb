"""YAML with a key written twice in one mapping, as Hugo read it before 0.152: the last one counts.

Hugo 0.152 moved to a YAML library that refuses a repeated key ("mapping key "draft" already defined"),
where the one before kept the last occurrence without a word. A site whose front matter, data file,
translation or YAML config repeats a key (a hand-edited `draft:`, a `description:` pasted twice; the
Zzo theme's example content, Pure's translations, Linode's and Dapr's docs had them) fails every build
on this Hugo, as with plain Hugo.

The fetch stage drops each earlier occurrence from the build's copy of the site (never the repository),
so the build reads what older Hugo did, and names the files in one warning so they can be fixed. A file
is changed only when PyYAML, which also keeps the last occurrence, reads the same data from it after
as before; anything else (a repeated key in a flow mapping `{a: 1, a: 2}`, or starting a list item) is
left for Hugo to report.

Reading every content file's front matter must stay cheap for a large site: a line scan finds the
files that may repeat a key (it may see more than there are, never fewer, for keys up to 256
characters), and only those are parsed.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import yaml

from chalicelib.notes import files_that

#: How much of a content file the front matter may take; a longer one is left to Hugo.
MAX_FRONT_MATTER = 256 * 1024
MAX_YAML_FILE = 2 * 1024 * 1024
MAX_FILES = 200_000
#: The most the scan and the fixes may take for one site; 50,000 plain pages take about 1 s.
MAX_SECONDS = 20.0
#: Flow collections this deep are no front matter: PyYAML would take seconds to refuse them.
MAX_BRACKETS = 512
HEAD_BYTES = 4096
YAML_SUFFIXES = (".yaml", ".yml", ".YAML", ".YML")
# Keys of at most MAX_KEY characters (a longer one repeated is left for Hugo to report): every
# repetition below is bounded, so a hostile line of spaces costs a linear scan, never a quadratic one.
MAX_KEY = 256
#: Lists opened on one line (`- - - a: 1`) read as such; YAML nested deeper is left to Hugo.
MAX_ITEMS_ON_A_LINE = 32
_KEY = re.compile(
    r"""(?:"((?:[^"\\\n]|\\.){0,256}+)"|'((?:[^'\n]|''){0,256}+)'"""
    r"""|([^\s#'"\[\]{},&*!|>%@`-][^#\n]{0,256}?|-[^\s#]{1,256}?))[ \t]{0,64}:(?:\s|$)"""
)
_BLOCK_SCALAR = re.compile(r":\s*[|>][-+0-9]*\s*(?:#.*)?$")
_ANY_KEY = re.compile(
    r"""^[ \t-]{0,1024}+("[^"\n]{0,256}+"|'[^'\n]{0,256}+'|[^\s#'"][^\n]{0,256}?)"""
    r"""[ \t]{0,64}:(?=[ \t\r\n]|$)""",
    re.M,
)
#: YAML's line breaks, which its marks count lines by (str.splitlines knows more).
_LINE = re.compile(r"[^\r\n\x85\u2028\u2029]*(?:\r\n|[\r\n\x85\u2028\u2029]|$)")
_FENCE = re.compile(rb"\A(?:\xef\xbb\xbf)?---[ \t]*\r?\n")
_CLOSE = re.compile(rb"^(?:---|\.\.\.)[ \t]*\r?$", re.M)


class NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases (`*name`): nine of them nested nine deep stand for 387
    million values, which the loader shares but comparing the data walks, for minutes. YAML with
    aliases is left for Hugo to read."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("an alias, which is not read here")
        return super().compose_node(parent, index)


def drop_repeated_keys(site_root: Path) -> list[str]:
    """Drop each earlier occurrence of a repeated YAML key in the site's content front matter, data,
    translation and config files (and its themes'); the files changed, relative to the site."""
    changed = []
    started = time.monotonic()
    for path, is_front_matter in _yaml_files(site_root):
        if time.monotonic() - started > MAX_SECONDS:
            break  # a hostile repository's files are Hugo's to refuse, not this stage's to hold up
        try:
            with open(path, "rb", buffering=0) as file:
                raw = file.read(HEAD_BYTES if is_front_matter else MAX_YAML_FILE + 1)
                if is_front_matter and len(raw) == HEAD_BYTES and _FENCE.match(raw):
                    raw += file.readall()  # a long front matter, or a long body after it
        except OSError:
            continue
        if is_front_matter:
            fixed = _fixed_front_matter(raw)
        else:
            fixed = _fixed_yaml(raw) if len(raw) <= MAX_YAML_FILE else None
        if fixed is not None:
            Path(path).write_bytes(fixed)
            changed.append(Path(path).relative_to(site_root).as_posix())
    return changed


def note(files: list[str]) -> str:
    return (
        f"{files_that(files, 'repeat')} a YAML key, which Hugo refuses since 0.152: built "
        "with the last occurrence, as Hugo read it before (remove the others)"
    )


def _yaml_files(site_root: Path) -> Iterator[tuple[str, bool]]:
    """(file, whether only its front matter is YAML), no links, at most MAX_FILES."""
    themes = site_root / "themes"
    roots = [site_root, *sorted(p for p in themes.glob("*") if p.is_dir() and not p.is_symlink())]
    budget = [MAX_FILES]
    for root in roots:
        for name in ("hugo", "config"):
            for suffix in YAML_SUFFIXES:
                path = root / f"{name}{suffix}"
                if path.is_file() and not path.is_symlink():
                    yield str(path), False
        yield from (
            (path, False) for path in regular_files(root / "config", budget) if path.endswith(YAML_SUFFIXES)
        )
        yield from (
            (path, False) for path in regular_files(root / "data", budget) if path.endswith(YAML_SUFFIXES)
        )
        # Translations (the Pure theme's i18n/en.yaml says `other:` twice for one message).
        yield from (
            (path, False) for path in regular_files(root / "i18n", budget) if path.endswith(YAML_SUFFIXES)
        )
        yield from ((path, True) for path in regular_files(root / "content", budget))


def regular_files(folder: Path, budget: list[int]) -> Iterator[str]:
    """The regular files below `folder`, never through a link; `budget[0]` counts down the files
    a site may have read."""
    if folder.is_symlink() or not folder.is_dir():
        return
    stack = [str(folder)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_dir():
                stack.append(entry.path)
            elif entry.is_file():
                budget[0] -= 1
                if budget[0] < 0:
                    return
                yield entry.path


def _fixed_front_matter(raw: bytes) -> bytes | None:
    fence = _FENCE.match(raw)
    if fence is None:
        return None
    close = _CLOSE.search(raw, fence.end(), fence.end() + MAX_FRONT_MATTER)
    if close is None:
        return None
    fixed = _fixed_yaml(raw[fence.end() : close.start()])
    return None if fixed is None else raw[: fence.end()] + fixed + raw[close.start() :]


def _fixed_yaml(raw: bytes) -> bytes | None:
    """`raw` without the earlier occurrences of its repeated keys, or None: nothing repeated, or what
    could not be dropped so that the data stays the same."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not _some_key_twice(text) or not may_repeat(text):
        return None
    if text.count("[") + text.count("{") > MAX_BRACKETS:
        return None
    try:
        before = yaml.load(text, Loader=NoAliasLoader)
        drop = sorted(_earlier_occurrences(yaml.compose(text, Loader=NoAliasLoader)))
    except (yaml.YAMLError, RecursionError):  # PyYAML recurses once per level of nesting
        return None
    if not drop:
        return None
    lines = _LINE.findall(text)
    gone = {line for first, end in drop for line in range(first, end)}
    fixed = "".join(line for number, line in enumerate(lines) if number not in gone)
    try:
        same = yaml.load(fixed, Loader=NoAliasLoader) == before and not _earlier_occurrences(
            yaml.compose(fixed, Loader=NoAliasLoader)
        )
    except (yaml.YAMLError, RecursionError):
        return None
    return fixed.encode("utf-8") if same else None


def _some_key_twice(text: str) -> bool:
    """Whether any key name is written twice anywhere in `text` (in one mapping or not): most front
    matter writes each once, and this is one regex pass."""
    keys = [key.strip("\"' \t") for key in _ANY_KEY.findall(text)]
    return len(keys) != len(set(keys))


def may_repeat(text: str) -> bool:
    """Whether some block mapping of `text` may write a key twice: a scan of its lines by indent,
    which may see a repeat that is not there (text that looks like a key), never miss one."""
    open_maps: list[tuple[int, set[str]]] = []  # (indent, keys seen), innermost last
    scalar_indent: int | None = None  # inside a block scalar (`key: |`) whose key had this indent
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        if scalar_indent is not None and indent > scalar_indent:
            continue
        scalar_indent = None
        items = 0
        while (stripped.startswith("- ") or stripped == "-") and items < MAX_ITEMS_ON_A_LINE:
            # a list item: a new mapping starts in it
            rest = stripped[1:].lstrip(" ")
            indent += len(stripped) - len(rest)
            stripped = rest
            open_maps = [m for m in open_maps if m[0] < indent]
            open_maps.append((indent, set()))
            items += 1
        found = _KEY.match(stripped)
        if found is None:
            continue
        key = next(group for group in found.groups() if group is not None).strip()
        open_maps = [m for m in open_maps if m[0] <= indent]
        if not open_maps or open_maps[-1][0] < indent:
            open_maps.append((indent, set()))
        if key in open_maps[-1][1]:
            return True
        open_maps[-1][1].add(key)
        if _BLOCK_SCALAR.search(stripped):
            scalar_indent = indent
    return False


def _earlier_occurrences(node: yaml.Node | None) -> list[tuple[int, int]]:
    """The line ranges [first, end) of each key-value pair a later pair of the same block mapping
    repeats; none at all where one of them cannot be dropped as whole lines."""
    found: list[tuple[int, int]] = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            pairs = current.value
            stack.extend(value for _, value in pairs)
            last = {_key(key): index for index, (key, _) in enumerate(pairs)}
            for index, (key, _) in enumerate(pairs):
                if last[_key(key)] == index:
                    continue
                following = pairs[index + 1][0]
                if current.flow_style or not _own_line(key.start_mark) or not _own_line(following.start_mark):
                    return []  # a flow mapping, or a pair that shares its line (`- a: 1`)
                found.append((key.start_mark.line, following.start_mark.line))
    return found


def _key(node: yaml.Node) -> object:
    return (node.tag, node.value) if isinstance(node, yaml.ScalarNode) else id(node)


def _own_line(mark: yaml.Mark) -> bool:
    """Whether only spaces come before `mark` on its line."""
    text = mark.buffer or ""
    return not text[text.rfind("\n", 0, mark.pointer) + 1 : mark.pointer].strip(" ")
