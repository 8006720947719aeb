"""Where WordPress served each taxonomy's term archives, which the converted site must answer."""

from __future__ import annotations

import pytest

from chalicelib.wordpress.terms import archive_paths, term_archives


@pytest.mark.parametrize(
    ("taxonomy", "slug", "expected"),
    [
        ("category", "news", ["/category/news/"]),
        ("post_tag", "rye", ["/tag/rye/"]),
        ("post_format", "post-format-aside", ["/type/aside/"]),  # the format's archive drops the prefix
        ("product_cat", "hoodies", ["/product-category/hoodies/"]),  # WooCommerce's default bases
        ("product_tag", "warm", ["/product-tag/warm/"]),
        ("genre", "jazz", ["/genre/jazz/"]),  # a custom taxonomy: its name
    ],
)
def test_each_taxonomy_has_its_wordpress_archive_base(taxonomy, slug, expected):
    assert archive_paths(taxonomy, slug, {}) == expected


def test_a_subcategory_answers_at_its_own_and_its_nested_path():
    assert term_archives("category", "child", {"child": "parent"}) == [
        "/category/child/",
        "/category/parent/child/",
    ]
