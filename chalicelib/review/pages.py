"""What a reader sees on a page: its title and the visible text of its main content, line by line.

The change review compares pages by this text, not by their markup: a new stylesheet fingerprint, an
absolute URL with another baseURL or a reordered attribute changes the file but not what anyone reads.
The main content is the page's `main` element (or its `[role=main]`, its only `article`, or else the
body less its header, footer, navigation and sidebars); inside it, navigation, sidebars, scripts and
styles are left out. Each block element (paragraph, heading, list item, cell...) is one line; an image
is a line of its own naming its alt text and file, so a replaced picture shows.

Pure functions of the page's bytes: nothing here reads files or talks to AWS.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from lxml.etree import ParserError, _Element

#: Elements whose text no reader sees as content: chrome, code that runs, and hidden templates.
HIDDEN = frozenset(
    {"script", "style", "noscript", "template", "svg", "nav", "aside", "iframe", "head", "title", "meta"}
)
#: Around the content, outside `main`: the site's chrome.
CHROME = frozenset({"header", "footer", "nav", "aside"})
#: Elements that start a line of their own.
BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "li", "dt", "dd", "blockquote", "pre", "figure", "figcaption", "table", "tr", "td", "th",
        "caption", "ul", "ol", "dl", "hr", "br", "details", "summary", "address", "form", "fieldset",
        "legend", "label", "option",
    }
)  # fmt: skip


@dataclass(frozen=True)
class PageText:
    """A page as read: its title, the lines of its main content, and of the whole visible page."""

    title: str
    lines: tuple[str, ...]
    page_lines: tuple[str, ...] = ()

    @property
    def digest(self) -> str:
        return text_digest(self.title, self.lines)


def text_digest(title: str, lines: tuple[str, ...] | list[str]) -> str:
    """The MD5 of a page's title and main-content lines: equal digests, nothing a reader sees changed."""
    data = "\n".join((title, *lines)).encode("utf-8")
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def read_page(html: bytes, *, whole_page: bool = False) -> PageText:
    """The title and main-content lines of an HTML page (with `whole_page`, also every visible line of
    its body, chrome included). A page that cannot be parsed reads as empty: a review must not fail on
    one broken page, and an empty text shows that page as changed."""
    try:
        root = lxml.html.fromstring(html)
    except (ParserError, ValueError):
        return PageText("", ())
    title = _clean(" ".join(root.xpath("//head/title//text()")))
    page: tuple[str, ...] = ()
    if whole_page:  # on a tree of its own: reading lines changes the tree they are read from
        whole = lxml.html.fromstring(html)
        body = whole.find("body")
        page = tuple(visible_lines(body if body is not None else whole, skip=HIDDEN - CHROME))
    content = main_content(root)
    lines = tuple(visible_lines(content, skip=HIDDEN)) if content is not None else ()
    return PageText(title or _first_heading(content), lines, page)


def main_content(root: _Element) -> _Element | None:
    """The element that holds the page's own content (see the module's docstring)."""
    for query in ("//main", "//*[@role='main']"):
        found = root.xpath(query)
        if found:
            return found[0]
    articles = root.xpath("//article")
    if len(articles) == 1:
        return articles[0]
    body = root.find("body")
    if body is None:
        return root
    for chrome in [el for el in body.iter(*CHROME) if el.getparent() is body]:
        body.remove(chrome)
    return body


def visible_lines(element: _Element, *, skip: frozenset[str]) -> list[str]:
    """The text of `element` as lines, one per block element, whitespace collapsed, empty lines gone.

    Changes `element` in place (hidden parts removed, line breaks added): lxml walks the tree in C,
    which is what keeps reading every page of a 5,000-page build to a second or two.
    """
    for hidden in element.xpath(".//*[@hidden or @aria-hidden='true']"):
        hidden.drop_tree()  # keeps its tail, which is the text after it
    etree.strip_elements(element, *skip, with_tail=False)
    for img in element.iter("img"):
        img.tail = _settable(f"\n{_image(img)}\n{img.tail or ''}")
    for block in element.iter(*BLOCKS):
        block.text = "\n" + _settable(block.text or "")
        block.tail = "\n" + _settable(block.tail or "")
    text = _settable(element.text_content())  # what inline elements hold, as the blocks' text is
    return [line for line in (_clean(line) for line in text.split("\n")) if line]


#: What lxml parses out of a page but refuses to be given back: the control characters XML 1.0 does
#: not allow. A Japanese blog's pages carry backspaces its writers' input method left in the text.
_NOT_SETTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _settable(text: str) -> str:
    """`text` as an element's text or tail may be set to (the characters above are invisible)."""
    return _NOT_SETTABLE.sub("", text)


def _image(img: _Element) -> str:
    name = urlsplit(img.get("src") or "").path.rsplit("/", 1)[-1]
    alt = _clean(img.get("alt") or "")
    return f"[image: {alt} ({name})]" if alt else f"[image: {name}]"


def _first_heading(content: _Element | None) -> str:
    if content is None:
        return ""
    heading = content.find(".//h1")
    return _clean(heading.text_content()) if heading is not None else ""


def _clean(text: str) -> str:
    return " ".join(text.split())
