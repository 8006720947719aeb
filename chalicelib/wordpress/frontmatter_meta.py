"""Front matter that plugins kept in an item's meta: SEO titles and descriptions, WooCommerce products
(and Jetpack food menu prices), The Events Calendar's events.

One call from the writer gathers them (see `seo`, `products` and `events` for the rules of each); what
a product loses on the way is reported through `warn`, key by key.

This module must never write files or read anything but the item and the facts it is given.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from chalicelib.wordpress.events import EventPlaces
from chalicelib.wordpress.pluginfields import plugin_fields, plugin_fields_note
from chalicelib.wordpress.products import product_params
from chalicelib.wordpress.seo import SeoFacts, seo_params
from chalicelib.wordpress.wxr import Item

#: Jetpack's food menu item, whose `nova_price` is its price as the menu showed it ("€24").
FOOD_MENU_ITEM = "nova_menu_item"


def plugin_params(
    item: Item,
    *,
    title: str,
    excerpt: str,
    site_title: str,
    site_description: str,
    author: str,
    media_url: Callable[[int], str],
    warn: Callable[[str, str], None],
    events: EventPlaces | None = None,
) -> dict[str, Any]:
    """The `seo_title`, `description`, `noindex`, `product` and `event` parameters of `item` (those it
    has); `events`: the export's venues and organizers, which an event names."""
    category = next((t.name for t in item.terms if t.taxonomy == "category" and t.name), "")
    facts = SeoFacts(title, site_title, site_description, excerpt, html.unescape(category), author)
    params = seo_params(item.meta, facts)
    product = product_params(item.type, item.meta, item.terms, media_url, item.repeated_meta)
    if product is not None:
        params["product"] = product.params
        if product.dropped:
            warn("product-meta-dropped", "WooCommerce data not carried over: " + ", ".join(product.dropped))
    elif item.type == FOOD_MENU_ITEM and (price := " ".join(item.meta.get("nova_price", "").split())):
        # Jetpack's food menu (a restaurant theme's dishes): its price, shown as a product's is.
        params["product"] = {"price": html.unescape(price)}
    event = events.event(item, warn) if events is not None else None
    if event is not None:
        params["event"] = event
    if fields := plugin_fields(item.type, item.meta):
        warn("plugin-fields", plugin_fields_note(item.type, fields))
    return params
