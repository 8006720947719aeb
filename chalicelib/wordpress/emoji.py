"""Emoji and smilies that a post holds as pictures become the characters they picture.

WordPress draws emoji and `:)`-style smilies as images when it shows a post (`<img class="emoji"
alt="😀" src="https://s.w.org/images/core/emoji/...">`, `<img class="wp-smiley" alt=":)"
src=".../wp-includes/images/smilies/...">`), and those images reach `post_content` when a post is
pasted from a page, written in another editor, or imported from another blog. As images they would
keep loading from WordPress.org's servers or from `wp-includes` on the old host, which the new site
does not have: each becomes its alt text, the emoji itself or the smiley as typed.

This module never fetches anything.
"""

from __future__ import annotations

from typing import Any

from chalicelib.wordpress.fragment import remove_node

CLASSES = frozenset({"emoji", "wp-smiley"})
# Where WordPress's own emoji and smiley images are served from.
PATHS = ("/images/core/emoji/", "/wp-includes/images/smilies/")


def may_have_emoji_images(html_text: str) -> bool:
    """A cheap look at the body's text before the tree is walked."""
    return "emoji" in html_text or "smil" in html_text


def emoji_images_to_text(root: Any) -> None:
    """Replaces each emoji or smiley image below `root` with its alt text."""
    for img in list(root.iter("img")):
        classes = set((img.get("class") or "").split())
        src = img.get("src") or ""
        if not (classes & CLASSES or any(path in src for path in PATHS)):
            continue
        img.tail = (img.get("alt") or "").strip() + (img.tail or "")
        remove_node(img)
