"""What a person sees, in headless Chromium: the published demo's search, the dashboard, the confirm page."""

from __future__ import annotations

import urllib.request

import pytest

from presslift.demo import drop_sample
from presslift.packaging.security_headers import content_security_policy
from tests.conftest import save_screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.chromium]


def by_css(driver, css: str, timeout: float = 15):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def test_a_person_reviews_approves_and_then_searches_prod(cloud, api, browser, dashboard):
    known = {run["id"] for run in api.runs("browser")}
    drop_sample(cloud.services.s3, cloud.settings.ingest_bucket, site="browser")
    run = api.wait_for_new_run("browser", known, timeout=60)
    run = api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=240)
    assert run["status"] == "awaiting_approval", run

    browser.get(dashboard.url)  # the operator's signing proxy: the API itself refuses a browser
    by_css(browser, "section.site")
    save_screenshot(browser, "dashboard.png")
    page = browser.find_element("tag name", "body").text
    assert "Waiting for approval" in page and run["id"] in page and "deploy-staging" in page

    link = next(
        url for url in cloud.wait_for_email(lambda e: run["id"] in e.body, 30).links if "/approvals/" in url
    )
    browser.get(link)
    button = by_css(browser, "button.approve")
    save_screenshot(browser, "approval-confirm.png")
    text = browser.find_element("tag name", "body").text
    assert "Opening this page changed nothing" in text and "What will change on prod" in text
    assert "upload" in browser.find_element("css selector", "pre").text
    assert api.run(run["id"])["status"] == "awaiting_approval"
    button.click()
    by_css(browser, ".notice.ok")
    save_screenshot(browser, "approval-approved.png")
    assert "Approved" in browser.find_element("tag name", "h1").text

    run = api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=120)
    assert run["status"] == "succeeded"
    assert run["approval"]["user_agent"].startswith("Mozilla/")

    browser.get(run["urls"]["prod"] + "search/")
    box = by_css(browser, "#search-input")
    box.send_keys("Lemon Drizzle Loaf")
    result = by_css(browser, "#search-results .search-result a")
    save_screenshot(browser, "prod-search.png")
    assert result.text == "Lemon Drizzle Loaf Recipe"
    assert result.get_attribute("href").startswith(run["urls"]["prod"])


def test_the_dashboards_rollback_button_confirms_then_explains_a_refusal(cloud, api, browser, dashboard):
    known = {run["id"] for run in api.runs("one-deploy")}
    drop_sample(cloud.services.s3, cloud.settings.ingest_bucket, site="one-deploy")
    run = api.wait_for_new_run("one-deploy", known, timeout=60)
    api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=240)
    browser.set_window_size(420, 900)  # a phone
    browser.get(dashboard.url)
    button = by_css(browser, f'form[action="{dashboard.origin}/sites/one-deploy/staging/rollback"] button')
    save_screenshot(browser, "dashboard-phone.png")
    button.click()
    confirm = by_css(browser, 'input[name="confirm"][value="yes"] ~ .actions button')
    save_screenshot(browser, "rollback-confirm.png")
    assert "Nothing has changed yet" in browser.find_element("tag name", "body").text
    assert [r["trigger"]["type"] for r in api.runs("one-deploy")] == ["import"]
    confirm.click()
    by_css(browser, ".notice.bad")
    save_screenshot(browser, "rollback-refused.png")
    assert "nothing earlier to roll back to" in browser.find_element("tag name", "body").text
    assert [r["trigger"]["type"] for r in api.runs("one-deploy")] == ["import"]


def test_an_old_wordpress_link_lands_on_the_post_under_the_sites_security_headers(cloud, api, browser):
    """`/?p=11` of the converted demo reaches the post's new URL on the local site server, which sends
    CloudFront's Content-Security-Policy, and the browser reports no violation of it."""
    from selenium.webdriver.support.ui import WebDriverWait

    known = {run["id"] for run in api.runs("old-links")}
    drop_sample(cloud.services.s3, cloud.settings.ingest_bucket, site="old-links")
    run = api.wait_for_new_run("old-links", known, timeout=60)
    run = api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=240)
    staging = run["urls"]["staging"]
    with urllib.request.urlopen(staging, timeout=30) as response:
        assert response.headers["Content-Security-Policy"] == content_security_policy()

    browser.get_log("browser")  # start from an empty console
    browser.get(staging + "?p=11")
    target = staging + "posts/harbour-sourdough-recipe/"
    WebDriverWait(browser, 15).until(lambda driver: driver.current_url == target)
    assert "Harbour Sourdough" in browser.find_element("tag name", "h1").text
    console = [entry["message"] for entry in browser.get_log("browser")]
    assert [line for line in console if "Content Security Policy" in line] == []

    browser.get(staging + "?p=999999")  # an ID the map does not know: the home page stays
    assert browser.current_url == staging + "?p=999999"
    assert [
        e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]
    ] == []
