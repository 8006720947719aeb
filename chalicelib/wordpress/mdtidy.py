"""Clean-ups of written Markdown: line breaks that would show their backslash (at the end of a block
or of a text), runs of blank lines, and spaces that end a line.

Each is a plain text pass, cheap where there is nothing to do (most bodies), used by both writers
(`markdown`, `rare_markdown`) and the body's last step (`html`). Code's blank lines carry `KEEP`
marks (see `markdown`) until the body is released, so a code line keeps its own.
"""

from __future__ import annotations

import re

TRAILING_SPACE = re.compile(r"[ \t]+\n")
BLANK_LINES = re.compile(r"\n{3,}")


def without_dangling_breaks(markdown: str) -> str:
    """`markdown` without the line breaks that end a block (WordPress's `text<br></p>`): a break
    followed by a blank line or the end, or by lines of nothing but breaks before those, shows its
    backslash in Markdown. Code's blank lines are marked (`KEEP`), so a code line keeps its own."""
    if "\\\n" not in markdown and not markdown.endswith("\\"):  # most bodies
        return markdown
    lines = markdown.split("\n")
    blank_after = True  # the end
    for n in range(len(lines) - 1, -1, -1):
        line = lines[n]
        if blank_after and ends_in_break(line):
            line = lines[n] = line[:-1].rstrip(" \t")
        blank_after = not line.strip(" \t")
    # and a break that begins a block (after a code block a <code> of lines became: "\" alone)
    kept, blank_before = [], True
    for line in lines:
        if not (blank_before and line.strip(" \t") == "\\"):
            kept.append(line)
            blank_before = not line.strip(" \t")
    return "\n".join(kept)


def squeeze_blank_lines(text: str) -> str:
    """`BLANK_LINES.sub("\\n\\n", text)`: runs of three or more newlines as one blank line."""
    return BLANK_LINES.sub("\n\n", text) if "\n\n\n" in text else text


def without_trailing_spaces(text: str) -> str:
    """`TRAILING_SPACE.sub("\\n", text)`: the spaces and tabs that end a line removed. Line by line:
    the regex tries a match at every space of the text, which is most of its cost."""
    if " \n" not in text and "\t\n" not in text:  # every TRAILING_SPACE match ends in one of these
        return text
    lines = text.split("\n")
    last = lines.pop()  # not followed by a newline: left as it is
    return "\n".join([*(line.rstrip(" \t") for line in lines), last])


def ends_in_break(text: str) -> bool:
    """Whether `text` ends with a hard line break's backslash (an odd run: an even one is escaped)."""
    return text.endswith("\\") and (len(text) - len(text.rstrip("\\"))) % 2 == 1


def without_final_break(text: str) -> str:
    """`text`, stripped, without the line breaks that end it: Markdown shows a backslash there."""
    text = text.strip()
    if text[-1:] != "\\":  # most texts
        return text
    while ends_in_break(text):
        text = text[:-1].rstrip()
    return text


def breaks_outside(text: str) -> tuple[str, str, str]:
    """`text` as (the line break it begins with, the rest, the line break it ends with), each break ""
    when there is none: a mark around a break shows its backslash (`**\\` + newline + `Bold\\**`, an
    Elementor button's `[\\` + newline + `Join\\](...)`), so the breaks go outside the marks."""
    inner = text.strip()
    lead = trail = ""
    if ends_in_break(inner):
        inner, trail = without_final_break(inner), "\\\n"
    if inner.startswith("\\\n"):
        inner, lead = inner[2:].lstrip(), "\\\n"
    return lead, inner, trail


def literal_backslashes(text: str) -> str:
    """`text`, whose escaped backslashes (`\\\\`) end it, with those as `&#92;`: before a line break's
    backslash Goldmark reads neither (`a\\\\\\` + newline shows `a\\\\` and breaks no line)."""
    kept = text.rstrip("\\")
    return kept + "&#92;" * ((len(text) - len(kept)) // 2)


CELL_HEADING = re.compile(r"^#{1,6} (.+?)(?: \{[^{}\n]*\})?$", re.M)


def bold_headings(text: str) -> str:
    """`text`, a table cell's Markdown, with each heading's line as bold text: a cell holds no heading
    (a film blog's cell of two <h3> titles showed `### HAPPY VALENTINE'S DAY! ###`)."""
    return CELL_HEADING.sub(r"**\1**", text) if "#" in text else text
