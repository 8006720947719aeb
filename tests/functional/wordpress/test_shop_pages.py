"""WooCommerce's cart, checkout, account pages and order tracking work only on its server: a page
that is one of them and nothing else is written as a draft, one with more keeps the rest, and each is
named in a `shop-page` warning (three real theme demo imports published "Cart" showing
"[woocommerce_cart]"). The fidelity benchmark's reading of an export expects no such page."""

from __future__ import annotations

import frontmatter

from bench.fidelity.export import read_export
from chalicelib.wordpress import convert_export
from tests.functional.wordpress.wxr_items import SITE, item, write_export

CART_BLOCKS = (
    '<!-- wp:woocommerce/cart -->\n<div class="wp-block-woocommerce-cart alignwide is-loading">'
    "<!-- wp:woocommerce/empty-cart-block -->\n<div>\n<!-- wp:heading -->\n"
    "<h2>Your cart is currently empty!</h2>\n<!-- /wp:heading --></div>\n"
    "<!-- /wp:woocommerce/empty-cart-block --></div>\n<!-- /wp:woocommerce/cart -->"
)
ITEMS = [
    item("Cart", post_id=5, post_type="page", slug="cart", content="[woocommerce_cart]"),
    item("Basket", post_id=6, post_type="page", slug="basket", content=CART_BLOCKS),
    item(
        "Account",
        post_id=7,
        post_type="page",
        slug="my-account",
        content="<!-- wp:paragraph --><p>Welcome back.</p><!-- /wp:paragraph -->\n"
        '<!-- wp:woocommerce/classic-shortcode {"shortcode":"my-account"} /-->',
    ),
    item(
        "Checkout",
        post_id=9,
        post_type="page",
        slug="checkout",
        content="<!-- wp:shortcode -->\n[woocommerce_checkout]\n<!-- /wp:shortcode -->",
    ),
    item("Help", post_id=8, post_type="page", slug="help", content="Ask us.\n[woocommerce_order_tracking]"),
]


def test_shop_pages_are_left_out_and_named(tmp_path):
    export = write_export(tmp_path / "export.xml", ITEMS)
    report = convert_export(export, tmp_path / "site")
    content = tmp_path / "site" / "content"
    for slug in ("cart", "basket", "checkout"):
        page = frontmatter.load(content / slug / "index.md")
        assert page["draft"] is True and page.content.strip() == "", slug
    for slug, kept in (("my-account", "Welcome back."), ("help", "Ask us.")):
        page = frontmatter.load(content / slug / "index.md")
        assert page["draft"] is False and page.content.strip() == kept, slug
    said = [(w.item, w.message) for w in report.warnings if w.code == "shop-page"]
    assert ("page 5 'Cart'", "nothing else is on the page: written as a draft, not published") in said
    assert any(
        message.startswith("[woocommerce_cart] (WooCommerce's cart) is left out") for _, message in said
    )
    assert sum("written as a draft" in message for _, message in said) == 3
    assert {w.code for w in report.warnings} == {"shop-page"}
    assert report.counts["page/shop-draft"] == 3 and report.counts["page/published"] == 2
    # The benchmark's own reading: a page that is a shop page alone is not one WordPress's site had
    # for a static copy to keep.
    public = {i.slug for i in read_export(export).public_items}
    assert public == {"my-account", "help"}


def test_a_food_menu_items_price_is_shown_as_a_products(tmp_path, hugo_build):
    # Jetpack's food menu (a restaurant theme's demo): 28 dishes lost their prices, with nothing said.
    dish = item(
        "Langoustine",
        post_id=290,
        post_type="nova_menu_item",
        slug="langoustine",
        link=f"{SITE}/item/langoustine/",
        meta=(("nova_price", "€24"),),
        content="Courgette flower",
    )
    convert_export(write_export(tmp_path / "export.xml", [dish]), tmp_path / "site")
    written = frontmatter.load(tmp_path / "site/content/item/langoustine/index.md")
    assert written["product"] == {"price": "€24"}
    public = hugo_build(tmp_path / "site", tmp_path)
    assert '<p class="product-price">€24</p>' in (public / "item/langoustine/index.html").read_text()
