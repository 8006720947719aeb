"""An image inside a `<pre>`: a paragraph's picture, or text of the code the `<pre>` shows.

Windows Live Writer wrapped each paragraph of a post in a `<pre>`, images and all: as a code block
the image was text, and gone, so such a `<pre>` is a paragraph (`images_in_pre_as_paragraphs`).

But a `<pre>` of code that builds HTML in its strings (`var b = "<img src=x.png />";`, written
without escaping, which a parser reads as an element) lost its code block: reflowed into one
paragraph, quotes curled, the string an image. Before the body is parsed, `code_markup_as_text`
escapes the tags in such a `<pre>` as the author wrote them, byte for byte, so it stays code; a
highlighter's or an editor's inline markup in it (`<span>`, `<b>`, `<a>`) stays markup. Code is told
from prose by its lines (at least a third end in `;`, `{`, `}`, a bracket or a comma, or are
comments), or by an image tag written right after a quote, a `+` or an `=`: inside a string.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

#: A `<pre>` and its content (no `<pre>` nests in another in what WordPress stores).
PRE = re.compile(r"(<pre(?:\s[^>]*)?>)(.*?)(</pre\s*>)", re.I | re.S)
TAG = re.compile(r"<(/?)([a-z][a-z0-9-]*)\b[^>]*>", re.I)
IMAGE = re.compile(r"<img\b", re.I)
#: The markup a highlighter or an editor puts inside code, which stays markup.
INLINE = frozenset(
    ["a", "abbr", "b", "br", "code", "em", "font", "i", "kbd", "mark", "s", "samp", "span", "strike"]
) | frozenset(["strong", "sub", "sup", "u", "var"])
#: How a line of code often ends, and how a comment line begins.
CODE_ENDINGS = (";", "{", "}", "(", ")", ",", "[", "]")
COMMENT_STARTS = ("//", "/*", "*", "#", "<!--", "--")
#: What comes right before an image tag written inside a string literal.
STRING_OPENERS = ("'", '"', "+", "=", "`")


def code_markup_as_text(text: str) -> str:
    """`text` (a body's HTML) with the tags inside each `<pre>` of code that holds an image tag
    escaped, so they show as the code's text."""
    return PRE.sub(_escaped_if_code, text)


def _escaped_if_code(match: re.Match[str]) -> str:
    start, inner, end = match.groups()
    if not IMAGE.search(inner) or not _reads_as_code(inner):
        return match.group(0)
    return start + TAG.sub(_escaped_unless_inline, inner) + end


def _escaped_unless_inline(tag: re.Match[str]) -> str:
    return tag.group(0) if tag.group(2).lower() in INLINE else "&lt;" + tag.group(0)[1:]


def _reads_as_code(inner: str) -> bool:
    lines = [line.strip() for line in unescape(TAG.sub("", inner)).splitlines() if line.strip()]
    coded = sum(1 for line in lines if line.endswith(CODE_ENDINGS) or line.startswith(COMMENT_STARTS))
    if len(lines) >= 2 and coded * 3 >= len(lines):
        return True
    return any(inner[: image.start()].rstrip().endswith(STRING_OPENERS) for image in IMAGE.finditer(inner))


def images_in_pre_as_paragraphs(root: Any) -> None:
    """A `<pre>` holding an image (after `code_markup_as_text`: not code) is a paragraph."""
    for pre in list(root.iter("pre")):
        if pre.find(".//img") is not None:
            pre.tag = "p"
