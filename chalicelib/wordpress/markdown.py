"""HTML (an lxml tree) to Markdown for the tags WordPress posts are mostly made of, fast.

Paragraphs, headings, lists, quotes, code, links, images, emphasis, line breaks, tables and definition
lists are written here in one walk of the tree. A body with any other tag (forms, nested tables,
SVG…) is handed to markdownify whole, so rare markup keeps markdownify's careful handling;
`can_convert` says which.
Output follows the same choices as the markdownify set-up in `html.py` (ATX headings, `-` bullets,
backslash line breaks, `*`/`_`/`^`/`~`/`` ` `` escaped in text, `<pre>` through `fenced_code`), so both paths
give the same Markdown for the markup this module handles, with one difference that renders the
same: a table row with fewer cells is padded here and left short by markdownify (Goldmark fills it).
tests/unit/wordpress/test_markdown.py holds both paths to this over its whole table.

`<pre>` text survives byte for byte (codeblock.py): blank-line runs, trailing spaces and tabs are
marked with `KEEP` so no clean-up (here or in `html.py`) touches them, and `release` removes the marks
last; a `<pre>`'s links, which a code block cannot hold, follow it (`pre_links`).
`<sup>`/`<sub>` become `^x^`/`~x~`, `<mark>` `==x==`, `<ins>`/`<u>` `++x++` (Hugo's Goldmark extras,
enabled by the site's hugo.toml), so a literal `^` or `~`, or a `==`/`++` that could open one, is
escaped.

This module must never change the tree it is given, fetch anything, or decide what is safe: the
hacked-content scan has already run.
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.wordpress.anchors import heading_id
from chalicelib.wordpress.codeblock import KEEP, code_language, fenced_code, pre_text, release
from chalicelib.wordpress.formchoice import FORM_CHOICES, form_choice
from chalicelib.wordpress.fragment import text_content
from chalicelib.wordpress.htmlstyle import (
    STYLED_INLINE,
    alignment,
    inline_mark,
    list_attributes,
    quoted,
    says_emphasis,
    script_tag,
    styled_emphasis,
)
from chalicelib.wordpress.htmltags import BLOCK, EMPHASIS, HANDLED, HEADINGS, MARKED
from chalicelib.wordpress.mdescape import INLINE as INLINE_MARKUP
from chalicelib.wordpress.mdescape import (
    LINE_MARKS,
    LINK_TEXT,
    MAY_NEED,
    backslashed,
    heading,
    image_text,
    inline,
    line_start,
    title_text,
)
from chalicelib.wordpress.mdflank import ESCAPED_SPACE, MARKS, flanked
from chalicelib.wordpress.mdinline import destination, pre_links, script
from chalicelib.wordpress.mdtidy import (
    bold_headings,
    ends_in_break,
    literal_backslashes,
    squeeze_blank_lines,
    without_dangling_breaks,
    without_final_break,
    without_trailing_spaces,
)

WHITESPACE = re.compile(r"[ \t\r\n\f]+")
NEEDS_SPACES = re.compile(r"[\t\r\n\f]|  ")
# Blank lines around block output; collapsed to exactly one blank line at the end.
BLOCK_GAP = "\n\n"
HEADING_MARK = re.compile(r"^#{1,6} ")
# What CommonMark reads as an autolink, `<https://x>`: a scheme first (`<www.x.com>` and `</about>`
# showed as text or were dropped as raw HTML).
AUTOLINK = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,31}:")


def can_convert(root: Any) -> bool:
    """True when every element below `root` is one this module writes itself."""
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue  # comments were removed by the scan; a stray one is skipped when writing
        if tag not in HANDLED and ":" not in tag:  # Word's <o:p>, <st1:city>: their text, as inline
            return False
    return True


# What WHITESPACE collapses: a text of nothing else (most texts between blocks) is one space.
COLLAPSED = " \t\r\n\f"


def _text(text: str | None, ctx: _Context) -> str:
    if not text:
        return ""
    if not text.strip(COLLAPSED):  # between two elements: a space, but none to begin a line with
        return "" if ctx.line_start and not ctx.code else " "
    # Most texts need neither substitution: a search is cheaper than a substitution that finds nothing.
    if "\n" in text or "  " in text or "\t" in text or "\r" in text or "\f" in text:  # NEEDS_SPACES
        text = WHITESPACE.sub(" ", text)
    if ctx.code:
        return text
    if ctx.link and ("[" in text or "]" in text):  # brackets in a link's text would end it early
        text = LINK_TEXT.sub(backslashed, text)
    elif MAY_NEED.search(text):
        text = INLINE_MARKUP.sub(backslashed, text)
    if ctx.line_start:
        ctx.line_start = False
        if text[:1] == " " and text.strip():  # the newline after a <br>, say: no line begins with a space
            text = text.lstrip(" ")
        return line_start(text) if text[:1] in LINE_MARKS else text
    return text


class _Context:
    __slots__ = ("attributes", "code", "line_start", "link", "list_depth")

    def __init__(self, attributes: bool = False) -> None:
        # Whether blocks may carry Goldmark attribute lines (alignment): not where the Markdown is
        # flattened to one line (cells, definitions, captions), nor in list items.
        self.attributes = attributes
        self.code = False
        self.link = False  # inside a link's text
        # Whether the next text begins a line (see mdescape.line_start): set by each block and line
        # break, cleared by text and by inline output.
        self.line_start = True
        self.list_depth = 0


def _children(el: Any, ctx: _Context) -> str:
    # Each .text and .tail read makes a new string in lxml: read once, and only written when not empty.
    text = el.text
    parts = [_text(text, ctx) if text else ""]
    for child in el:
        tail = child.tail
        if isinstance(child.tag, str):
            written = _element(child, ctx)
            if written[-1:] in MARKS and written[:1] in MARKS:  # `**Note:**Text`: see mdflank
                written = flanked(parts[-1], written, tail or "")
                if written[:1] in MARKS and parts[-1][-1:] and parts[-1][-1] in MARKS:
                    # Two runs of marks side by side (`<strong>Quote.</strong><cite>Name</cite>`):
                    # `**Quote.***Name*` shows its asterisks; an escaped space parts them, unseen.
                    written = ESCAPED_SPACE + written
            if written == "\\\n" and parts[-1][-1:] == "\\":
                parts[-1] = literal_backslashes(parts[-1])
            elif written[:1] == "[" and parts[-1][-1:] == "!" and parts[-1][-2:-1] != "\\":
                parts[-1] = parts[-1][:-1] + "\\!"  # "Much better!" before a link: no image
            parts.append(written)
        if tail:
            parts.append(_text(tail, ctx))
    return "".join(parts)


def _wrap(mark: str, inner: str) -> str:
    # Goldmark only sees emphasis when the marks touch the text: keep the spaces outside, and a line
    # break too (before a closing mark, its backslash would escape the mark).
    stripped = inner.strip()
    if not stripped or (inner[:2] == BLOCK_GAP and stripped[:12] == "ZQXSHORTCODE"):
        return inner  # a shortcode's block (code, a gallery) in bold: marks cannot hold a block
    lead = " " if inner[:1].isspace() else ""
    trail = " " if inner[-1:].isspace() else ""
    if ends_in_break(stripped):
        stripped, trail = without_final_break(stripped), "\\\n"
    if stripped.startswith("\\\n"):
        stripped, lead = stripped[2:].lstrip(), "\\\n"
    if mark == "*" and ((stripped[:1] == "*" != stripped[1:2]) or (stripped[-1:] == "*" != stripped[-2:-1])):
        mark = "_"  # emphasis around emphasis (<cite><em>x</em></cite>): `**x**` would be bold
    return f"{lead}{mark}{stripped}{mark}{trail}" if stripped else inner


def _list(el: Any, ctx: _Context) -> str:
    ordered = el.tag == "ol"
    start = el.get("start") or ""
    number = int(start) if start.isdigit() else 1
    attributes = list_attributes(el) if ordered and el.attrib else ""
    # A countdown is numbered down in the Markdown too (Goldmark reads the first number only); with
    # no start it counts down from its number of items, as a browser's does.
    step = -1 if attributes.startswith("{reversed") else 1
    if step < 0 and not start.isdigit():
        number = sum(1 for child in el if child.tag == "li")
    ctx.list_depth += 1
    items: list[str] = []
    # Text written in the list outside any item (`<ol>1/ one, 2/ two</ol>`), which a browser shows: a
    # paragraph between the list's parts, each part numbered on from the last.
    parts: list[str] = []
    loose = el.text
    for child in [*el, None]:
        if loose and loose.strip(COLLAPSED):
            ctx.line_start = True
            if paragraph := _text(loose, ctx).strip():
                parts += ["\n".join(items), paragraph] if items else [paragraph]
                items = []
        if child is None:
            break
        loose = child.tail
        if not isinstance(child.tag, str):
            continue
        if child.tag != "li":
            written = _element(child, ctx).strip()
            if child.tag in BLOCK and child.tag not in ("ul", "ol") and written:  # a <p> in a <ul>:
                parts += ["\n".join(items), written] if items else [written]  # between the parts too
                items = []
            elif written and items and child.tag in ("ul", "ol"):  # a list in a list: the last item's
                pad = " " * (items[-1].find(" ") + 1)
                items[-1] += "\n" + "\n".join(pad + line if line else line for line in written.split("\n"))
            elif written:
                items.append(written)
            continue
        bullet = f"{max(number, 0)}." if ordered else "-"  # a countdown may pass 0; Markdown can't
        number += step
        ctx.line_start = True
        body = squeeze_blank_lines(without_final_break(_children(child, ctx)))
        indent = " " * (len(bullet) + 1)
        lines = body.split("\n")
        rest = "".join(f"\n{indent}{line}" if line else "\n" for line in lines[1:])
        items.append(f"{bullet} {lines[0]}{rest}")
    ctx.list_depth -= 1
    ctx.line_start = True
    text = "\n".join(items) + (f"\n{attributes}" if attributes and items else "")
    if parts:
        text = BLOCK_GAP.join([*parts, text] if text else parts)
    if ctx.list_depth:
        # A bulleted list or one numbered from 1 can interrupt its item's text; another needs a blank line.
        return f"{BLOCK_GAP}{text}\n" if ordered and not text.startswith("1.") else f"\n{text}\n"
    return f"{BLOCK_GAP}{text}{BLOCK_GAP}"


def _cell(el: Any, ctx: _Context) -> str:
    ctx.line_start = False  # a cell's text follows a `|`
    ctx.attributes, attributes = False, ctx.attributes
    inner = bold_headings(_children(el, ctx))
    text = " ".join(inner.replace("\\\n", " ").split()).replace("|", "\\|")
    ctx.attributes = attributes
    return text


def _table(el: Any, ctx: _Context) -> str:
    if any(True for _ in el.iterdescendants("table")):
        return _layout_table(el, ctx)
    rows = [[_cell(c, ctx) for c in tr if c.tag in ("th", "td")] for tr in el.iter("tr")]
    rows = [r for r in rows if r]
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows]
    lines.insert(1, "| " + " | ".join(["---"] * width) + " |")
    caption = el.find("caption")
    lead = f"{_cell(caption, ctx)}{BLOCK_GAP}" if caption is not None else ""
    ctx.line_start = True
    return BLOCK_GAP + lead + "\n".join(lines) + BLOCK_GAP


# A table's own caption and cells, not those of the tables in them.
_LAYOUT_CELLS = (
    "./caption|./tr/*[self::td or self::th]"
    "|./*[self::thead or self::tbody or self::tfoot]/tr/*[self::td or self::th]"
)


def _layout_table(el: Any, ctx: _Context) -> str:
    """A table with a table in a cell, which lays a page out (a book's cover beside its details)
    rather than holding data, and which no Markdown table can hold: each cell's content as blocks,
    in reading order; a table inside is written as one when it is data."""
    blocks = []
    for cell in el.xpath(_LAYOUT_CELLS):  # in document order, the caption's text first
        ctx.line_start = True
        if text := _children(cell, ctx).strip():
            blocks.append(text)
    ctx.line_start = True
    return BLOCK_GAP + BLOCK_GAP.join(blocks) + BLOCK_GAP if blocks else ""


def _definitions(el: Any, ctx: _Context) -> str:
    """A `<dl>` as Goldmark's definition list; what a browser shows in it that is neither term nor
    definition (an old WordPress gallery's `<dl class=gallery-item><a><img></a></dl>`, text) as
    paragraphs between, in its place."""
    ctx.attributes, attributes = False, ctx.attributes  # each term and definition is one line
    blocks: list[str] = []
    lines: list[str] = []  # the terms and definitions since the last loose paragraph
    loose: list[str] = []

    def end_loose() -> None:
        text = "".join(loose).strip()
        loose.clear()
        if text:
            if lines:
                blocks.append("\n".join(lines))
                lines.clear()
            blocks.append(text)

    if el.text and el.text.strip():
        ctx.line_start = True
        loose.append(_text(el.text, ctx))
    for child in el:
        if child.tag in ("dt", "dd"):
            end_loose()
        ctx.line_start = ctx.line_start if loose else True
        if child.tag == "dt":
            lines.append(("\n" if lines else "") + " ".join(_children(child, ctx).split()))
        elif child.tag == "dd" and child.find(".//pre") is not None:
            # A definition holding a code block (an online judge's sample input) keeps its lines: the
            # block is indented under the ":", as Goldmark's definition lists read continued blocks.
            first, *rest = _children(child, ctx).strip().split("\n")
            lines.append(
                "\n".join(
                    [
                        f":   {first}",
                        *(f"    {line}" if line.replace(KEEP, "").strip() else line for line in rest),
                    ]
                )
            )
        elif child.tag == "dd":
            lines.append(":   " + " ".join(_children(child, ctx).replace("\\\n", " ").split()))
        elif isinstance(child.tag, str):
            loose.append(_element(child, ctx))
        if child.tail and child.tail.strip():
            loose.append(_text(child.tail, ctx))
    end_loose()
    if lines:
        blocks.append("\n".join(lines))
    ctx.line_start = True
    ctx.attributes = attributes
    return BLOCK_GAP + BLOCK_GAP.join(blocks) + BLOCK_GAP if blocks else ""


def _one_line(text: str) -> str:
    """A link's text written over blocks (a link around an image block, a heading and its text: Markdown
    link text cannot hold a blank line) as one line: its lines joined, headings' marks and line breaks'
    backslashes left out."""
    lines = (HEADING_MARK.sub("", line.strip()) for line in text.split("\n"))
    # a break's backslash ends its line; an escaped one (`\\\\`, an even run) is the text's own
    return " ".join(kept for line in lines if (kept := line[:-1].rstrip() if ends_in_break(line) else line))


def _block(inner: str) -> str:
    text = without_final_break(inner)
    return f"{BLOCK_GAP}{text}{BLOCK_GAP}" if text else ""


def _element(el: Any, ctx: _Context) -> str:
    tag = el.tag
    if tag == "p" or tag == "div":  # most elements of a body: plain blocks, tested for first
        ctx.line_start = True
        inner = _children(el, ctx)
        ctx.line_start = True  # whatever follows a block begins a line
        if ctx.attributes and not ctx.list_depth and (align := alignment(el)):
            return _aligned(_block(inner), align)
        return _block(inner)
    if tag == "table":
        return _table(el, ctx)
    if tag == "dl":
        return _definitions(el, ctx)
    if tag == "br":
        ctx.line_start = True
        return "\\\n"
    if tag == "img":
        alt = image_text(" ".join((el.get("alt") or "").split()))
        src = el.get("src") or ""
        title = el.get("title")
        title_part = f' "{title_text(title)}"' if title else ""
        ctx.line_start = ctx.line_start and not src
        return f"![{alt}]({destination(src)}{title_part})" if src else ""
    if tag == "hr":
        ctx.line_start = True
        return f"{BLOCK_GAP}---{BLOCK_GAP}"
    if tag == "pre":
        ctx.line_start = True
        links = pre_links((a.get("href") or "", "".join(a.itertext())) for a in el.iter("a"))
        return f"{BLOCK_GAP}{fenced_code(pre_text(el), code_language(el))}{BLOCK_GAP}{links}"
    if tag in ("ul", "ol"):
        return _list(el, ctx)
    if tag in ("code", "kbd", "samp", "tt"):
        ctx.code = True
        inner = _children(el, ctx)
        ctx.code = False
        if not inner.strip():
            return inner
        if "\\\n" in inner:  # lines (a <br> in a <code>, as wpautop writes them): a span holds one
            ctx.line_start = True
            code = inner.replace("\\\n", "\n").strip("\n")
            return f"{BLOCK_GAP}{fenced_code(code, '')}{BLOCK_GAP}"
        ctx.line_start = False
        tick = "``" if "`" in inner else "`"
        return _wrap(tick, inner) if tick == "`" else f"`` {inner.strip()} ``"
    if tag in FORM_CHOICES:
        return _text(form_choice(el), ctx)
    block = tag in BLOCK
    if block:
        ctx.line_start = tag not in HEADINGS  # a heading's text follows its `#`s
    if tag == "a":
        ctx.link = True
        inner = _children(el, ctx)
        ctx.link = False
    else:
        inner = _children(el, ctx)
    if block:
        ctx.line_start = True
    style = el.get("style") if tag in STYLED_INLINE else None
    if style and "vertical-align" in style:
        tag = script_tag(style) or tag  # Google Docs' superscripts are styled spans
    if tag in ("sup", "sub"):
        children = [c for c in el if isinstance(c.tag, str)]
        outside = (el.text or "").strip() or any((c.tail or "").strip() for c in children)
        link = children[0] if len(children) == 1 and children[0].tag == "a" and not outside else None
        return script(
            "^" if tag == "sup" else "~", text_content(el), link.get("href") if link is not None else ""
        )
    if ctx.code and tag in EMPHASIS:
        return inner  # a code span holds no emphasis: `**Input:**` showed its asterisks
    if (
        tag in EMPHASIS
        and "![" in inner
        and inner.lstrip()[:2] in ("![", "[!")
        and not text_content(el).strip()
    ):
        return inner  # bold pictures: marks around an image only show as text ('**![a](b)**Text')
    if style and says_emphasis(style):
        return styled_emphasis(tag, style, inner, _wrap)
    if tag in MARKED:
        mark = inline_mark(tag, el.get("style") or "", el.get("class") or "")
        return _wrap(mark, inner) if mark else inner
    if tag in ("strong", "b"):
        return _wrap("**", inner)
    if tag in ("em", "i", "cite", "var"):
        return _wrap("*", inner)
    if tag in ("del", "s", "strike"):
        return _wrap("~~", inner)
    if tag == "q":
        return quoted(inner)
    if tag == "a":
        href = el.get("href") or ""
        if not href:
            return inner
        title = el.get("title")
        text = without_final_break(inner)
        if "\n" in text:
            text = _one_line(text)
        # A space that ends (or begins) the link's text stays between its words and the next:
        # `<a>proof-of-concept </a>engagements` lost it.
        lead = " " if inner[:1] == " " else ""
        trail = " " if inner[-1:] == " " else ""
        target = destination(href)
        if text == inline(href) and not title and target == href and "<" not in href and AUTOLINK.match(href):
            return f"{lead}<{href}>{trail}"
        title_part = f' "{title_text(title)}"' if title else ""
        return f"{lead}[{text}]({target}{title_part}){trail}"
    if tag in HEADINGS and next(el.iter("pre"), None) is not None:
        # Code pasted into a heading (`<h1><pre>`, 60 lines of Java): a heading is one line, so its
        # blocks are written as blocks, the code a code block, not a heading of fences and joined lines.
        return _block(inner)
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        text = heading(" ".join(inner.replace("\\\n", " ").split()))
        if not text:
            return ""
        ident = heading_id(el)  # Goldmark's heading attribute keeps the id links point at
        align = alignment(el) if ctx.attributes and el.attrib else ""
        names = ([f"#{ident}"] if ident else []) + ([f".has-text-align-{align}"] if align else [])
        attribute = f" {{{' '.join(names)}}}" if names else ""
        return f"{BLOCK_GAP}{'#' * int(tag[1])} {text}{attribute}{BLOCK_GAP}"
    if tag == "blockquote":
        # Lines of spaces between its blocks are blank lines: one blank line between paragraphs.
        text = "\n".join(line.rstrip(" \t") for line in without_final_break(inner).split("\n"))
        text = squeeze_blank_lines(text)
        if not text:
            return ""
        lines = "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))
        return f"{BLOCK_GAP}{lines}{BLOCK_GAP}"
    if tag == "li":  # an item outside a list (`<ul><blockquote><li>`): a browser shows it as one
        text = without_final_break(inner)
        return f"{BLOCK_GAP}- {text}{BLOCK_GAP}" if text else ""
    if tag in BLOCK:
        if ctx.attributes and not ctx.list_depth and (align := alignment(el)):
            return _aligned(_block(inner), align)
        return _block(inner)
    return inner


# What starts a block other than a paragraph (a list, quote, heading, table, fence, token, rule...).
NOT_A_PARAGRAPH = re.compile(r"[#>|`{*_=~]|[-+](?:\s|$)|\d{1,9}[.)](?:\s|$)|.*ZQX", re.S)


def _aligned(block: str, align: str) -> str:
    """`block` (paragraphs between blank lines) with each paragraph's alignment as a Goldmark block
    attribute (`{.has-text-align-center}`, the block editor's own class, which the theme styles);
    left as it is when it holds anything but paragraphs, which an attribute line could not follow."""
    paragraphs = block.strip("\n").split("\n\n")
    if not paragraphs[0] or any(NOT_A_PARAGRAPH.match(p) for p in paragraphs):
        return block
    line = f"{{.has-text-align-{align}}}"
    return BLOCK_GAP + "\n\n".join(f"{p}\n{line}" for p in paragraphs) + BLOCK_GAP


def to_markdown(root: Any, *, marked: bool = False, attributes: bool = False) -> str:
    """The Markdown of everything inside `root` (the element itself is a container).

    With `marked`, code lines keep their `KEEP` marks for the caller's own clean-ups (see `release`);
    with `attributes`, aligned paragraphs and headings carry their alignment (a body's own Markdown,
    not one flattened to a line).
    """
    text = without_dangling_breaks(_children(root, _Context(attributes)))
    text = squeeze_blank_lines(without_trailing_spaces(text)).strip() + "\n" if text.strip() else ""
    return text if marked else release(text)
