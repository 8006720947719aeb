"""Images an author set as a CSS background become images: Markdown keeps no styles.

A cover block (older ones carry their image only as `background-image`), a page builder's section, a
paragraph or an HTML block with `style="background: url(…)"`: the image is the author's content, and
a converted page that drops the style loses it, and the media file is never found in the uploads or
counted. Each such image becomes an `<img>` with an empty alt (it was decoration to a screen reader
too): before a block's content, as its own paragraph, or at the start of an inline element or a cell.

The style is read as CSS, not searched for `url(`: comments are skipped, a quoted string is never a
URL (`content: "url(x)"`), `url()` may be quoted or not, in any case, with CSS escapes (`\\28` is
`(`), several to a declaration; only `background` and `background-image` count, and only web addresses
(never a `data:` or `javascript:` one). An element that already shows the image as an `<img>` (newer
cover blocks) gets no second one. Runs on the scanned tree before its links are rewritten, so each new
image is rewritten, found and counted like any other; it never fetches anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

BACKGROUND_PROPERTIES = frozenset({"background", "background-image"})
HAS_URL = re.compile(r"url\(", re.I)
_TOKEN = re.compile(
    r"""(?P<comment>/\*.*?(?:\*/|$))
    |(?P<url>(?<![\w-])url\(\s*
        (?:"(?P<dq>(?:[^"\\]|\\.)*)"
        |'(?P<sq>(?:[^'\\]|\\.)*)'
        |(?P<bare>(?:[^)"'\\\s]|\\[0-9a-fA-F]{1,6}[\ \t\r\n\f]?|\\.)*))
    \s*\))
    |(?P<string>"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?)
    |(?P<semicolon>;)
    |(?P<colon>:)
    |(?P<word>-?[A-Za-z_][\w-]*)""",
    re.I | re.S | re.X,
)
_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\r\n|[\n\r\f]|(.))", re.S)
# Elements whose background image is shown as a paragraph of its own before them, where their parent
# holds blocks; any other element (a span, a link, a list item, a cell) gets it at its start.
BLOCKS = frozenset(
    {"p", "div", "section", "article", "aside", "header", "footer", "main", "figure", "blockquote", "table"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre", "hr"}
)
HOLDS_BLOCKS = frozenset({"div", "section", "article", "aside", "header", "footer", "main", "blockquote"})
COVER = "wp-block-cover"
COVER_IMAGE = "wp-block-cover__image-background"


def _unescape(value: str) -> str:
    def one(found: re.Match[str]) -> str:
        if found.group(1):
            point = int(found.group(1), 16)
            return chr(point) if 0 < point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF else "\ufffd"
        return found.group(2) or ""

    return _ESCAPE.sub(one, value) if "\\" in value else value


def background_urls(style: str) -> Iterator[str]:
    """The URLs of `background` and `background-image` in a style attribute, in order, unescaped."""
    name = ""
    prop = ""
    for token in _TOKEN.finditer(style):
        if token.group("semicolon"):
            name = prop = ""
        elif token.group("word"):
            if not prop:
                name = token.group("word").lower()
        elif token.group("colon"):
            if name and not prop:
                prop = name
        elif token.group("url") is not None and prop in BACKGROUND_PROPERTIES:
            quoted = token.group("dq") if token.group("dq") is not None else token.group("sq")
            yield _unescape(quoted if quoted is not None else token.group("bare")).strip()


def _web_address(url: str) -> bool:
    return url.startswith(("https://", "http://", "/")) and not url.startswith("//")


def _images_shown(node: Any) -> set[str]:
    return {(img.get("src") or "").strip() for img in node.iter("img")}


def _cover_image_shown(cover: Any) -> bool:
    """Whether a cover block shows its image as an `<img>` of its own (WordPress 5.7's), not only as
    its background: another image inside it (a picture in its text) does not count, and a cover
    holding one lost its background image."""
    return any(COVER_IMAGE in (img.get("class") or "") for img in cover.iter("img"))


def backgrounds_to_images(root: Any) -> None:
    """Each background image of an element under `root` (not `root` itself) as an `<img>` beside it."""
    for node in list(root.iter()):
        style = node.get("style") if isinstance(node.tag, str) else None
        if node is root or not style or not HAS_URL.search(style):
            continue
        is_cover = COVER in (node.get("class") or "").split()
        shown = _images_shown(node)
        if is_cover and _cover_image_shown(node):
            continue  # a newer cover block: its image is an <img> already
        found = dict.fromkeys(background_urls(style))
        urls = [url for url in found if _web_address(url) and url not in shown]
        if urls:
            _show(node, urls, is_cover)


def _show(node: Any, urls: list[str], is_cover: bool) -> None:
    images = [node.makeelement("img", {"src": url, "alt": ""}) for url in urls]
    parent = node.getparent()
    beside = (
        not is_cover
        and node.tag in BLOCKS
        and parent is not None
        and (parent.getparent() is None or parent.tag in HOLDS_BLOCKS)
    )
    if beside:
        paragraph = node.makeelement("p", {})
        paragraph.extend(images)
        node.addprevious(paragraph)
        return
    # At the start of the element, before its text.
    images[-1].tail, node.text = node.text, None
    for image in reversed(images):
        node.insert(0, image)
