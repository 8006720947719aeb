"""The operators' read routes: the dashboard, the runs (JSON and page), a run's logs and the sites,
through app.py's routes and Chalice's test client, against moto."""

from __future__ import annotations

from datetime import timedelta

import pytest
from chalice.test import Client

from chalicelib.services import Services
from chalicelib.sitemodel import Site
from tests.functional.routes.replies import get_json, header, one_line_error, text
from tests.functional.test_approval_expiry import waiting
from tests.functional.test_run_page import stored_run
from tests.functional.test_runs import make_run


def test_runs_are_listed_with_their_links_and_no_token_hash(api: Client, provisioned: Services) -> None:
    built = stored_run(provisioned)
    awaiting, _ = waiting(provisioned, expires_in=timedelta(hours=1))
    status, body = get_json(api, "/runs")
    assert status == 200
    listed = {run["id"]: run for run in body["runs"]}
    assert sorted(listed) == sorted([built.id, awaiting.id])
    approval = listed[awaiting.id]
    assert approval["links"]["self"] == provisioned.settings.run_url(awaiting.id)
    assert approval["status"] == "awaiting_approval" and approval["site"] == "demo"
    assert "token_sha256" not in approval["approval"] and approval["approval"]["status"] == "pending"
    # A listing leaves out the plans' file lists; the run's own URL has them.
    staging = next(stage for stage in listed[built.id]["stages"] if stage["name"] == "deploy-staging")
    assert "plan_files" not in staging["detail"] and "plan_text" in staging["detail"]


def test_runs_are_filtered_by_site_and_limited(api: Client, provisioned: Services) -> None:
    ids = [provisioned.runs.create(make_run(site)).id for site in ("a", "b", "a")]
    assert [run["id"] for run in get_json(api, "/runs?site=a")[1]["runs"]] == [ids[2], ids[0]]
    assert [run["id"] for run in get_json(api, "/runs?limit=1")[1]["runs"]] == [ids[2]]


@pytest.mark.parametrize("limit", ["abc", "-5", "0", "1.5", "%C2%B2"])
def test_a_limit_that_is_not_a_count_of_runs_is_a_400_naming_it(
    api: Client, provisioned: Services, limit: str
) -> None:
    provisioned.runs.create(make_run())
    one_line_error(
        get_json(api, f"/runs?limit={limit}"), 400, "InputError", "?limit= must be a whole number of runs"
    )


def test_a_run_reads_back_with_its_plans(api: Client, provisioned: Services) -> None:
    run = stored_run(provisioned)
    status, body = get_json(api, f"/runs/{run.id}")
    assert status == 200
    assert body["id"] == run.id and body["trigger"]["sha"] == run.trigger.sha
    staging = next(stage for stage in body["stages"] if stage["name"] == "deploy-staging")
    assert staging["detail"]["plan_files"]["more"] == 12
    assert body["links"] == {"self": provisioned.settings.run_url(run.id)}


def test_an_unknown_run_is_a_404_with_a_one_line_message(api: Client, provisioned: Services) -> None:
    one_line_error(get_json(api, "/runs/20990101-000000-nope"), 404, "NotFoundError", "20990101-000000-nope")


def test_the_run_page_tells_the_run_and_an_unknown_run_gets_a_404_page(
    api: Client, provisioned: Services
) -> None:
    run = stored_run(provisioned)
    page = api.http.get(f"/runs/{run.id}/page")
    assert page.status_code == 200 and header(page, "Content-Type").startswith("text/html")
    assert "Lemon loaf" in text(page) and "&lt;b&gt;not bold&lt;/b&gt;" in text(page)
    missing = api.http.get("/runs/20990101-000000-nope/page")
    assert missing.status_code == 404 and header(missing, "Content-Type").startswith("text/html")
    assert "No such run" in text(missing) and "20990101-000000-nope" in text(missing)


def test_a_runs_log_is_served_as_text_and_its_report_as_json(api: Client, provisioned: Services) -> None:
    run = stored_run(provisioned)
    log = api.http.get(f"/runs/{run.id}/logs/build.log")
    assert log.status_code == 200 and header(log, "Content-Type") == "text/plain; charset=utf-8"
    assert text(log).startswith("Start building sites\n<b>not bold</b>")
    status, report = get_json(api, f"/runs/{run.id}/logs/conversion-report.json")
    assert status == 200 and report["warnings"][0]["code"] == "missing-media"


def test_a_missing_log_or_run_is_a_404_naming_it(api: Client, provisioned: Services) -> None:
    run = stored_run(provisioned)
    one_line_error(get_json(api, f"/runs/{run.id}/logs/deploy.log"), 404, "NotFoundError", "deploy.log")
    one_line_error(
        get_json(api, "/runs/20990101-000000-nope/logs/build.log"),
        404,
        "NotFoundError",
        "20990101-000000-nope",
    )
    # a name with a newline or a NUL answered 500 (S3 refused the key)
    for name in ("build.log%0a", "build.log%00", "%2e%2e", ".env"):
        status, body = get_json(api, f"/runs/{run.id}/logs/{name}")
        assert status == 404 and body["error"] == "NotFoundError", (name, status, body)


def test_a_log_name_that_climbs_out_of_the_runs_folder_is_refused(api: Client, provisioned: Services) -> None:
    run = stored_run(provisioned)
    one_line_error(
        get_json(api, f"/runs/{run.id}/logs/..%2F..%2Fsecret"), 404, "NotFoundError", "no log named"
    )


def test_the_dashboard_lists_runs_and_gives_a_new_browser_its_csrf_cookie(
    api: Client, provisioned: Services
) -> None:
    run, _ = waiting(provisioned, expires_in=timedelta(hours=1))
    page = api.http.get("/")
    assert page.status_code == 200 and header(page, "Content-Type").startswith("text/html")
    assert run.id in text(page)
    assert "HttpOnly" in header(page, "Set-Cookie") and "SameSite=Strict" in header(page, "Set-Cookie")
    cookie = header(page, "Set-Cookie").split(";", 1)[0]
    again = api.http.get("/", headers={"Cookie": cookie})
    assert again.status_code == 200 and header(again, "Set-Cookie") is None


def test_the_sites_are_listed_as_registered(api: Client, provisioned: Services) -> None:
    assert get_json(api, "/sites") == (200, {"sites": []})
    provisioned.sites.add(Site("www", repo="acme/www", branch="main"))
    status, body = get_json(api, "/sites")
    assert status == 200
    assert [(site["name"], site["repo"], site["branch"]) for site in body["sites"]] == [
        ("www", "acme/www", "main")
    ]
