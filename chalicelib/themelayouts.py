"""The template files Hugo reads for a site: its own layouts, each theme's, each vendored module's.

What the fetch stage does for a site written for an older Hugo (`oldhugo`) starts here: which folders
hold layouts, which template files are in them (within bounds: a hostile repository's layouts can be
any size, and links are never followed), and which shortcodes they define.

This module only reads, but for `rewrite_then_copy`, which the renaming steps share.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from chalicelib.hugo_policy import vendored_modules

#: The folders a layouts folder keeps shortcodes in (Hugo 0.146's name, and the one before).
SHORTCODE_FOLDERS = ("_shortcodes", "shortcodes")
#: A template larger than this is not a theme's and is not read.
MAX_TEMPLATE_BYTES = 512 * 1024
#: A template action (`{{ ... }}`), comments left out (`{{/* getJSON */}}` stays a comment).
ACTION = re.compile(rb"\{\{(?!-?\s*/\*).*?\}\}", re.S)
#: The most template files read in one site.
MAX_TEMPLATES = 20_000


#: A file kept in layouts/ that is no template: a README, LICENSE or CLAUDE.md (Hugo's template names
#: are lower-case; these are written in capitals).
NOT_A_TEMPLATE = re.compile(r"[A-Z][A-Z0-9_-]+(?:\.(?:md|markdown|txt|rst))?$")


def layout_roots(site_root: Path) -> list[Path]:
    """The folders whose `layouts/` Hugo reads for the site: the site's, each theme's and each vendored
    module's (those a `_vendor/modules.txt` lists: not a vendored theme's exampleSite or docs site)."""
    roots = [site_root, *_children(site_root / "themes")]
    return roots + vendored_modules(site_root.resolve(), list(roots), strict=False)


def templates(roots: list[Path]) -> Iterator[Path]:
    """The template files below each root's `layouts/` (no links, none over `MAX_TEMPLATE_BYTES`, at
    most `MAX_TEMPLATES` in all)."""
    seen = 0
    for root in roots:
        layouts = root / "layouts"
        if not layouts.is_dir() or layouts.is_symlink():
            continue
        for path in layouts.rglob("*"):
            if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_TEMPLATE_BYTES:
                continue
            if NOT_A_TEMPLATE.match(path.name):  # a README or CLAUDE.md kept beside the templates
                continue
            seen += 1
            if seen > MAX_TEMPLATES:
                return
            yield path


def callers(files: list[Path], call: re.Pattern[bytes], group: int = 1) -> dict[str, set[Path]]:
    """What each of `files` calls, by `call`'s `group`: name -> the files that call it."""
    found: dict[str, set[Path]] = {}
    for path in files:
        try:
            text = path.read_bytes()
        except OSError:
            continue
        for match in call.finditer(text):
            found.setdefault(match[group].decode(), set()).add(path)
    return found


def rewrite_then_copy(
    calling: set[Path],
    call: re.Pattern[bytes],
    replace: Callable[[re.Match[bytes]], bytes],
    copying: list[tuple[Path, Path]],
) -> None:
    """Rewrite `call` in each of `calling`, then make each (original, copy): in that order, a template
    that calls another and is itself copied (a dotted view rendering a dotted view) gets a copy that
    calls the other's copy too."""
    for path in calling:
        text = path.read_bytes()
        changed = call.sub(replace, text)
        if changed != text:
            path.write_bytes(changed)
    for original, copy in copying:
        shutil.copyfile(original, copy)


def defined_shortcodes(roots: list[Path]) -> set[str]:
    """The shortcode names the layouts below `roots` define (`figure.html`, `figure.en.html`,
    `figure.html.html` all define `figure`)."""
    found: set[str] = set()
    for root in roots:
        for folder in SHORTCODE_FOLDERS:
            shortcodes = root / "layouts" / folder
            if shortcodes.is_dir():
                found |= {path.name.split(".")[0] for path in shortcodes.iterdir()}
    return found


def _children(folder: Path) -> list[Path]:
    return [child for child in folder.iterdir() if child.is_dir()] if folder.is_dir() else []
