"""Block-editor structures that plain HTML-to-Markdown would flatten: galleries and footnotes.

A Gutenberg gallery (`<figure class="wp-block-gallery">` with nested image figures, the older
`<ul class="blocks-gallery-grid">`, or Jetpack's tiled gallery and slideshow blocks) becomes the
theme's `gallery` shortcode, not a bullet list of images. Block footnotes (`<sup data-fn="…">`
anchors, their text in the item's `footnotes` meta) become Markdown footnotes `[^n]`, numbered in
the order WordPress numbers them. (A cover block's image is `backgrounds`' to keep.)

This module must never fetch anything or emit markup the hacked-content scan has not seen: it runs
on the scanned, link-rewritten tree and reads only from it and the item's meta.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from chalicelib.wordpress.fragment import remove_node, text_content
from chalicelib.wordpress.mdinline import escape_hugo_shortcodes
from chalicelib.wordpress.shortcodes import GalleryImage, Placeholders, gallery_markdown

COLUMNS = re.compile(r"^columns-(\d+)$")
JETPACK_GALLERIES = frozenset({"wp-block-jetpack-tiled-gallery", "wp-block-jetpack-slideshow"})


def _classes(node: Any) -> list[str]:
    return (node.get("class") or "").split()


def _text(node: Any) -> str:
    if node is None:
        return ""
    for br in node.iter("br"):  # a line break parts words ("Cargo, transportationVisit" ran on)
        br.tail = " " + (br.tail or "")
    return " ".join(text_content(node).split())


def _own_caption(node: Any) -> Any:
    return next((c for c in node if c.tag == "figcaption"), None)


def _gallery_image(img: Any, gallery: Any) -> GalleryImage:
    # The caption of one image sits in the nearest figure (or list item) around it, never the gallery's.
    caption = None
    for ancestor in img.iterancestors():
        if ancestor is gallery:
            break
        if ancestor.tag in ("figure", "li"):
            caption = next(iter(ancestor.iter("figcaption")), None)
            break
    return GalleryImage(img.get("src") or "", " ".join((img.get("alt") or "").split()), _text(caption))


def _is_gallery(node: Any) -> bool:
    classes = _classes(node)
    if node.tag == "figure" and "wp-block-gallery" in classes:
        return True
    if node.tag == "ul" and "blocks-gallery-grid" in classes:
        return True
    # WordPress.com and Jetpack sites: the tiled gallery and slideshow blocks are galleries too.
    return node.tag in ("div", "figure") and bool(JETPACK_GALLERIES.intersection(classes))


def _gallery_roots(root: Any) -> list[Any]:
    found: list[Any] = []
    for node in root.iter("figure", "ul", "div"):
        if _is_gallery(node) and not any(a in found for a in node.iterancestors()):
            found.append(node)
    return found


def spaced_file_blocks(root: Any) -> None:
    """A file block's link and its Download button, which its CSS set apart, apart in the text too
    (adjacent, they read as one link: "report.pdfDownload")."""
    for block in root.iter("div"):
        if "wp-block-file" in _classes(block):
            for link in list(block.iter("a"))[:-1]:
                if not link.tail:
                    link.tail = " · "


def galleries_to_shortcodes(root: Any, placeholders: Placeholders, markdown_of: Callable[[Any], str]) -> None:
    """Replaces each block gallery in `root` with the `gallery` shortcode (and its caption after it)."""
    for gallery in _gallery_roots(root):
        images = [_gallery_image(img, gallery) for img in gallery.iter("img") if img.get("src")]
        columns = next((m.group(1) for c in _classes(gallery) if (m := COLUMNS.match(c))), "3")
        caption = _own_caption(gallery)
        parts = [gallery_markdown(images, columns)] if images else []
        if caption is not None and text_content(caption).strip():
            parts.append(" ".join(markdown_of(caption).split()))
        # The token stands in a paragraph of its own: as bare text the writers would fold its
        # surrounding blank lines into spaces and the shortcode would share a line with the text.
        holder = gallery.makeelement("p", {})
        holder.text = placeholders.add("\n\n".join(parts), block=False)
        holder.tail, gallery.tail = gallery.tail, None
        gallery.getparent().replace(gallery, holder)


def _footnote_texts(meta_json: str) -> dict[str, str]:
    try:
        notes = json.loads(meta_json) if meta_json.strip() else []
    except ValueError:
        return {}
    if not isinstance(notes, list):
        return {}
    return {
        str(n["id"]): str(n.get("content") or "")
        for n in notes
        if isinstance(n, dict) and isinstance(n.get("id"), str) and n["id"]
    }


def footnotes_to_markdown(
    root: Any, meta_json: str, placeholders: Placeholders, inline_markdown: Callable[[str], str]
) -> str:
    """Turns each `<sup data-fn>` anchor into `[^n]`; returns the definitions to end the body with.

    WordPress numbers footnotes by first appearance of their anchor; an anchor whose note is not in the
    meta keeps its visible number as plain superscript (nothing is invented for it).
    """
    texts = _footnote_texts(meta_json)
    numbers: dict[str, int] = {}
    for sup in list(root.iter("sup")):
        note = sup.get("data-fn") or ""
        if note not in texts:
            continue
        number = numbers.setdefault(note, len(numbers) + 1)
        sup.tail = placeholders.add(f"[^{number}]", block=False) + (sup.tail or "")
        remove_node(sup)
    definitions = [
        f"[^{n}]: {escape_hugo_shortcodes(inline_markdown(texts[note])) or '&nbsp;'}"
        for note, n in numbers.items()
    ]
    return "\n\n".join(definitions)
