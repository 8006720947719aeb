"""WooCommerce products (`product`, `product_variation`) as a `product` map in the item's front matter.

Kept: SKU, prices (regular, sale, current, sale dates, a variable product's price range), stock
(status, quantity when managed, backorders), weight and dimensions, attributes (from the
PHP-serialized `_product_attributes` meta, with the values of taxonomy attributes read from the
item's `pa_*` terms), a variation's own attribute choices, the product type, external products' URL
and button text, and the image gallery.
Every other WooCommerce meta key the item carries is named in `dropped`, so the report can say
exactly what did not come across.

This module must never run PHP, fetch anything, or invent a value the export does not hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.wordpress.phpdata import NotPhpData, php_unserialize
from chalicelib.wordpress.wxr import Term

PRODUCT_TYPES = frozenset({"product", "product_variation"})
# meta key -> front-matter key, copied as text when not empty.
PLAIN = {
    "_sku": "sku",
    "_price": "price",
    "_regular_price": "regular_price",
    "_sale_price": "sale_price",
    "_stock_status": "stock_status",
    "_backorders": "backorders",
    "_weight": "weight",
    "_length": "length",
    "_width": "width",
    "_height": "height",
    "_product_url": "url",
    "_button_text": "button_text",
    "_tax_status": "tax_status",
    "_tax_class": "tax_class",
    "_variation_description": "variation_description",
    "_purchase_note": "purchase_note",
}
FLAGS = {"_virtual": "virtual", "_downloadable": "downloadable", "_sold_individually": "sold_individually"}
DATES = {"_sale_price_dates_from": "sale_from", "_sale_price_dates_to": "sale_to"}
HANDLED = frozenset(
    {*PLAIN, *FLAGS, *DATES, "_stock", "_manage_stock", "_product_attributes", "_product_image_gallery"}
    | {"_thumbnail_id", "_edit_lock", "_edit_last", "_wp_old_slug", "_wp_old_date", "_product_version"}
)
# Keys WooCommerce writes that are its own (the rest of an item's meta belongs to other plugins).
WOO_KEY = re.compile(
    r"^(?:_(?:sku|price|regular_price|sale_price.*|stock.*|manage_stock|backorders|weight|length|width|"
    r"height|product_.*|button_text|tax_.*|variation_description|purchase_note|virtual|downloadable.*|"
    r"download_.*|sold_individually|low_stock_amount|upsell_ids|crosssell_ids|children|default_attributes|"
    r"wc_.*)|total_sales|attribute_.*)$"
)


@dataclass
class Product:
    params: dict[str, Any] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)


def _attribute_label(name: str) -> str:
    bare = name[3:] if name.startswith("pa_") else name
    return " ".join(bare.replace("-", " ").replace("_", " ").split()).capitalize() or name


def _no_attributes(meta: dict[str, str]) -> bool:
    """Whether `_product_attributes` is readable and holds none (`a:0:{}`, a simple product's)."""
    try:
        return php_unserialize(meta.get("_product_attributes", "")) in ({}, [], None, "")
    except NotPhpData:
        return False


def _attributes(meta: dict[str, str], terms: list[Term]) -> list[dict[str, Any]]:
    raw = meta.get("_product_attributes", "").strip()
    if not raw:
        return []
    try:
        data = php_unserialize(raw)
    except NotPhpData:
        return []
    if not isinstance(data, dict):
        return []
    attributes: list[tuple[int, dict[str, Any]]] = []
    for key, spec in data.items():
        if not isinstance(spec, dict):
            continue
        name = str(spec.get("name") or key)
        if spec.get("is_taxonomy"):
            values = [t.name for t in terms if t.taxonomy == name and t.name]
            label = _attribute_label(name)
        else:
            values = [v.strip() for v in str(spec.get("value") or "").split("|") if v.strip()]
            label = name
        position = spec.get("position")
        attribute = {
            "name": label,
            "values": values,
            "visible": bool(spec.get("is_visible")),
            "variation": bool(spec.get("is_variation")),
        }
        attributes.append((position if isinstance(position, int) else 0, attribute))
    return [a for _, a in sorted(attributes, key=lambda pair: pair[0])]


def _price_range(prices: list[str]) -> tuple[str, str] | None:
    numbers = []
    for price in prices:
        try:
            numbers.append((float(price), price.strip()))
        except ValueError:
            continue
    if len(numbers) < 2:
        return None
    return min(numbers)[1], max(numbers)[1]


def product_params(
    item_type: str,
    meta: dict[str, str],
    terms: list[Term],
    media_url: Callable[[int], str],
    repeated_meta: dict[str, list[str]] | None = None,
) -> Product | None:
    """The `product` front matter of a WooCommerce item (None for any other item)."""
    if item_type not in PRODUCT_TYPES:
        return None
    product = Product()
    params = product.params
    for key, name in PLAIN.items():
        if meta.get(key, "").strip():
            params[name] = meta[key].strip()
    # A variable product carries one `_price` per variation price: keep the range, as its shop page shows.
    price_range = _price_range((repeated_meta or {}).get("_price", []))
    if price_range is not None:
        params["price_min"], params["price_max"] = price_range
    for key, name in FLAGS.items():
        if meta.get(key, "").strip() == "yes":
            params[name] = True
    for key, name in DATES.items():
        if meta.get(key, "").strip().isdigit():
            params[name] = int(meta[key].strip())
    if meta.get("_manage_stock", "").strip() == "yes" and meta.get("_stock", "").strip():
        stock = meta["_stock"].strip()
        params["stock"] = int(float(stock)) if re.fullmatch(r"-?\d+(?:\.0+)?", stock) else stock
    type_terms = [t.slug or t.name for t in terms if t.taxonomy == "product_type"]
    if type_terms:
        params["type"] = type_terms[0]
    attributes = _attributes(meta, terms)
    if attributes:
        params["attributes"] = attributes
    chosen = {
        _attribute_label(key[len("attribute_") :]): value.strip()
        for key, value in sorted(meta.items())
        if key.startswith("attribute_") and value.strip()
    }
    if chosen:
        params["variation_attributes"] = chosen
    gallery = [
        url
        for part in meta.get("_product_image_gallery", "").split(",")
        if part.strip().isdigit() and (url := media_url(int(part)))
    ]
    if gallery:
        params["gallery"] = gallery
    if meta.get("_product_attributes", "").strip() and not attributes and not _no_attributes(meta):
        product.dropped.append("_product_attributes (not readable PHP data)")
    product.dropped += sorted(
        key
        for key, value in meta.items()
        if value.strip() and WOO_KEY.match(key) and key not in HANDLED and not key.startswith("attribute_")
    )
    return product
