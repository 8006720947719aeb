"""A block-editor image with a caption, and any image aligned left, right or centre, as the theme's
`caption` shortcode.

The image block saves `<figure class="wp-block-image"><img><figcaption>…</figcaption></figure>` (the
image linked or not, the figure aligned by an `alignleft`/`alignright`/`aligncenter` class): as
Markdown alone the caption would be a paragraph of its own under the picture, no longer its caption.
Such a figure, one image and its caption with nothing else in it, becomes the same `caption` shortcode
the classic editor's `[caption]` does (src, alt, link, caption as inline Markdown, alignment class,
width), so both render as one figure with its figcaption. Galleries are converted before this runs.

An image aligned without a caption (a block `<figure class="wp-block-image alignleft">`, a classic
`<img class="alignright">` at the start of a paragraph) becomes the same shortcode with no caption:
as Markdown alone its alignment was lost, and with it the text wrapping around the picture.

This module must never fetch anything or emit markup the hacked-content scan has not seen: it runs
on the scanned, link-rewritten tree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.wordpress.fragment import text_content
from chalicelib.wordpress.shortcodes import Placeholders, hugo_shortcode

ALIGN_CLASSES = ("alignleft", "alignright", "aligncenter")


def _picture_and_caption(figure: Any) -> tuple[Any, Any] | None:
    """The figure's one image and its caption, when it holds those and nothing else but a link."""
    caption = next((child for child in figure if child.tag == "figcaption"), None)
    others = [child for child in figure if child is not caption]
    if caption is None or len(others) != 1:
        return None  # other content (a player, a second block) stays as Markdown writes it
    image = others[0]
    if image.tag == "a" and len(image) == 1:
        image = image[0]
    if image.tag != "img" or not image.get("src"):
        return None
    if " ".join(text_content(figure).split()) != " ".join(text_content(caption).split()):
        return None
    return image, caption


def captioned_images_to_shortcodes(
    root: Any, placeholders: Placeholders, markdown_of: Callable[[Any], str]
) -> None:
    """Replaces each captioned image figure below `root` with the `caption` shortcode."""
    for figure in list(root.iter("figure")):
        found = _picture_and_caption(figure)
        if found is None:
            continue
        image, caption = found
        link = image.getparent() if image.getparent().tag == "a" else None
        classes = set((figure.get("class") or "").split())
        holder = figure.getparent()
        if holder is not None and holder.tag == "div":  # older blocks: <div class="wp-block-image alignx">
            classes |= set((holder.get("class") or "").split())
        width = image.get("width") or ""
        params = {
            "src": image.get("src") or "",
            "alt": " ".join((image.get("alt") or "").split()),
            "link": link.get("href") or "" if link is not None else "",
            "caption": " ".join(markdown_of(caption).split()),
            "class": next((name for name in ALIGN_CLASSES if name in classes), ""),
            "width": width if width.isdigit() else "",
        }
        # The token stands in a paragraph of its own, as the galleries' do (see blocks.py).
        paragraph = figure.makeelement("p", {})
        paragraph.text = placeholders.add(hugo_shortcode("caption", params), block=False)
        paragraph.tail, figure.tail = figure.tail, None
        figure.getparent().replace(figure, paragraph)
    for image in list(root.iter("img")):
        aligned = _aligned_image(image)
        if aligned is not None:
            _replace_with_text(
                aligned[0], placeholders.add(hugo_shortcode("caption", aligned[1]), block=False)
            )


def _aligned_image(image: Any) -> tuple[Any, dict[str, str]] | None:
    """An image aligned without a caption (see the module's docstring): what stands for it (the image,
    its link, or the figure holding them and nothing else) and the shortcode's parameters."""
    if image.getparent() is None or not image.get("src"):
        return None
    link = image.getparent() if image.getparent().tag == "a" and len(image.getparent()) == 1 else None
    outer = link if link is not None else image
    holder = outer.getparent()
    figure = holder if holder is not None and holder.tag == "figure" and len(holder) == 1 else None
    if holder is not None and holder.tag == "figure" and figure is None:
        return None  # a figure with more in it (a caption the pass above did not take): as it is
    classes = set((image.get("class") or "").split()) | set(
        ((figure if figure is not None else image).get("class") or "").split()
    )
    align = next((name for name in ALIGN_CLASSES if name in classes), "")
    if (
        not align
        or (link is not None and (link.text or "").strip())
        or (figure is not None and (figure.text or "").strip())
    ):
        return None
    width = image.get("width") or ""
    params = {
        "src": image.get("src") or "",
        "alt": " ".join((image.get("alt") or "").split()),
        "link": link.get("href") or "" if link is not None else "",
        "class": align,
        "width": width if width.isdigit() else "",
    }
    return (figure if figure is not None else outer), params


def _replace_with_text(node: Any, text: str) -> None:
    """`node` out of the tree, `text` (and its tail) where it was."""
    parent, previous = node.getparent(), node.getprevious()
    joined = text + (node.tail or "")
    if previous is not None:
        previous.tail = (previous.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(node)
