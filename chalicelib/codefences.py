"""Code fences that mark highlighted lines the way Gatsby, Docusaurus and VuePress read them.

A post written for one of those keeps its highlighted lines in the fence's info string: ```jsx{3}
or ```js {1,4-6}. Hugo's Markdown reads braces there as attributes, finds none it can parse, and the
whole build fails ("failed to parse Markdown attributes; you may need to quote the values"). Hugo
marks the same lines with its own attribute, so the fetch stage writes each such fence in the build's
copy (never the repository) as Hugo's:

    ```jsx{3}          ->  ```jsx {hl_lines=[3]}
    ```js {1,4-6}      ->  ```js {hl_lines=[1,"4-6"]}

Only a fence whose braces hold nothing but line numbers and ranges is touched; one note names the
files. Reading every content file stays cheap: a file without "{" after a fence is not parsed.
"""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.contentfiles import content_texts
from chalicelib.notes import files_that

#: An opening fence (up to three spaces in, as CommonMark allows) whose language has a line list.
_FENCE = re.compile(
    rb"^([ \t]{0,3}(?:`{3,}|~{3,})[ \t]*[\w+#.-]{1,40})[ \t]*\{([\d ,-]{1,200})\}[ \t]*$", re.M
)
_RANGE = re.compile(r"^(\d{1,6})(?:-(\d{1,6}))?$")


def mark_highlighted_lines(site_root: Path) -> list[str]:
    """Write each fence's line list as Hugo's hl_lines in the site's content; the note."""
    changed: list[str] = []
    for path, text in content_texts(site_root):
        if b"{" not in text or not _FENCE.search(text):
            continue
        fixed = _FENCE.sub(_hugo_fence, text)
        if fixed != text:
            path.write_bytes(fixed)
            changed.append(path.relative_to(site_root).as_posix())
    return [_note(changed)] if changed else []


def _hugo_fence(found: re.Match[bytes]) -> bytes:
    lines = hl_lines(found.group(2).decode())
    return found.group(0) if lines is None else found.group(1) + b" {hl_lines=" + lines.encode() + b"}"


def hl_lines(listed: str) -> str | None:
    """`1,4-6` as Hugo's `[1,"4-6"]`, or None for anything that is not a list of lines and ranges."""
    items = [item.strip() for item in listed.replace(" ", ",").split(",") if item.strip()]
    if not items:
        return None
    out = []
    for item in items:
        found = _RANGE.match(item)
        if found is None:
            return None
        out.append(f'"{item}"' if found.group(2) else item)
    return "[" + ",".join(out) + "]"


def _note(files: list[str]) -> str:
    return (
        f"{files_that(files, 'mark')} highlighted lines in a code fence as ```jsx{{3}} "
        "(Gatsby's and Docusaurus's way), which Hugo reads as attributes and fails on: built as ```jsx "
        "{hl_lines=[3]}, Hugo's way (write them so)"
    )
