"""The dashboard's home and the approval page, rendered from runs: status lines, times, tones, reloads."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from chalicelib import web
from chalicelib.config import ApiLinks
from chalicelib.runparts import Approval, Trigger
from chalicelib.runs import Run, Stage
from tests.e2e.test_api_paths import Page

NOW = datetime(2026, 11, 30, 14, 10, tzinfo=UTC)
LINKS = ApiLinks("https://abc.execute-api.us-east-1.amazonaws.com/api")


def a_run(run_id: str, status: str, *stages: Stage) -> Run:
    return Run(
        id=run_id, site="demo", kind="hugo", trigger=Trigger("import"), status=status, stages=list(stages)
    )


def test_the_home_page_links_each_runs_page_with_its_times_and_warnings() -> None:
    run = a_run(
        "r1",
        "succeeded",
        Stage(
            "convert", "succeeded", "2026-11-30T14:05:00Z", "2026-11-30T14:05:30Z", detail={"warnings": 39}
        ),
        Stage("build", "succeeded", "2026-11-30T14:05:30Z", "2026-11-30T14:06:42Z"),
    )
    html = web.dashboard([run], links=LINKS, now=NOW)
    assert f"{LINKS.base}/runs/r1/page" in Page(html).links
    assert "succeeded, 39 warnings" in html
    assert "5 min ago" in html and "2026-11-30 14:05 UTC" in html and "took 1 m 42 s" in html
    assert "1 m 12 s · " in html  # the build stage's duration
    assert 'http-equiv="refresh"' not in html


def test_superseded_runs_and_skipped_stages_are_not_drawn_as_errors() -> None:
    run = a_run(
        "r1",
        "superseded",
        Stage("approval", "skipped", error="superseded by run r2"),
        Stage("deploy-prod", "skipped"),
    )
    html = web.dashboard([run], links=LINKS, now=NOW)
    assert "badge superseded tone-neutral" in html and not re.search(r'class="[^"]*tone-bad', html)
    assert html.count('class="stage skipped tone-neutral"') == 2


def test_the_home_page_reloads_only_while_a_run_is_running() -> None:
    waiting = a_run("r1", "awaiting_approval", Stage("approval", "waiting", "2026-11-30T14:05:00Z"))
    running = a_run("r2", "running", Stage("build", "running", "2026-11-30T14:09:00Z"))
    assert 'http-equiv="refresh"' not in web.dashboard([waiting], links=LINKS, now=NOW)
    html = web.dashboard([running, waiting], links=LINKS, now=NOW)
    assert '<meta http-equiv="refresh" content="5">' in html and "<script" not in html
    assert "1 m 0 s so far" in html


def test_the_approval_page_wraps_its_plan_and_lists_every_file_without_script() -> None:
    run = a_run("r1", "awaiting_approval", Stage("approval", "waiting"))
    run.urls = {"prod": "https://www.example/"}
    run.approval = Approval(
        expires_at="2026-12-03T14:10:00+00:00",
        plan_text="Publish to s3://b/demo/ " + "very-long-" * 40,
        plan_files={"files": [{"path": "posts/a/index.html", "reason": "new", "size": 1}], "more": 0},
    )
    html = web.approval_page(run, token="t0k", action=LINKS.approval("r1"), now=NOW)
    assert '<pre class="approval-plan">' in html
    assert "2026-12-03 14:10 UTC (in 3 days)" in html
    assert "https://www.example/posts/a/" in Page(html).links and "<details" in html
    assert "<script" not in html


def test_a_listing_of_runs_leaves_out_the_plans_file_lists_that_the_run_itself_has() -> None:
    files = {"files": [{"path": "index.html", "reason": "new", "size": 1}], "more": 0}
    run = a_run("r1", "awaiting_approval", Stage("deploy-staging", "succeeded", detail={"plan_files": files}))
    run.approval = Approval(plan_text="upload 1", plan_files=files, token_sha256="secret-hash")
    alone = web.run_json(run, LINKS.run("r1"))
    listed = web.run_json(run, LINKS.run("r1"), listed=True)
    assert alone["approval"]["plan_files"] == files and alone["stages"][0]["detail"]["plan_files"] == files
    assert "plan_files" not in listed["approval"] and "plan_files" not in listed["stages"][0]["detail"]
    assert listed["approval"]["plan_text"] == "upload 1"
    assert "token_sha256" not in alone["approval"] and "token_sha256" not in listed["approval"]
    assert run.approval.plan_files == files  # the run itself is untouched
