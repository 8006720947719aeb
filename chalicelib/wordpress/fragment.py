"""HTML fragments as lxml trees: parsing a post body however broken, removing nodes, serialising.

A fragment is held as the children of one `<div>`, so text before the first tag is kept.
This module must never fetch anything, resolve entities from a DTD, or change what it serialises.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

# libxml2's HTML parser as lxml.html sets it up, less lxml.html's element classes: their Python-level
# class lookup ran for every element a conversion touched, and nothing here needs their methods.
HTML_PARSER = etree.HTMLParser()
_STRING = etree.XPath("string()")
# Void elements in HTML5 that libxml2's HTML 4 parser reads as containers: `<embed ...>text` put the
# text (a whole post, under a browser plugin's injected `<embed>`) inside the element.
NESTING_VOIDS = ("embed", "source", "track", "wbr", "keygen")
_NESTING_VOID = re.compile(r"<(?:embed|source|track|wbr|keygen)\b", re.I)


def text_content(el: Any) -> str:
    """What lxml.html's `text_content()` gives: every text below `el` (not comments), in order."""
    return str(_STRING(el))


def parse_fragment(html_text: str) -> Any:
    """The HTML fragment as the children of one `<div>` (lxml), however broken the markup is."""
    root = HTML_PARSER.makeelement("div")
    if not html_text.strip():
        return root
    try:
        document = etree.fromstring(f"<html><body>{html_text}</body></html>", HTML_PARSER)
    except (etree.ParserError, ValueError):
        return root
    body = document.find("body") if document is not None else None
    if body is not None:
        root.text = body.text
        root.extend(list(body))
        if _NESTING_VOID.search(html_text):
            _empty_voids(root)
    return root


def _empty_voids(root: Any) -> None:
    """What libxml2 put inside a void element goes after it, where a browser puts it."""
    for element in list(root.iter(*NESTING_VOIDS)):
        children = list(element)
        if not children and not element.text:
            continue
        parent, tail = element.getparent(), element.tail
        element.tail, element.text = element.text, None
        at = parent.index(element)
        for offset, child in enumerate(children, start=1):
            parent.insert(at + offset, child)  # with its own tail
        last = children[-1] if children else element
        last.tail = (last.tail or "") + (tail or "")


def remove_node(node: Any) -> None:
    """Takes `node` out of its tree, keeping the text that follows it."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail or ""
    if tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)


def unwrap(node: Any) -> None:
    """Replaces `node` with its children and text."""
    parent = node.getparent()
    if parent is None:
        return
    index = parent.index(node)
    previous = node.getprevious()
    lead = node.text or ""
    if lead:
        if previous is not None:
            previous.tail = (previous.tail or "") + lead
        else:
            parent.text = (parent.text or "") + lead
    children = list(node)
    tail = node.tail or ""
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if children:
        last = children[-1]
        last.tail = (last.tail or "") + tail
        parent.remove(node)
    else:
        node.text = None
        remove_node(node)


def inner_html(root: Any) -> str:
    """The HTML of what is inside `root`."""
    parts = [root.text or ""]
    parts += [etree.tostring(child, encoding="unicode", method="html", with_tail=True) for child in root]
    return "".join(parts)
