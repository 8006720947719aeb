"""A block-editor image with a caption as the theme's `caption` shortcode.

The image block saves `<figure class="wp-block-image"><img><figcaption>…</figcaption></figure>` (the
image linked or not, the figure aligned by an `alignleft`/`alignright`/`aligncenter` class): as
Markdown alone the caption would be a paragraph of its own under the picture, no longer its caption.
Such a figure, one image and its caption with nothing else in it, becomes the same `caption` shortcode
the classic editor's `[caption]` does (src, alt, link, caption as inline Markdown, alignment class,
width), so both render as one figure with its figcaption. Galleries are converted before this runs.

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
