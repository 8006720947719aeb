"""In-page anchors kept: the ids that links point at (`/guide/#faq`, `#fn1`) survive the move to Markdown.

Markdown has no place for an element's id, so a converted page lost every target of a jump link: the
block editor's "HTML anchor" on headings, classic named anchors (`<a name="faq"></a>`), footnotes a
plugin or an author wrote by hand (`<li id="fn1">`). Now:

- a heading's id is written as Goldmark's heading attribute (`## FAQ {#faq}`, see `heading_id`),
  which Hugo reads with its default settings (markup.goldmark.parser.attribute.title);
- a named anchor, a link without an address carrying `name` or `id`, gives its id to the heading it
  is in when that heading has none, and otherwise becomes the `anchor` shortcode (an empty element
  with that id) where it stood, its text kept;
- any other element keeps its id the same way only when a link of the same body points at it: themes
  and plugins give ids to many elements that nothing links to.

An id Goldmark would not read back (spaces, most punctuation) is left out, as it could not be linked
to in Markdown either. This module must never remove text or change an address.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree

# What Goldmark reads as an id in `{#...}`: no space and no punctuation but `_ - : .` (any script's
# letters and digits are \w).
SAFE_ID = re.compile(r"[\w:.-]+")
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# The elements that can hold an anchor, in document order: one walk in libxml2, not in Python.
WITH_ID_OR_NAME = etree.XPath("descendant::*[@id or @name]")


def heading_id(el: Any) -> str:
    """The id a heading keeps (Goldmark's `{#id}` after its text), or ""."""
    ident = (el.get("id") or "").strip()
    return ident if ident and SAFE_ID.fullmatch(ident) else ""


def anchor_shortcode(ident: str) -> str:
    return f'{{{{< anchor "{ident}" >}}}}'


def keep_anchors(root: Any, placeholder: Callable[[str], str]) -> None:
    """Puts the anchors of the lxml tree `root` where the Markdown writer keeps them: named anchors
    into their heading's id or a `placeholder` for the anchor shortcode, linked-to ids of other
    elements into a placeholder at the start of the element (before it, for a link)."""
    linked = {
        href[1:]
        for href in (a.get("href") or "" for a in root.iter("a"))
        if href.startswith("#") and len(href) > 1
    }
    for el in WITH_ID_OR_NAME(root):
        tag = el.tag
        if tag in HEADINGS:
            continue
        if tag == "a" and not (el.get("href") or "").strip():
            ident = (el.get("id") or el.get("name") or "").strip()
            if ident and SAFE_ID.fullmatch(ident):
                _named_anchor(el, ident, placeholder)
            continue
        ident = (el.get("id") or "").strip()
        if ident in linked and SAFE_ID.fullmatch(ident):
            token = placeholder(anchor_shortcode(ident))
            if tag == "a":
                # Before a footnote mark's <sup> too: the Markdown writer keeps a lone link in one.
                holder = el.getparent()
                while holder is not None and holder.tag in ("sup", "sub") and len(holder) == 1:
                    el, holder = holder, holder.getparent()
                _text_before(el, token)
            else:
                el.text = token + (el.text or "")


def _named_anchor(el: Any, ident: str, placeholder: Callable[[str], str]) -> None:
    heading = next((up for up in el.iterancestors() if up.tag in HEADINGS), None)
    if heading is not None and not heading_id(heading):
        heading.set("id", ident)
    else:
        el.text = placeholder(anchor_shortcode(ident)) + (el.text or "")
    for attr in ("id", "name"):
        el.attrib.pop(attr, None)


def _text_before(el: Any, text: str) -> None:
    previous = el.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent = el.getparent()
        if parent is not None:
            parent.text = (parent.text or "") + text
