"""Text without its markup: titles, captions and labels as a reader sees them."""

from __future__ import annotations

import html as htmllib
import re

TAG_RE = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """`text` without its tags and entities, its whitespace collapsed."""
    if "<" not in text and "&" not in text:  # most titles and captions: nothing to take out
        return " ".join(text.split())
    return " ".join(htmllib.unescape(TAG_RE.sub(" ", text)).split())


def plain_start(text: str, length: int) -> str:
    """`plain(text)[:length]`, reading only as much of a long `text` as that needs.

    Cut right after a tag, a text's plain form is the start of the whole text's: the tags before the
    cut are the same, no entity spans the space a tag becomes, and every word before it is whole.
    """
    check = 4 * length
    for tag in TAG_RE.finditer(text):
        if tag.end() >= check:
            start = plain(text[: tag.end()])
            if len(start) >= length:
                return start[:length]
            check *= 2
    return plain(text)[:length]
