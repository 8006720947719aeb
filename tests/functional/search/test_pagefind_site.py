"""Pagefind over a real Hugo build with the theme, and the theme's search page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.search.pagefind import index_with_pagefind
from chalicelib.search.records import build_records
from tests.functional.search.conftest import ADMIN_KEY
from tests.functional.search.site import POSTS, build_blog

BASE_URL = "http://127.0.0.1:8000/sites/demo/staging/"


def test_pagefind_indexes_the_built_site_into_its_pagefind_folder(tmp_path: Path) -> None:
    blog = build_blog(tmp_path, BASE_URL)
    result = index_with_pagefind(blog.tree)
    assert result.bundle == blog.tree / "pagefind"
    assert (result.bundle / "pagefind.js").is_file()
    assert result.pages == len(POSTS)  # the posts: not the lists, tag pages or the search page
    assert json.loads(json.dumps(result.summary()))["pages"] == result.pages
    # A second run over the same tree (a retried build) replaces the bundle without complaint.
    assert index_with_pagefind(blog.tree).pages == result.pages


def test_a_site_without_posts_still_gets_an_index(tmp_path: Path) -> None:
    blog = build_blog(tmp_path, BASE_URL, posts={})
    result = index_with_pagefind(blog.tree)
    assert (result.bundle / "pagefind.js").is_file()


def test_every_site_gets_a_search_page_that_is_in_neither_index_nor_the_sitemap(tmp_path: Path) -> None:
    blog = build_blog(tmp_path, BASE_URL)
    page = (blog.tree / "search" / "index.html").read_text(encoding="utf-8")
    assert 'id="search-input"' in page and "/sites/demo/staging/pagefind/pagefind.js" in page
    assert "/search/" not in (blog.tree / "sitemap.xml").read_text(encoding="utf-8")
    records = build_records(blog.tree, blog.manifest)
    assert {r["title"] for r in records} == {title for title, _ in POSTS.values()}
    header = (blog.tree / "index.html").read_text(encoding="utf-8")
    assert 'href="/sites/demo/staging/search/"' in header


def test_only_the_search_key_reaches_the_site(tmp_path: Path) -> None:
    config = (
        "[params.algolia]\nappId = 'APP1'\nindexName = 'demo_staging'\nsearchKey = 'search-only-123'\n"
        f"adminKey = '{ADMIN_KEY}'\n"
    )
    blog = build_blog(tmp_path, BASE_URL, config)
    page = (blog.tree / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-algolia-key="search-only-123"' in page and 'data-algolia-app-id="APP1"' in page
    for file in blog.tree.rglob("*"):
        if file.is_file():
            assert ADMIN_KEY.encode() not in file.read_bytes(), file


def test_a_site_whose_pages_hold_text_only_in_header_and_footer_is_told_so(tmp_path: Path) -> None:
    # A landing page whose only words are its navigation and copyright: Pagefind indexes nothing and
    # printed its error twice; the run says what it means.
    tree = tmp_path / "public"
    tree.mkdir()
    (tree / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>Landing</title></head><body>'
        '<nav><a href="/">Home</a> <a href="https://cal.example/book">Book a call</a></nav>'
        '<footer class="site-footer">&copy; 2026 Landing</footer></body></html>'
    )
    with pytest.raises(BuildError) as raised:
        index_with_pagefind(tree, pages=["index.html"])
    assert str(raised.value) == (
        "Pagefind found no page with text to index on public: its pages hold text only in their header, "
        "navigation and footer, which search leaves out"
    )
