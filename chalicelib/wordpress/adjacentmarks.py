r"""Emphasis an editor split in two (`<strong>Friday</strong><strong>, Sept 20th</strong>`) or put
inside itself (`<strong>Personal Development<strong>/Inspirational:</strong></strong>`).

A browser shows two elements of the same kind side by side, with nothing between them, as one run of
bold or italic text; their Markdown marks side by side (`**Friday****, Sept 20th**`) do not close
and open again but show as asterisks. Such neighbours are joined into one element before either
Markdown writer sees the body. Bold inside bold, or italic inside italic, is shown as the outer one
alone, while its marks inside the outer ones (`**Personal Development\ **/Inspirational:****`) showed
as asterisks: the inner element is unwrapped. The tree is changed in place; nothing else is.
"""

from __future__ import annotations

from typing import Any

from chalicelib.wordpress.fragment import unwrap

#: Elements written as marks around their text (an emphasis, a strike, an underline, a highlight).
JOINED = ("strong", "b", "em", "i", "cite", "del", "s", "strike", "u", "ins", "mark")
#: Elements written with the same marks: one inside another of its kind adds nothing to the text.
SAME_MARKS = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic"}


def join_adjacent_marks(root: Any) -> None:
    """Joins each element of `JOINED` with the same element (same tag, same attributes) that follows
    it with no text between them, in the lxml tree `root`."""
    for el in list(root.iter(*JOINED)):
        parent = el.getparent()
        if parent is None:  # the root, or an element joined into the one before it
            continue
        kind = SAME_MARKS.get(el.tag)
        if kind and any(SAME_MARKS.get(up.tag) == kind for up in el.iterancestors(*SAME_MARKS)):
            unwrap(el)  # bold in bold: its text is the outer one's
            continue
        following = el.getnext()
        while (
            following is not None
            and following.tag == el.tag
            and not el.tail
            and dict(following.attrib) == dict(el.attrib)
        ):
            _append_content(el, following)
            el.tail = following.tail
            parent.remove(following)
            following = el.getnext()


def _append_content(el: Any, other: Any) -> None:
    if other.text:
        if len(el):
            el[-1].tail = (el[-1].tail or "") + other.text
        else:
            el.text = (el.text or "") + other.text
    for child in list(other):
        el.append(child)  # moves it, with its tail
