"""A WooCommerce product's variations, listed on the product's page rather than pages of their own.

A variation (`product_variation`: the blue, large hoodie) never had a page in WooCommerce: the shop
showed its choices, price, SKU, stock and picture on its product's page, and its address led there.
So it is read in pass one (small facts: its title, chosen attributes, prices, stock and image id),
and written into its product's `product.variations` front matter, in the shop's order; its id and
addresses lead to the product. Only enabled variations (status `publish`) are listed, as the shop
did; a disabled one (`private`) or one whose product is not in the export is counted and named.

This module must never write files or keep more of a variation than what its product lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.wordpress.products import product_params
from chalicelib.wordpress.wxr import Item, as_int

if TYPE_CHECKING:
    from chalicelib.wordpress.plan import Plan
    from chalicelib.wordpress.report import ConversionReport

VARIATION = "product_variation"
PRODUCT = "product"
# What of a variation's `product` parameters its product's page lists.
LISTED = (
    "sku",
    "price",
    "regular_price",
    "sale_price",
    "sale_from",
    "sale_to",
    "stock_status",
    "stock",
    "backorders",
    "weight",
    "length",
    "width",
    "height",
    "virtual",
    "downloadable",
    "variation_description",
)


@dataclass(frozen=True)
class Variation:
    id: int
    product: int  # its product's id
    title: str
    enabled: bool
    choices: dict[str, str]  # attribute -> value ("Color": "blue"); none means "any"
    facts: dict[str, Any]
    image: int  # its picture's attachment id, 0 for none
    order: int


def read_variation(item: Item, title: str) -> Variation:
    product = product_params(item.type, item.meta, item.terms, lambda _: "", item.repeated_meta)
    params = product.params if product is not None else {}
    return Variation(
        id=item.id,
        product=item.parent,
        title=title,
        enabled=item.status == "publish",
        choices=dict(params.get("variation_attributes", {})),
        facts={key: params[key] for key in LISTED if key in params},
        image=as_int(item.meta.get("_thumbnail_id", "")),
        order=item.menu_order,
    )


def listed(
    variations: list[Variation], image_url: Callable[[int], str], names: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The `variations` of a product's front matter: its enabled variations in the shop's order, a
    choice by its term's name where the product has the term (`names`: slug -> name)."""
    shown = []
    for variation in sorted(variations, key=lambda v: (v.order, v.id)):
        if not variation.enabled:
            continue
        entry: dict[str, Any] = {"title": variation.title}
        if variation.choices:
            entry["attributes"] = {k: (names or {}).get(v, v) for k, v in variation.choices.items()}
        entry.update(variation.facts)
        if variation.image and (url := image_url(variation.image)):
            entry["image"] = url
        shown.append(entry)
    return shown


def settle_variations(variations: dict[int, list[Variation]], plan: Plan, report: ConversionReport) -> None:
    """Counts each variation: listed on its product, disabled, or without a product (named, and its
    product's entry removed from `variations`)."""
    for product_id, found in list(variations.items()):
        placement = plan.placements.get(product_id)
        if placement is not None and placement.type == PRODUCT:
            for variation in found:
                report.count(VARIATION, "listed" if variation.enabled else "disabled")
            continue
        del variations[product_id]
        for variation in found:
            report.count(VARIATION, "orphan")
            report.warn(
                "variation-orphan",
                f"its product ({product_id or 'none named'}) is not a published or draft product of "
                "the export; left out",
                f"{VARIATION} {variation.id} {variation.title!r}",
            )
