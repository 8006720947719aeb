"""The HTML tags the fast Markdown writer (markdown.py) knows, by what it makes of them.

A body with any tag outside `HANDLED` goes to markdownify whole (see `markdown.can_convert`).
"""

from __future__ import annotations

from chalicelib.wordpress.formchoice import FORM_CHOICES

INLINE = frozenset(
    [
        "a",
        "abbr",
        "acronym",
        "b",
        "big",
        "br",
        "cite",
        "code",
        "del",
        "em",
        "i",
        "img",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "tt",
        "u",
        "var",
        # written as their text, as markdownify writes them (old posts pasted from Word have <font>)
        "bdi",
        "bdo",
        "data",
        "dfn",
        "font",
        "nobr",
        "time",
        "wbr",
        # a form's controls: their text (the form cannot be sent from a static page); see formchoice.py
        "button",
        "label",
        "textarea",
    ]
)
BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "div",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "ul",
    ]
)
# Hugo's ==mark== and ++insert++ (see htmlstyle.inline_mark).
MARKED = frozenset(["mark", "ins", "u"])
EMPHASIS = frozenset(["strong", "b", "em", "i", "cite", "var", "del", "s", "strike"]) | MARKED
HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
TABLE = frozenset(["table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"])
DEFINITIONS = frozenset(["dl", "dt", "dd"])
# Players with their fallback text inside: the text is what Markdown can keep of them.
TEXT_ONLY = frozenset(["video", "audio", "source", "track", "picture"])
HANDLED = INLINE | BLOCK | TABLE | DEFINITIONS | TEXT_ONLY | FORM_CHOICES
