"""CloudFront invalidation paths: both URL forms of a page, the origin path, and the collapse to 8."""

from __future__ import annotations

import pytest

from chalicelib.publish.invalidation import EVERYTHING, collapse, invalidation_paths, url_paths_for_key


@pytest.mark.parametrize(
    ("key", "origin", "paths"),
    [
        ("blog/posts/a/index.html", "/blog", ["/posts/a/index.html", "/posts/a/"]),
        ("blog/index.html", "/blog", ["/index.html", "/"]),
        ("blog/css/main.css", "", ["/blog/css/main.css"]),
        ("other/index.html", "/blog", []),
        ("blog/a b/é.html", "/blog", ["/a%20b/%C3%A9.html"]),
    ],
)
def test_a_key_is_invalidated_under_every_url_that_serves_it(key: str, origin: str, paths: list[str]) -> None:
    assert url_paths_for_key(key, origin) == paths


def test_a_one_post_edit_invalidates_exactly_its_urls() -> None:
    keys = ["posts/p/index.html", "index.html", "index.xml", "sitemap.xml"]

    assert invalidation_paths(keys, "") == (
        "/",
        "/index.html",
        "/index.xml",
        "/posts/p/",
        "/posts/p/index.html",
        "/sitemap.xml",
    )


def test_many_paths_collapse_to_at_most_eight_wildcards_that_cover_them_all() -> None:
    keys = [f"posts/post-{i}/index.html" for i in range(40)] + [
        "index.html",
        "css/site.css",
        "tags/go/index.xml",
    ]

    paths = invalidation_paths(keys, "")

    assert len(paths) <= 8
    for key in keys:
        for url in url_paths_for_key(key, ""):
            assert any(url == p or (p.endswith("*") and url.startswith(p[:-1])) for p in paths), url
    assert EVERYTHING not in paths


def test_paths_with_nothing_in_common_fall_back_to_everything() -> None:
    assert collapse({f"/{letter}" for letter in "abcdefghij"}) == {EVERYTHING}


def test_a_wildcard_never_cuts_a_percent_escape_in_half() -> None:
    paths = {f"/%C3%A{i}x" for i in range(10)} | {"/%C3%B0"}

    assert all(not p.rstrip("*").endswith(("%", "%C", "%C3%A", "%C3%B")) for p in collapse(paths, limit=1))
