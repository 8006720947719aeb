"""What an element's attributes and style say about how a browser shows it, in Markdown's terms.

Markdown has tags' meanings only, but WordPress posts often say it with style: text pasted from Google
Docs or Word is bold, italic, struck, raised or lowered by its spans' style, not its tags; the block
editor numbers a list in letters or counts it down with attributes and a list-style, and centers
text with a class where the classic editor used a style. The writers (markdown.py, rare_markdown.py)
ask here, so both read an element the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# Inline tags whose style can make or unmake emphasis (text pasted from Google Docs or Word).
STYLED_INLINE = frozenset(["b", "strong", "em", "i", "span", "font"])
FONT_WEIGHT = re.compile(r"font-weight\s*:\s*([a-z]+|\d+)", re.I)
FONT_STYLE = re.compile(r"font-style\s*:\s*([a-z]+)", re.I)
VERTICAL_ALIGN = re.compile(r"vertical-align\s*:\s*(super|sub)\b", re.I)
UNDERLINE = re.compile(r"text-decoration(?:-line)?\s*:[^;]*\bunderline\b", re.I)
# A background a browser does not show: `transparent`, an rgba/hsla of alpha 0, #rgb0 or #rrggbb00.
TRANSPARENT_BACKGROUND = re.compile(
    r"background(?:-color)?\s*:\s*(?:transparent|(?:rgba|hsla)\([^)]*[,/]\s*0(?:\.0*)?%?\s*\)"
    r"|#(?:[0-9a-f]{3}0|[0-9a-f]{6}00))\s*(?:;|$|!)",
    re.I,
)


# How a block is aligned: the block editor's class, the classic editor's style, HTML's attribute.
ALIGN_CLASS = re.compile(r"\bhas-text-align-(center|right|justify)\b")
TEXT_ALIGN = re.compile(r"text-align\s*:\s*(center|right|justify)\b", re.I)
ALIGNMENTS = frozenset(["center", "right", "justify"])

# How a list's style names the numbering that `<ol type>` names.
LIST_STYLE_TYPES = {
    "upper-alpha": "A",
    "upper-latin": "A",
    "lower-alpha": "a",
    "lower-latin": "a",
    "upper-roman": "I",
    "lower-roman": "i",
}
LIST_STYLE = re.compile(rf"list-style(?:-type)?\s*:[^;]*?\b({'|'.join(LIST_STYLE_TYPES)})\b")


def styled_emphasis(tag: str, style: str, inner: str, wrap: Callable[[str, str], str]) -> str:
    """`inner` with the emphasis a browser shows for `tag` with `style`: what the style says wins.

    Text pasted from Google Docs comes as `<b style="font-weight:normal">` around everything, with
    `<span style="font-weight:700">` and `font-style:italic` for what the writer made bold or italic:
    as the tags alone say, a whole post would be bold and its bold words plain.
    """
    bold = tag in ("b", "strong")
    italic = tag in ("em", "i")
    found = FONT_WEIGHT.search(style)
    if found:
        weight = found.group(1).lower()
        bold = weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600)
    found = FONT_STYLE.search(style)
    if found:
        italic = found.group(1).lower() in ("italic", "oblique")
    text = wrap("*", inner) if italic else inner
    text = wrap("**", text) if bold else text
    text = wrap("~~", text) if "line-through" in style else text
    return wrap("++", text) if UNDERLINE.search(style) else text  # the classic editor's underline


def says_emphasis(style: str) -> bool:
    """Whether an inline element's style may make or unmake emphasis (see `styled_emphasis`)."""
    return "font-" in style or "line-through" in style or "underline" in style


def inline_mark(tag: str, style: str, classes: str) -> str:
    """Hugo's `==` (mark) or `++` (insert) for a `<mark>`, `<ins>` or `<u>` (Goldmark extras, which the
    site's hugo.toml enables; browsers show `<u>` underlined, as `<ins>`), or "" for none.

    The block editor's text colour is a `<mark>` too, with a transparent background: that one is only
    coloured text, which Markdown cannot keep, so it is written as its text. Its highlight has a
    background of its own (a colour in its style, or a `has-*-background-color` class)."""
    if tag != "mark":
        return "++" if tag in ("ins", "u") else ""
    if TRANSPARENT_BACKGROUND.search(style) and "-background-color" not in classes:
        return ""
    return "=="


def script_tag(style: str) -> str:
    """ "sup" or "sub" when `style` raises or lowers the text (`vertical-align: super`), else ""."""
    found = VERTICAL_ALIGN.search(style)
    return found.group(1).lower().replace("super", "sup") if found else ""


def list_attributes(el: Any) -> str:
    """A numbered list's countdown (`reversed`) and letters or Roman numerals (`type`, or the
    list-style-type the block editor writes) as a Goldmark block attribute line (`{reversed=true
    type=A}`, which the site's hugo.toml turns on), or "" for a plain list. Markdown has neither."""
    attributes = ["reversed=true"] if el.get("reversed") is not None else []
    if attributes and (el.get("start") or "").strip() == "1":
        attributes.append('start="1"')  # Goldmark writes no start of 1, and a countdown's default differs
    kind = el.get("type") or ""
    if kind not in ("A", "a", "I", "i"):
        found = LIST_STYLE.search(el.get("style") or "")
        kind = LIST_STYLE_TYPES[found.group(1)] if found else ""
    if kind:
        attributes.append(f"type={kind}")
    return "{" + " ".join(attributes) + "}" if attributes else ""


def _centered_image(el: Any) -> bool:
    """Whether `el` holds nothing but an image (linked or not) that the classic editor centered."""
    if len(el) != 1 or el[0].tag not in ("img", "a") or (el.text or "").strip() or (el[0].tail or "").strip():
        return False
    image = el[0]
    if image.tag == "a" and len(image) == 1 and not (image.text or "").strip():
        image = image[0]
    return image.tag == "img" and "aligncenter" in (image.get("class") or "").split()


def alignment(el: Any) -> str:
    """ "center", "right" or "justify" when the block `el` shows its lines so (the block editor's
    `has-text-align-*` class, the classic editor's `text-align` style, HTML's `align`, a block
    image's `aligncenter`, a paragraph of one centered image); "" for the default, left."""
    classes = el.get("class")
    if classes and "align" in classes:
        found = ALIGN_CLASS.search(classes)
        if found:
            return found.group(1)
        if el.tag in ("figure", "div") and "aligncenter" in classes.split():
            return "center"
    style = el.get("style")
    if style and "text-align" in style:
        found = TEXT_ALIGN.search(style)
        if found:
            return found.group(1).lower()
    align = str(el.get("align") or "").lower()
    if align in ALIGNMENTS:
        return align
    return "center" if el.tag == "p" and len(el) == 1 and _centered_image(el) else ""


def quoted(inner: str) -> str:
    """`<q>`: browsers show its text between quotation marks, which Markdown has no mark for."""
    text = inner.strip()
    if not text:
        return inner
    start = inner.index(text[0])
    return f"{inner[:start]}“{text}”{inner[start + len(text) :]}"
