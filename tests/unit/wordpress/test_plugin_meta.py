"""Plugin meta read from an export: PHP-serialized values, SEO plugin templates, RFC 822 dates."""

import pytest

from chalicelib.wordpress.dates import from_pubdate, gmt_from_pubdate, iso_date
from chalicelib.wordpress.phpdata import NotPhpData, php_unserialize
from chalicelib.wordpress.products import product_params
from chalicelib.wordpress.seo import SeoFacts, expand, seo_params
from chalicelib.wordpress.wxr import Term

FACTS = SeoFacts("Post", "Site", "Tagline", "Short excerpt", "News", "Ann")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("N;", None),
        ("b:1;", True),
        ("i:-42;", -42),
        ("d:1.5;", 1.5),
        ('s:5:"Café";', "Café"),  # PHP counts bytes: é is two
        ('s:4:"a";b";', 'a";b'),
        ('a:2:{i:0;s:1:"x";s:1:"k";a:1:{i:0;b:0;}}', {0: "x", "k": {0: False}}),
    ],
)
def test_php_data_is_read(text, value):
    assert php_unserialize(text) == value


@pytest.mark.parametrize(
    "text",
    [
        'O:8:"stdClass":0:{}',  # objects are never built
        's:9:"short";',
        "a:1:{i:0;}",
        "i:1;i:2;",
        "a:1:{" * 40 + "i:0;" + "}" * 40,
        "r:1;",
        "",
        "plain text",
    ],
)
def test_anything_else_is_refused(text):
    with pytest.raises(NotPhpData):
        php_unserialize(text)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("%%title%% %%sep%% %%sitename%%", "Post - Site"),
        ("%%title%% %%page%% %%sep%% %%sitename%% %%currentyear%%", "Post - Site"),
        ("%%sitename%% %%sep%% %%unknown_var%%", "Site"),
        ("%%excerpt%% (%%primary_category%%) by %%name%%", "Short excerpt (News) by Ann"),
        ("%title% %sep% %sitename% %page%", "Post - Site"),
        ("#post_title #separator_sa #site_title", "Post - Site"),
        ("#post_title on #hashtag day #current_year", "Post on #hashtag day"),
        ("50% off, 100% &amp; more", "50% off, 100% & more"),
        ("<b>Bold</b> title", "Bold title"),
    ],
)
def test_seo_templates_are_expanded_or_dropped(template, expected):
    assert expand(template, FACTS) == expected


def test_the_first_plugin_with_a_value_wins_per_field():
    meta = {
        "_yoast_wpseo_title": "",
        "_yoast_wpseo_metadesc": "Yoast words",
        "rank_math_title": "Rank %title%",
        "_aioseo_description": "AIOSEO words",
    }
    assert seo_params(meta, FACTS) == {"seo_title": "Rank Post", "description": "Yoast words"}
    assert seo_params({"_yoast_wpseo_title": "%%page%%"}, FACTS) == {}


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"_yoast_wpseo_meta-robots-noindex": "1"}, True),
        ({"_yoast_wpseo_meta-robots-noindex": "2"}, False),
        ({"rank_math_robots": 'a:2:{i:0;s:7:"noindex";i:1;s:8:"nofollow";}'}, True),
        ({"rank_math_robots": 'a:1:{i:0;s:5:"index";}'}, False),
        ({"rank_math_robots": "garbage"}, False),
        ({"_aioseop_noindex": "on"}, True),
        ({}, False),
    ],
)
def test_plugins_noindex_setting_is_kept(meta, expected):
    assert seo_params(meta, FACTS).get("noindex", False) is expected


@pytest.mark.parametrize(
    ("pubdate", "local", "gmt"),
    [
        ("Tue, 05 Mar 2024 09:30:00 +0000", "", "2024-03-05 09:30:00"),
        ("Tue, 05 Mar 2024 09:30:00 +0100", "2024-03-05 09:30:00", "2024-03-05 08:30:00"),
        ("05 Mar 2024 09:30 -0500", "2024-03-05 09:30:00", "2024-03-05 14:30:00"),
        ("Tue, 05 Mar 2024 09:30:00 GMT", "", "2024-03-05 09:30:00"),
        ("not a date", "", ""),
        ("", "", ""),
    ],
)
def test_pubdate_gives_wordpress_date_fields(pubdate, local, gmt):
    assert from_pubdate(pubdate) == (local, gmt)


def test_a_utc_pubdate_is_that_instant_and_does_not_vote_for_the_site_offset():
    local, gmt = from_pubdate("Tue, 05 Mar 2024 09:30:00 +0000")
    assert iso_date(local, gmt, "+02:00") == "2024-03-05T09:30:00+00:00"


def test_unreadable_product_attributes_are_reported_not_guessed():
    product = product_params("product", {"_product_attributes": "a:1:{broken", "_sku": "X"}, [], lambda _: "")
    assert product is not None
    assert product.params == {"sku": "X"}
    assert product.dropped == ["_product_attributes (not readable PHP data)"]


def test_a_simple_products_empty_attributes_are_no_loss():
    """`a:0:{}` is WooCommerce's empty array: 21 of 23 products of a real shop were reported as having
    unreadable attributes."""
    product = product_params("product", {"_product_attributes": "a:0:{}", "_sku": "X"}, [], lambda _: "")
    assert product is not None and product.dropped == []


def test_other_types_are_not_products():
    assert product_params("post", {"_sku": "X"}, [Term("pa_color", "red", "Red")], lambda _: "") is None


@pytest.mark.parametrize(
    ("local", "pubdate", "gmt"),
    [
        ("2017-06-14 09:00:00", "Wed, 14 Jun 2017 09:00:00 +0900", "2017-06-14 00:00:00"),  # a Jekyll export
        ("2017-06-14 09:00:00", "Wed, 14 Jun 2017 07:00:00 +0000", "2017-06-14 07:00:00"),  # WordPress's
        ("2017-06-14 09:00:00", "Mon, 30 Nov -0001 00:00:00 +0000", ""),  # a draft's
        ("2017-06-14 09:00:00", "Fri, 14 Jun 2019 09:00:00 +0000", ""),  # no offset is two years
    ],
)
def test_an_item_without_its_gmt_date_takes_it_from_its_pubdate(local: str, pubdate: str, gmt: str) -> None:
    """Twenty-two Korean posts whose export left out post_date_gmt went out nine hours off."""
    assert gmt_from_pubdate(local, pubdate) == gmt
