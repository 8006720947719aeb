"""An item's custom fields, kept in its front matter (`custom_fields`) instead of lost without a word.

WordPress shows a key of postmeta that does not begin with `_` in the editor's Custom Fields box, and
themes print them: a seafood guide's Latin names and sustainability class, a review site's scores, a
therapist's location (about 80 items of three real exports lost them, with no warning). Hugo keeps
front matter it does not know as the page's params, so `custom_fields` keeps each one where a
template can show it (`.Params.custom_fields.ct_latin_name`), with PHP's serialized arrays as lists
and tables; and the item gets one `custom-fields` warning naming them, as Presslift's theme does not
show them.

Left out: keys beginning with `_` (WordPress's and plugins' own), what the converter reads itself
(SEO, a podcast's enclosure, the block editor's footnotes, a food menu's price), plumbing that
plugins write without an underscore (`PLUMBING`), and a theme's per-page settings (`SETTING_WORDS`:
a sidebar, a layout, a view counter). This module must never write files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chalicelib.wordpress.phpdata import NotPhpData, php_unserialize

#: What the converter reads itself (seo.py, players.py, blocks.py, frontmatter_meta.py).
READ_ELSEWHERE = frozenset({"enclosure", "footnotes", "nova_price"})
#: Keys plugins write without an underscore that hold settings or counters, not the post's content.
PLUMBING = re.compile(
    r"^(?:rank_math_|jetpack|dsq_|amp_|ampforwp|classic-editor|wpex_|ocean_|site-|ast-|theme-|penci_|"
    r"td_|tdc_|ekit_|elementor|eael_|essb_|litespeed|mc4wp|wpb_|vc_|fw_|mfn-|qode_|slide_template|"
    r"panels_data|sharing_disabled|switch_like_status|spay_email|email_notification|"
    r"timeline_notification|jabber_published|geo_|views$|post_views_count|total_sales|sfw_|"
    r"inline_featured_image|wp_|pyre_|sbg_|kt_|_)",
    re.I,
)
#: Words of a theme's per-page settings (a sidebar, a layout, a header image, a view counter).
SETTING_WORDS = re.compile(
    r"sidebar|layout|disable|header|footer|template|views?_count|_color|colou?r_|_style|padding|margin|"
    r"featured_image|_bg|background|hide_|show_|breadcrumb|menu_|page_title",
    re.I,
)
#: A value longer than this is left out (a page builder's data blob, not a field a theme prints).
MAX_VALUE_CHARS = 10_000
MAX_FIELDS = 50
#: How many field names the warning names.
SHOWN = 5


def custom_fields(meta: Mapping[str, str]) -> dict[str, Any]:
    """The item's custom fields (key -> value: text, a number as written, a list or a table)."""
    found: dict[str, Any] = {}
    for key, raw in meta.items():
        if len(found) >= MAX_FIELDS:
            break
        if key in READ_ELSEWHERE or PLUMBING.match(key) or SETTING_WORDS.search(key):
            continue
        if not raw.strip() or len(raw) > MAX_VALUE_CHARS:
            continue
        value = _value(raw)
        if value not in (None, "", [], {}):
            found[key] = value
    return found


def fields_note(fields: Mapping[str, Any]) -> str:
    """The `custom-fields` warning's text for an item that kept `fields`."""
    names = list(fields)
    more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return (
        f"custom fields kept in the front matter's custom_fields, which Presslift's theme does not show: "
        f"{', '.join(names[:SHOWN])}{more}"
    )


def _value(raw: str) -> Any:
    text = raw.strip()
    if text[:2] in ("a:", "s:", "i:", "b:", "d:"):
        try:
            return _plain(php_unserialize(text))
        except NotPhpData:
            pass
    return text


def _plain(value: Any) -> Any:
    """A PHP value as front matter holds it: an array with keys 0..n as a list."""
    if isinstance(value, dict):
        items = {key: _plain(item) for key, item in value.items()}
        if list(items) == list(range(len(items))):
            return list(items.values())
        return {str(key): item for key, item in items.items()}
    return value
