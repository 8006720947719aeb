"""Lazy-loaded images as the images they stand for.

Content pasted from other sites, imported from other platforms, or saved by some lazy-loading and page
builder plugins keeps the real image in an attribute that a script swaps in (`data-src`,
`data-lazy-src`, `data-original`, ...) and a placeholder in `src`: a one-pixel `data:` GIF or a
spinner. A converted page has no such script, so it showed the placeholder, and the real image was
neither fetched nor counted. The real address becomes `src`; the `<noscript>` copy such plugins put
beside the image for browsers without scripts is dropped, as it would show the image twice (after the
image, as WP Rocket writes it; before it, as Squarespace does, when it shows the same address).

This module must never add an image or take an address from anything but those attributes.
"""

from __future__ import annotations

from typing import Any

from chalicelib.wordpress.fragment import remove_node

# Where lazy-loading scripts keep an image's address (lazysizes, WP Rocket, a3 Lazy Load, jQuery
# Lazy Load, Echo), most specific first.
LAZY_SOURCES = ("data-lazy-src", "data-src", "data-original", "data-lazy", "data-echo")
LAZY_EXTRAS = ("data-srcset", "data-lazy-srcset", "data-sizes", "data-lazy-sizes")


def _address(value: str | None) -> str:
    """`value` when it is an address a page may load an image from (a web URL or a path), else ""."""
    text = (value or "").strip()
    if ":" in text.split("/", 1)[0] and not text.lower().startswith(("http:", "https:")):
        return ""  # data:, javascript:, blob: and the like
    return text


def unlazy_images(root: Any) -> None:
    """Gives every lazy-loaded image below `root` its real address."""
    for img in list(root.iter("img")):
        real = next((address for name in LAZY_SOURCES if (address := _address(img.get(name)))), "")
        if not real:
            continue
        img.set("src", real)
        for name in (*LAZY_SOURCES, *LAZY_EXTRAS):
            img.attrib.pop(name, None)
        fallback = img.getnext()
        if fallback is not None and fallback.tag == "noscript" and _only_images(fallback):
            remove_node(fallback)
        # Squarespace puts its copy before the image: dropped when it shows the same image.
        fallback = img.getprevious()
        if (
            fallback is not None
            and fallback.tag == "noscript"
            and _only_images(fallback)
            and all(_address(copy.get("src")) == real for copy in fallback)
        ):
            remove_node(fallback)


def _only_images(node: Any) -> bool:
    """Whether `node` holds images and nothing else but white space."""
    if (node.text or "").strip():
        return False
    return all(child.tag == "img" and not (child.tail or "").strip() for child in node)
