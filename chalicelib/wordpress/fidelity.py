"""Measures of conversion fidelity that compare an export item with the page Hugo built from it.

`pre_blocks` answers "is every `<pre>` of the item shown identically on the built page?": the text a
browser shows for each source `<pre>` (entities decoded, `<br>` as a newline, the newline right after
`<pre>` dropped, as HTML parsing does) must equal the text of one `<pre>` on the page. Trailing
newlines are not compared: a browser does not show them and Hugo always ends a code block with one.
`[[gallery]]`-style escapes of registered shortcodes are compared as WordPress shows them (`[gallery]`),
and a `<pre>` holding one code shortcode (`[sourcecode]...[/sourcecode]`) as its code.
A `<pre>` a code plugin highlights on the server (`<pre lang="xml">`, WP-Syntax's) shows its markup as
code, read as the converter reads it (`server_highlighted_as_code`): an XML sample's `<property>` is
text there; the inline formatting wrapped around the code (`<code>`, `<span>`) is not.

This module must never fetch, write or change anything: it reads two strings.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from chalicelib.wordpress.codeblock import pre_text
from chalicelib.wordpress.fragment import parse_fragment
from chalicelib.wordpress.html import server_highlighted_as_code
from chalicelib.wordpress.shortcodes import KNOWN
from chalicelib.wordpress.syntaxshortcodes import CODE_SHORTCODES

# WordPress shows [[name ...]] as [name ...] when `name` is a registered shortcode, and only then.
LITERAL_SHORTCODE = re.compile(r"\[(\[(?:" + "|".join(KNOWN) + r")(?![\w-])[^\[\]]*\])\]", re.I)
# A `<pre>` that holds one code shortcode and nothing else (Windows Live Writer's code plugin wrote
# them so) shows what the plugin shows: the code between its tags.
ONE_CODE_SHORTCODE = re.compile(
    r"\A\s*\[(" + "|".join(sorted(CODE_SHORTCODES)) + r")(?![\w-])[^\[\]]*\]\n?(.*?)\n?\[/\1\]\s*\Z",
    re.S | re.I,
)


@dataclass(frozen=True)
class PreBlock:
    """One `<pre>` of the export item and whether the built page shows it unchanged."""

    text: str
    identical: bool


def _outer_pres(root: Any) -> list[Any]:
    return [pre for pre in root.iter("pre") if not any(a.tag == "pre" for a in pre.iterancestors())]


def _shown(pre: Any) -> str:
    return pre_text(pre).rstrip("\n")


def _as_shown(text: str) -> str:
    code = ONE_CODE_SHORTCODE.match(text)
    return code.group(2).rstrip("\n") if code else LITERAL_SHORTCODE.sub(r"\1", text)


def pre_blocks(item_html: str, page_html: str) -> list[PreBlock]:
    """Each `<pre>` of `item_html` (the item's `content:encoded`), in order, checked against `page_html`.

    A page `<pre>` matches at most one source block, so two identical source blocks need two on the page.
    """
    source = [
        _as_shown(_shown(pre)) for pre in _outer_pres(parse_fragment(server_highlighted_as_code(item_html)))
    ]
    try:
        page = lxml_html.document_fromstring(page_html) if page_html.strip() else None
    except (etree.ParserError, ValueError):
        page = None
    available = Counter(_shown(pre) for pre in _outer_pres(page)) if page is not None else Counter()
    blocks = []
    for text in source:
        found = available[text] > 0
        if found:
            available[text] -= 1
        blocks.append(PreBlock(text, found))
    return blocks
