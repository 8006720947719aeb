"""WordPress's details block (`<details>` with its `<summary>`, the block editor's since 6.3 and any
classic post's) as the theme's `details-open` and `details-close` shortcodes around its content: the
summary stays a summary and what it hides stays hidden until a reader opens it, where Markdown alone
would print both as plain paragraphs.

The summary becomes `details-open`'s `summary` (inline Markdown) and `open` is kept. The content
between the two calls is converted with the rest of the body and stays the page's own Markdown, so a
caption, gallery or player inside renders too (inside one paired shortcode it would not: see the
template). Nested details work the same.

This module must never fetch anything or emit markup the hacked-content scan has not seen: it runs
on the scanned, link-rewritten tree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.wordpress.fragment import remove_node
from chalicelib.wordpress.shortcodes import Placeholders, hugo_shortcode

CLOSING = "{{< details-close >}}"


def details_to_shortcodes(root: Any, placeholders: Placeholders, markdown_of: Callable[[Any], str]) -> None:
    """Replaces each `<details>` below `root` with its content between the two shortcodes."""
    for details in list(root.iter("details")):  # outer ones first; inner ones stay in the tree
        params = {"summary": "", "open": "true" if details.get("open") is not None else ""}
        summary = details.find("summary")
        if summary is not None:
            params["summary"] = " ".join(markdown_of(summary).split())
            remove_node(summary)
        opening = details.makeelement("p", {})
        opening.text = placeholders.add(hugo_shortcode("details-open", params), block=False)
        closing = details.makeelement("p", {})
        closing.text = placeholders.add(CLOSING, block=False)
        closing.tail, details.tail = details.tail, None
        # The details' text and children move up, between the two tokens, each in a paragraph of its
        # own (as bare text the writers would fold the blank lines around a token into spaces).
        parent = details.getparent()
        at = parent.index(details)
        parent.remove(details)
        holder = details.makeelement("div", {})
        holder.text = details.text
        holder.extend(list(details))
        for offset, node in enumerate((opening, holder, closing)):
            parent.insert(at + offset, node)
