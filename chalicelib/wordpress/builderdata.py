"""Pages a page builder keeps in its own data rather than in the post's content.

Most builders save the page's HTML, or the shortcodes it is made of, in `post_content`, where the
conversion reads it (`pagebuilders` unwraps the shortcodes). Some keep it only in their own meta
(Oxygen, Bricks, Breakdance, Brizy, Thrive Architect), and Elementor, Beaver Builder, SiteOrigin and
Visual Composer leave `post_content` empty until they save a rendition into it (an imported theme
demo has none). Such a page was published blank, without a word. Now a page with no content of its
own is written from Elementor's data when it has it (`elementor`), and otherwise gets a
`page-builder` warning naming the builder whose data holds it, so nobody finds the blank page first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from chalicelib.wordpress.elementor import elementor_html

# Meta a builder keeps a page in, by the builder's name (checked in this order).
BUILDER_META = {
    "_elementor_data": "Elementor",
    "ct_builder_shortcodes": "Oxygen",
    "_ct_builder_json": "Oxygen",
    "_bricks_page_content_2": "Bricks",
    "_breakdance_data": "Breakdance",
    "brizy": "Brizy",
    "tve_updated_post": "Thrive Architect",
    "_fl_builder_data": "Beaver Builder",
    "panels_data": "SiteOrigin Page Builder",
    "vcv-pageContent": "Visual Composer",
}
TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
# A builder's data that holds no page: an empty PHP array, JSON list or object, an empty string.
EMPTY_DATA = frozenset({"a:0:{}", "[]", "{}", 's:0:"";', "null"})
# Where a builder says whether it is on for the page (Beaver Builder's "1"): off, its data is left behind.
ENABLED_META = {"Beaver Builder": "_fl_builder_enabled"}
SHOWS_SOMETHING = re.compile(r"<(?:img|video|audio|iframe|object|embed|svg)\b|\[", re.I)


def builder_body(content: str, meta: Mapping[str, str], warn: Callable[[str, str], None]) -> str:
    """`content`, unless it shows nothing and a page builder holds the page (see the docstring)."""
    # The builder first (a few lookups): most items have none, and their bodies are not read twice.
    key, builder = next(
        ((k, b) for k, b in BUILDER_META.items() if meta.get(k, "").strip() not in ("", *EMPTY_DATA)),
        ("", ""),
    )
    if builder in ENABLED_META and meta.get(ENABLED_META[builder], "1").strip() != "1":
        return content  # switched off for the page (a theme demo's staff pages: '' with a:0:{})
    if not builder or TAG.sub("", content).replace("&nbsp;", "").strip() or SHOWS_SOMETHING.search(content):
        return content
    if builder == "Elementor":
        if meta.get("_elementor_edit_mode") != "builder":
            return content  # its data left behind by a page switched back to WordPress's editor
        return elementor_html(meta[key], warn) or content
    warn(
        "page-builder",
        f"laid out with {builder}, which keeps this page in its own data ({key}), not in the post's "
        "content; Presslift cannot read it, so the page is written empty: copy its text in, or save "
        "it from a builder that writes the page into the post (most do, on saving)",
    )
    return content
