"""The published search page in headless Chromium: type a post's title, see that post in the results.

Uses Debian's chromium and chromedriver through selenium. Without them the tests skip, except under
CI=true, where a missing browser is a failure (CI must prove the page works).
"""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from chalicelib.search.apply import sync_index
from chalicelib.search.pagefind import index_with_pagefind
from chalicelib.search.records import build_records, index_settings
from standins.algolia import LocalAlgolia
from tests.conftest import save_screenshot
from tests.functional.search.site import POSTS, build_blog

pytestmark = pytest.mark.chromium

SUB_PATH = "sites/demo/staging/"


@pytest.fixture
def site_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A static file server on 127.0.0.1 whose root holds the site under its stage sub-path."""
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", root
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def publish(blog_tree: Path, root: Path) -> None:
    target = root / SUB_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(blog_tree, target)


def search_for(driver: Any, page_url: str, text: str, screenshot: str) -> list[Any]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(page_url)
    box = WebDriverWait(driver, 10).until(
        expected_conditions.element_to_be_clickable((By.ID, "search-input"))
    )
    box.send_keys(text)
    locator = (By.CSS_SELECTOR, "#search-results .search-result a")
    WebDriverWait(driver, 15).until(expected_conditions.presence_of_element_located(locator))
    save_screenshot(driver, screenshot)
    return list(driver.find_elements(*locator))


def test_searching_a_post_title_with_pagefind_finds_the_post(
    browser: Any, site_server: tuple[str, Path], tmp_path: Path
) -> None:
    origin, root = site_server
    blog = build_blog(tmp_path / "build", origin + SUB_PATH)
    index_with_pagefind(blog.tree)
    publish(blog.tree, root)
    title, _ = POSTS["harbour-walk"]
    links = search_for(browser, origin + SUB_PATH + "search/", title, "search-pagefind.png")
    assert [link.text for link in links] == [title]  # lists and tag pages are not in the index
    assert links[0].get_attribute("href") == origin + SUB_PATH + "posts/harbour-walk/"
    backend = browser.find_element("id", "search").get_attribute("data-backend")
    assert backend == "pagefind"


def test_searching_a_post_title_with_algolia_finds_the_post(
    browser: Any, site_server: tuple[str, Path], tmp_path: Path
) -> None:
    origin, root = site_server
    with LocalAlgolia() as algolia:
        config = (
            f"[params.algolia]\nappId = '{algolia.app_id}'\nindexName = 'demo_staging'\n"
            f"searchKey = '{algolia.search_key}'\nhost = '{algolia.url}'\n"
        )
        blog = build_blog(tmp_path / "build", origin + SUB_PATH, config)
        sync_index(
            algolia.target("demo_staging"), build_records(blog.tree, blog.manifest), settings=index_settings()
        )
        publish(blog.tree, root)
        title, _ = POSTS["croissant-lamination"]
        links = search_for(browser, origin + SUB_PATH + "search/", title, "search-algolia.png")
        assert [link.text for link in links] == [title]  # distinct: one hit per page
        assert links[0].get_attribute("href") == origin + SUB_PATH + "posts/croissant-lamination/"
        assert browser.find_element("id", "search").get_attribute("data-backend") == "algolia"
        assert algolia.requests["query"] >= 1
