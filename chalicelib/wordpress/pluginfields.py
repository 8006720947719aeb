"""A custom post type's own data, kept by its plugin in hidden fields, named when it is not carried over.

WordPress hides a postmeta key that begins with `_` from the editor: plugins keep their items' data
there. A coupon plugin's code and expiry date (`_wpc_coupon_type_code`), a listing's price: the
converter carries over what it knows (WooCommerce's products, The Events Calendar's and Church Theme
Content's events), and the rest of such an item's page showed its text alone, with "no warnings" for
43 coupons of a real export. Each item of another custom type with such fields gets one
`plugin-fields` warning naming them. Left out: WordPress's own and the page builders', SEO plugins'
and themes' per-page settings (`OWN_PREFIXES`), and values that are settings rather than data (a
flag, an empty value, a serialized array).

This module only names fields; it never writes anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from chalicelib.wordpress.customfields import SETTING_WORDS

#: Types whose fields the converter reads itself, or that are WordPress's own.
READ_TYPES = frozenset(
    {"post", "page", "attachment", "product", "product_variation", "tribe_events", "ctc_event", "ctc_sermon"}
)
#: Hidden keys that are WordPress's, a page builder's, an SEO plugin's or a theme's settings.
OWN_PREFIXES = re.compile(
    r"^_(?:edit_|wp_|thumbnail_id|oembed|elementor|yoast|aioseo|genesis|et_|fl_|vc_|wpb_|menu_item|"
    r"encloseme|pingme|links_to|jetpack|publicize|wpas|dp_|last_editor|customize|seopress|kad|uag|astra|"
    r"generate|ocean|tribe|Event|Venue|Organizer|ctc_|product|price|regular_price|sale_price|sku|stock|"
    r"wc_|woocommerce|sidebar|layout|template|page_|post_|format_|wxr_import|import_|amp_|custom_css|"
    r"mc4wp|kadence|spectra|brizy|themify|avada|fusion|tve_|thrive|qode|mkd|eltd|edge_|cmb|acf|"
    r"field_|fw_|mfn|penci|td_|jnews|breeze|litespeed|wpml|icl_|pll_|translation|lock|revision|bbp_)",
    re.IGNORECASE,
)
#: A theme's per-item look, beside `customfields.SETTING_WORDS` (a portfolio's `_base_color`).
THEME_SETTINGS = re.compile(
    r"opacity|overlay|parallax|font|align|width|height|_css|_video_bg|_audio|slider|_base_colo|_class|"
    r"dimension|^_no_|_count$|last_active|_last_",
    re.I,
)
#: Values that are settings, not an item's data.
SETTING_VALUES = frozenset(
    {"", "0", "1", "on", "off", "yes", "no", "true", "false", "default", "none", "inherit"}
)
#: How many fields a warning names.
NAMED = 6
#: The value ACF keeps in `_name` beside a field `name`: the key of the field's definition, not data.
ACF_FIELD_KEY = re.compile(r"field_[0-9a-f]{8,16}")


def plugin_fields(item_type: str, meta: Mapping[str, str]) -> list[str]:
    """The hidden fields of an item of a custom type that hold its plugin's data, by name."""
    if item_type in READ_TYPES:
        return []
    return sorted(
        key
        for key, value in meta.items()
        if key.startswith("_")
        and not OWN_PREFIXES.match(key)
        and not SETTING_WORDS.search(key)
        and not THEME_SETTINGS.search(key)
        and value.strip().lower() not in SETTING_VALUES
        and not value.lstrip().startswith(("a:", "O:", "{", "["))
        # ACF's reference beside a field carried over (`_year` = field_5ad5cd8d24509 beside `year`):
        # 177 items of two exports were warned of data that was carried over.
        and not (ACF_FIELD_KEY.fullmatch(value.strip()) and key[1:] in meta)
    )


def plugin_fields_note(item_type: str, fields: list[str]) -> str:
    """The `plugin-fields` warning of an item whose `fields` are not carried over."""
    more = f" and {len(fields) - NAMED} more" if len(fields) > NAMED else ""
    return (
        f"items of the type {item_type!r} keep their plugin's data in fields the page does not show "
        f"({', '.join(fields[:NAMED])}{more}): they are not carried over"
    )
