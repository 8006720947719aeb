"""WooCommerce's pages that work only on its server: the cart, the checkout, a customer's account
pages and the order tracking form, each of which needs a visitor's session, basket or account.

A static site can have none of them. Written as they were, they showed their shortcode as text
(`[woocommerce_cart]` on a page titled "Cart", in three real theme demo imports), or, as blocks, an
empty basket's "Your cart is currently empty!" and its buttons. Each is left out with a `shop-page`
warning; a page that held nothing else is written as a draft (convert.py), as WordPress without
WooCommerce would show a title alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: The shortcodes, and what each showed.
SHOP_PAGES = {
    "woocommerce_cart": "cart",
    "woocommerce_checkout": "checkout",
    "woocommerce_my_account": "account pages",
    "woocommerce_order_tracking": "order tracking form",
}
#: The warning's code, by which the item's writer knows what was left out.
SHOP_PAGE = "shop-page"
#: The cart and checkout blocks (WooCommerce 8.3's default pages), with every block inside each, and
#: the classic-shortcode block that stands for a shortcode above.
SHOP_BLOCKS = re.compile(
    r"<!--\s*wp:woocommerce/(?P<name>cart|checkout)\b[^>]*?(?:/-->|-->.*?<!--\s*/wp:woocommerce/(?P=name)\s*-->)"
    r'|<!--\s*wp:woocommerce/classic-shortcode\s+\{[^}]*"shortcode"\s*:\s*"(?P<classic>cart|checkout|'
    r'my-account|order-tracking)"[^}]*\}\s*/-->',
    re.S,
)


def shop_note(shortcode: str) -> str:
    """The warning for one of `SHOP_PAGES` left out."""
    return (
        f"[{shortcode}] (WooCommerce's {SHOP_PAGES[shortcode]}) is left out: it works only on a "
        "WordPress server, with a visitor's basket and account; link to where the shop now is instead"
    )


def without_shop_blocks(text: str, warn: Callable[[str, str], None]) -> str:
    """`text` (block editor content) without WooCommerce's cart and checkout blocks, each warned."""
    if "wp:woocommerce/" not in text:
        return text

    def drop(match: re.Match[str]) -> str:
        name = match.group("name") or match.group("classic")
        warn(SHOP_PAGE, shop_note("woocommerce_" + name.replace("-", "_")))
        return ""

    return SHOP_BLOCKS.sub(drop, text)
