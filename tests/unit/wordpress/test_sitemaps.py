"""The old site's sitemap addresses (WordPress's own, Yoast's, Rank Math's) lead to Hugo's."""

from __future__ import annotations

from chalicelib.redirectrules import read_rules
from chalicelib.wordpress.sitemaps import redirects_file, sitemap_paths


def test_each_kind_of_old_sitemap_is_listed_with_as_many_parts_as_the_posts_filled() -> None:
    paths = sitemap_paths({"post": 2500, "page": 3, "product": 1000})
    assert {"/wp-sitemap.xml", "/sitemap_index.xml", "/wp-sitemap-users-1.xml", "/author-sitemap.xml"} <= set(
        paths
    )
    # WordPress core: 2,000 a sitemap
    assert {"/wp-sitemap-posts-post-1.xml", "/wp-sitemap-posts-post-2.xml"} <= set(paths)
    assert "/wp-sitemap-posts-post-3.xml" not in paths
    # Yoast and Rank Math: 1,000 a sitemap, the first without a number
    assert {"/post-sitemap.xml", "/post-sitemap2.xml", "/post-sitemap3.xml"} <= set(paths)
    assert "/post-sitemap4.xml" not in paths and "/product-sitemap2.xml" not in paths
    assert {"/page-sitemap.xml", "/product-sitemap.xml", "/wp-sitemap-posts-product-1.xml"} <= set(paths)
    assert {"/category-sitemap.xml", "/wp-sitemap-taxonomies-post_tag-1.xml"} <= set(paths)
    assert "/sitemap.xml" not in paths  # Hugo's own


def test_a_type_no_sitemap_could_have_is_not_a_rule() -> None:
    paths = sitemap_paths({"post": 1, "x y": 5, "../etc": 5, "Shop*": 5, "page": 0})
    assert not any(" " in p or ".." in p or "*" in p for p in paths)
    assert "/page-sitemap.xml" not in paths


def test_every_rule_is_one_an_s3_redirect_serves() -> None:
    text = redirects_file({"post": 10, "page": 2})
    rules = read_rules(text.encode(), "https://new.example/")
    assert rules.skipped == []
    by_file = {rule.path: rule.target for rule in rules.rules}
    assert by_file["wp-sitemap.xml"] == "https://new.example/sitemap.xml"
    assert by_file["sitemap_index.xml"] == "https://new.example/sitemap.xml"
    assert len(by_file) == len(text.splitlines()) - 1  # one per line but the comment
