"""The dashboard's run page, rendered from a stored run and the logs and report it points at (moto)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from chalicelib import runpage
from chalicelib.artifacts import ArtifactStore
from chalicelib.config import ApiLinks
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage
from chalicelib.services import Services
from tests.e2e.test_api_paths import Page

NOW = datetime(2026, 11, 30, 14, 10, tzinfo=UTC)
LINKS = ApiLinks("https://abc.execute-api.us-east-1.amazonaws.com/api")
SHA = "0123456789abcdef0123456789abcdef01234567"


def stored_run(svc: Services, status: str = "succeeded") -> Run:
    store = ArtifactStore(svc.s3, svc.settings.artifacts_bucket)
    report = {
        "warnings": [
            {
                "code": "missing-media",
                "message": "wp-content/uploads/2019/05/cake.jpg is not in uploads.zip",
                "item": "post 11",
            },
            {"code": "shortcode", "message": "unknown shortcode <script>alert(1)</script>", "item": ""},
        ]
    }
    report_key = store.put_log("demo", "r1", "conversion-report.json", json.dumps(report))
    log_key = store.put_log(
        "demo", "r1", "build.log", "Start building sites\n<b>not bold</b>\nTotal in 812 ms\n"
    )
    plan = {
        "files": [
            {"path": "img/cake.jpg", "reason": "new", "size": 3},
            {"path": "posts/lemon-loaf/index.html", "reason": "content", "size": 9},
            {"path": "index.html", "reason": "content", "size": 9},
            {
                "path": "2019/05/lemon-loaf/index.html",
                "reason": "new",
                "size": 0,
                "redirect": "/posts/lemon-loaf/",
            },
            {"path": "old/index.html", "reason": "delete"},
        ],
        "more": 12,
    }
    run = Run(
        id="r1",
        site="demo",
        kind="hugo",
        status=status,
        trigger=Trigger(
            "push",
            "push to main",
            repository="acme/blog",
            sha=SHA,
            message="Lemon loaf",
            compare="https://github.com/acme/blog/compare/aaaaaaaaaaaa...0123456789ab",
        ),
        urls={"staging": "https://staging.example/demo/", "prod": "https://www.example/demo/"},
        stages=[
            Stage(
                "fetch",
                "succeeded",
                "2026-11-30T14:05:00Z",
                "2026-11-30T14:05:02Z",
                detail={"report_key": report_key, "warnings": 2},
            ),
            Stage(
                "build",
                "succeeded",
                "2026-11-30T14:05:02Z",
                "2026-11-30T14:06:14Z",
                detail={"log_key": log_key, "summary": "Hugo 0.139: staging 40 files"},
            ),
            Stage(
                "deploy-staging",
                "succeeded",
                "2026-11-30T14:06:14Z",
                "2026-11-30T14:06:20Z",
                detail={
                    "plan_text": "Publish to s3://b/demo/ " + "x" * 300,
                    "plan_files": plan,
                    "url": "https://staging.example/demo/",
                },
            ),
            Stage("approval", "skipped", error="superseded by run r2"),
            Stage("deploy-prod", "skipped"),
        ],
    )
    return svc.runs.create(run)


def page_of(svc: Services, run: Run) -> str:
    reads = runpage.gather(ArtifactStore(svc.s3, svc.settings.artifacts_bucket), run)
    return runpage.render(run, reads, links=LINKS, now=NOW)


def test_the_run_page_tells_the_runs_story(provisioned: Services) -> None:
    run = stored_run(provisioned, "superseded")
    html = page_of(provisioned, run)
    assert "superseded, 2 warnings" in html
    assert "2026-11-30 14:05 UTC" in html and "5 min ago" in html and "1 m 20 s" in html
    assert "1 m 12 s" in html  # the build stage
    assert "wp-content/uploads/2019/05/cake.jpg is not in uploads.zip" in html and "post 11" in html
    links = Page(html).links
    assert f"https://github.com/acme/blog/commit/{SHA}" in links
    assert "https://github.com/acme/blog/compare/aaaaaaaaaaaa...0123456789ab" in links
    assert "https://staging.example/demo/posts/lemon-loaf/" in links  # a changed page
    assert "https://staging.example/demo/" in links  # the home page changed too
    assert "https://staging.example/demo/2019/05/lemon-loaf/" not in links  # a redirect is no page
    assert "→ /posts/lemon-loaf/" in html
    assert f"{LINKS.base}/runs/r1/logs/build.log" in links
    assert f"{LINKS.base}/runs/r1/logs/conversion-report.json" in links
    assert f"{LINKS.base}/" in links
    for file in ("img/cake.jpg", "posts/lemon-loaf/index.html", "old/index.html", "and 12 more"):
        assert file in html
    assert 'class="stage skipped tone-neutral"' in html  # skipped and superseded are not errors
    assert "badge tone-neutral" in html


def test_logs_and_warnings_are_text_never_markup(provisioned: Services) -> None:
    html = page_of(provisioned, stored_run(provisioned))
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html and "<b>not bold" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html


def test_a_finished_run_does_not_reload_and_a_running_one_does(provisioned: Services) -> None:
    assert 'http-equiv="refresh"' not in page_of(provisioned, stored_run(provisioned))
    run = stored_run_running(provisioned)
    assert 'http-equiv="refresh" content="5"' in page_of(provisioned, run)


def stored_run_running(svc: Services) -> Run:
    run = Run(
        id="r9",
        site="demo",
        kind="hugo",
        trigger=Trigger("import"),
        status="running",
        stages=[Stage("convert", "running", "2026-11-30T14:09:00Z"), Stage("build")],
    )
    return svc.runs.create(run)


def test_a_missing_log_is_named_and_the_page_still_renders(provisioned: Services) -> None:
    run = stored_run_running(provisioned)
    run.stages[1].detail["log_key"] = "logs/demo/r9/build.log"
    html = page_of(provisioned, run)
    assert "Could not read build.log" in html and "1 m 0 s so far" in html


def test_a_report_that_is_not_json_is_named(provisioned: Services) -> None:
    store = ArtifactStore(provisioned.s3, provisioned.settings.artifacts_bucket)
    key = store.put_log("demo", "r9", "conversion-report.json", "{not json")
    run = stored_run_running(provisioned)
    run.stages[0].detail.update(report_key=key, warnings=3)
    html = page_of(provisioned, run)
    assert (
        "conversion-report.json: not JSON" in html
        and "3 warnings, but their report could not be read" in html
    )


def test_a_stages_own_warnings_are_named_without_a_report(provisioned: Services) -> None:
    run = stored_run_running(provisioned)
    run.stages[0].detail.update(
        warnings=1,
        warning_list=[
            {
                "code": "submodule-not-fetched",
                "message": "themes/x: 'https://gitlab.com/a/<b>x</b>' is not...",
            }
        ],
    )
    html = page_of(provisioned, run)
    assert "1 warning" in html and "<code>submodule-not-fetched</code>" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x" not in html
