r"""Marks that Goldmark would show as text: emphasis that ends in punctuation right before a letter.

CommonMark closes `**` only where the run is "right-flanking": after punctuation, it must be followed
by a space or more punctuation. WordPress's `<b>의미한다.</b>방을` (Korean and Chinese put no space
after a sentence), `<strong>Note:</strong>Text` and `word<em>(aside)</em>word` came out as
`**의미한다.**방을`, and the page showed the asterisks. Goldmark's CJK extension reads an escaped space
(`\ `) as a space for these rules and writes nothing for it; the converted site's hugo.toml turns it on
(`escapedSpace`), and `flanked` puts one where a mark would otherwise not open or close.
"""

from __future__ import annotations

import unicodedata

#: The characters of the marks the writers put around inline text (emphasis, strike, insert, mark,
#: superscript, subscript).
MARKS = "*_~+=^"
#: An escaped space: a space for the flanking rules, nothing on the page (Goldmark's `escapedSpace`).
ESCAPED_SPACE = "\\ "


def _punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


def _word(char: str) -> bool:
    return not char.isspace() and not _punctuation(char)


def flanked(before: str, written: str, after: str) -> str:
    """`written`, inline Markdown between marks (`**Note:**`), with an escaped space after it when
    its closing mark follows punctuation and `after` (the text after it) begins with a letter or
    digit, and before it in the mirror case (`before`: the Markdown before it)."""
    opened = len(written) - len(written.lstrip(MARKS))
    closed = len(written) - len(written.rstrip(MARKS))
    if not opened or not closed or opened + closed >= len(written):
        return written
    if after and _word(after[0]) and _punctuation(written[-closed - 1]):
        written += ESCAPED_SPACE
    if before and _word(before[-1]) and _punctuation(written[opened]):
        written = ESCAPED_SPACE + written
    return written
