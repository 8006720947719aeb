"""CloudFront invalidation paths: both URL forms of a page, the origin path, and the collapse to 8."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def one_pass_at_a_time(paths: set[str], limit: int = 8) -> set[str]:
    """The collapse as the module docstring states it, re-sorting and re-comparing every path on every
    pass (what `collapse` did before it looked again only where runs merged): the reference it must match."""
    import itertools
    import re

    partial_escape = re.compile(r"%[0-9A-Fa-f]?$")

    def stem(path: str) -> str:
        return path[:-1] if path.endswith("*") else path

    def common(a: str, b: str) -> str:
        size = 0
        for x, y in zip(a, b, strict=False):
            if x != y:
                break
            size += 1
        return partial_escape.sub("", a[:size])

    items = set(paths)
    while len(items) > limit:
        ordered = sorted(items, key=stem)
        prefixes = [common(stem(a), stem(b)) for a, b in itertools.pairwise(ordered)]
        longest = max(len(prefix) for prefix in prefixes)
        if longest <= 1:
            return {EVERYTHING}
        merged = {prefix + "*" for prefix in prefixes if len(prefix) == longest}
        if len(items) <= 64:
            merged = {min(merged)}
        stems = {stem(wild) for wild in merged}
        items = {item for item in items if stem(item)[:longest] not in stems} | merged
    return items


_SEGMENTS = st.sampled_from(
    ["p", "po", "post", "posts", "a", "ab", "é", "éa", "%", "index.html", "x1", "x10"]
)


@settings(max_examples=300, deadline=None)
@given(
    keys=st.lists(st.lists(_SEGMENTS, min_size=1, max_size=4).map("/".join), min_size=1, max_size=150),
    limit=st.integers(min_value=1, max_value=12),
)
def test_the_collapse_gives_what_merging_one_pass_at_a_time_gives(keys: list[str], limit: int) -> None:
    paths = {path for key in keys for path in url_paths_for_key(key, "")}

    assert collapse(paths, limit) == one_pass_at_a_time(paths, limit)


def test_a_first_publish_of_thousands_of_files_collapses_as_one_pass_at_a_time_does() -> None:
    keys = [f"posts/post-{i}/index.html" for i in range(3000)]
    keys += [f"tags/t{i}/index.xml" for i in range(500)] + [f"images/{i}.webp" for i in range(800)]
    keys += ["index.html", "404.html", "sitemap.xml", "css/site.css", "js/search.js"]
    paths = {path for key in keys for path in url_paths_for_key(key, "")}

    assert collapse(paths) == one_pass_at_a_time(paths)
