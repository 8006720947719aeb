"""A push's run page in headless Chromium: opened while the run is still fetching, it reloads itself
(no script: a meta refresh the dashboard's CSP allows) until the run waits for approval, then stops;
it links the pushed commit and GitHub's compare view from the push payload."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.sitemodel import Site
from standins.github import LocalGitHub
from standins.github.payloads import push_payload, webhook_request
from tests.conftest import save_screenshot
from tests.e2e.conftest import local_github, register
from tests.e2e.test_operator_auth import send

pytestmark = [pytest.mark.e2e, pytest.mark.chromium]

REPO = "acme/live-site"
SITE = "livesite"
#: Long enough that the page is certainly opened while the fetch still waits (a state, not a timing:
#: the test waits for the fetch to be running first); the run then goes on by itself.
FETCH_DELAY = 8


def site_files(title: str) -> dict[str, bytes]:
    return {
        "hugo.toml": b'title = "Live Site"\n',
        "content/_index.md": b"---\ntitle: Home\n---\nWelcome.\n",
        "content/posts/news.md": f"---\ntitle: {title}\ndate: 2026-01-02\n---\nNews.\n".encode(),
    }


@pytest.fixture(scope="module")
def github(cloud) -> Iterator[LocalGitHub]:
    with local_github(REPO) as server:
        yield server


def test_a_push_runs_page_follows_the_run_live_and_links_the_commit(cloud, api, github, browser, dashboard):
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    secret = register(cloud, Site(SITE, repo=REPO))
    before = github.add_commit(REPO, site_files("First"))
    after = github.add_commit(REPO, site_files("Second"))
    github.set_delay(REPO, FETCH_DELAY, sha=after)
    payload = push_payload(
        REPO, "refs/heads/main", before, after, ["content/posts/news.md"], message="Live news"
    )
    body, headers = webhook_request("push", payload, secret)
    assert send("POST", f"{cloud.options.api_url}/webhooks/github", body, headers).status == 202

    run = api.wait_for_new_run(SITE, set(), timeout=60)
    run = api.wait_for_run(run["id"], lambda r: r["stages"][0]["status"] == "running", timeout=60)
    browser.get(f"{dashboard.origin}/runs/{run['id']}/page")
    assert browser.find_element(By.CSS_SELECTOR, 'meta[http-equiv="refresh"]')
    assert browser.find_element(By.CSS_SELECTOR, ".status-line .badge").text == "running"
    save_screenshot(browser, "run-page-live.png")

    # Nobody reloads: the page does, until the run waits for a person.
    reloading = (NoSuchElementException, StaleElementReferenceException)
    WebDriverWait(browser, 240, poll_frequency=1, ignored_exceptions=reloading).until(
        lambda driver: driver.find_element(By.CSS_SELECTOR, ".status-line .badge").text not in ("running", "")
    )
    assert api.run(run["id"])["status"] == "awaiting_approval"
    assert browser.find_element(By.CSS_SELECTOR, ".status-line .badge").text == "awaiting approval"
    assert not browser.find_elements(By.CSS_SELECTOR, 'meta[http-equiv="refresh"]')
    commit = browser.find_element(By.CSS_SELECTOR, "a.commit")
    assert commit.get_attribute("href") == f"https://github.com/{REPO}/commit/{after}"
    assert commit.text == after[:7] and "Live news" in browser.find_element(By.CSS_SELECTOR, "dl.facts").text
    compare = browser.find_element(By.CSS_SELECTOR, "a.compare").get_attribute("href")
    assert compare == payload["compare"]
    save_screenshot(browser, "run-page-push.png")
