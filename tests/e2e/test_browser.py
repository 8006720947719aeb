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
    # Opened on a phone (the email's usual reader): nothing scrolls sideways, long addresses wrap.
    width = browser.get_window_size()
    browser.set_window_size(375, 800)
    wide = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    browser.set_window_size(width["width"], width["height"])
    assert wide <= 0, f"the approval page is {wide} px wider than a phone"
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
    CloudFront's Content-Security-Policy, and the browser reports no violation of it; `/?s=words`
    reaches the search page, which finds the post."""
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
    # An old WordPress search lands on the site's search page with the same words, and finds the post.
    browser.get(staging + "?s=harbour+sourdough")
    WebDriverWait(browser, 15).until(
        # the search page writes its query back into the address, as URLSearchParams spells it
        lambda driver: driver.current_url == staging + "search/?q=harbour+sourdough"
    )
    WebDriverWait(browser, 15).until(
        lambda driver: (
            "posts/harbour-sourdough-recipe/"
            in driver.find_element("tag name", "main").get_attribute("innerHTML")
        )
    )
    assert [
        e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]
    ] == []


def test_a_runs_page_tells_its_story_and_names_each_missing_image(cloud, api, browser, dashboard):
    """The export without its uploads archive: the run says how many warnings it has wherever its status
    shows, and its page (HTML, reached from the dashboard) names each missing file, lists the stages with
    their times, the plan file by file and the build log, all under the dashboard's no-script CSP."""
    import re

    from selenium.webdriver.common.by import By

    from presslift.demo import SAMPLE

    known = {run["id"] for run in api.runs("no-media")}
    cloud.services.s3.put_object(
        Bucket=cloud.settings.ingest_bucket,
        Key="imports/no-media/export.xml",
        Body=(SAMPLE / "export.xml").read_bytes(),
    )
    run = api.wait_for_new_run("no-media", known, timeout=60)
    run = api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=240)
    assert run["status"] == "awaiting_approval", run

    browser.set_window_size(900, 820)
    browser.get_log("browser")  # start from an empty console
    browser.get(dashboard.url)
    badge = by_css(browser, "#site-no-media ~ ol.runs .badge")
    assert badge.text == "awaiting approval, 6 warnings"  # five images and a resized copy of one
    home = browser.find_element("tag name", "body").text
    assert re.search(r"started (just now|\d+ (s|min) ago)", home), home
    save_screenshot(browser, "dashboard-home.png")
    by_css(browser, f'a.run-link[href="{dashboard.origin}/runs/{run["id"]}/page"]').click()

    by_css(browser, "ol.stages")
    save_screenshot(browser, "run-page.png")
    text = browser.find_element("tag name", "body").text
    assert "awaiting approval, 6 warnings" in text
    for image in ("harbour.png", "sourdough.png", "croissants.png", "market-stall.png", "team.png"):
        assert f"{image} was not in an uploads archive" in text
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", text) and re.search(r"\b\d+ (m \d+ )?s\b", text)
    assert [
        li.find_element(By.CSS_SELECTOR, ".name").text
        for li in browser.find_elements(By.CSS_SELECTOR, "ol.stages li")
    ] == [stage["name"] for stage in run["stages"]]
    files = browser.find_elements(By.CSS_SELECTOR, "table.files td")
    assert any(cell.text == "index.html" for cell in files)
    assert any(
        link.get_attribute("href") == run["urls"]["staging"]
        for link in browser.find_elements(By.CSS_SELECTOR, "ul.pages a")
    )
    assert "build.log" in text and browser.find_element(By.CSS_SELECTOR, "section.log pre").text.strip()
    assert (
        browser.find_element(By.CSS_SELECTOR, "section.plan pre").value_of_css_property("white-space")
        == "pre-wrap"
    )
    assert not browser.find_elements(By.CSS_SELECTOR, 'meta[http-equiv="refresh"]')  # waits for a person
    assert [
        e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]
    ] == []

    email = cloud.wait_for_email(lambda e: run["id"] in e.body, 30)
    link = next(url for url in email.links if "/approvals/" in url)
    assert f"{cloud.options.api_url}/runs/{run['id']}/page" in email.body
    assert re.search(r"expires at \d{4}-\d\d-\d\d \d\d:\d\d UTC", email.body)
    browser.get(link)
    plan = by_css(browser, "pre.approval-plan")
    assert plan.value_of_css_property("white-space") == "pre-wrap"
