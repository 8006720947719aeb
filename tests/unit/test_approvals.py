from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import approvals
from chalicelib.errors import ConflictError, ForbiddenError, UnauthorizedError
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def waiting_run() -> tuple[Run, str]:
    record, token = approvals.new_approval(NOW, timedelta(hours=1))
    run = Run(
        id="r1", site="demo", kind="hugo", trigger=Trigger("import"), stages=[Stage("approval", "waiting")]
    )
    run.approval = record
    run.status = "awaiting_approval"
    return run, token


def test_the_token_is_stored_only_as_a_hash():
    run, token = waiting_run()
    assert token not in str(run.to_dict())
    assert run.approval.token_sha256 == approvals.hash_token(token)
    assert len(token) >= 43  # 256 bits, URL-safe base64


def test_the_right_token_opens_a_pending_approval():
    run, token = waiting_run()
    approvals.check_token(run, token, NOW + timedelta(minutes=59))


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_missing_or_forged_tokens_are_refused(token):
    run, _ = waiting_run()
    with pytest.raises(UnauthorizedError):
        approvals.check_token(run, token, NOW)


def test_an_expired_approval_is_refused():
    run, token = waiting_run()
    with pytest.raises(ForbiddenError, match="expired"):
        approvals.check_token(run, token, NOW + timedelta(hours=1))


def test_an_approval_decides_once():
    run, token = waiting_run()
    approvals.record_decision(run, approvals.Decision("approve", "127.0.0.1", "pytest"), NOW)
    assert run.approval.status == "approved"
    assert run.approval.source_ip == "127.0.0.1"
    with pytest.raises(ConflictError, match="already decided") as decided:
        approvals.check_token(run, token, NOW)
    # A time as people read it, not Python's 2026-11-29T12:00:00.143555+00:00.
    assert str(decided.value) == "this approval was already decided: approved at 2026-11-29 12:00 UTC"


def test_a_superseded_run_names_the_newer_run():
    run, token = waiting_run()
    run.status = "superseded"
    run.approval = replace(run.approval, superseded_by="r2")
    with pytest.raises(ConflictError, match="r2"):
        approvals.check_token(run, token, NOW)


def test_the_email_carries_the_links_and_the_expiry():
    run, _ = waiting_run()
    subject, body = approvals.email(
        run,
        approval_url="http://x/approvals/r1?token=t",
        staging_url="http://x/sites/demo/staging/",
        plan_text="3 uploads",
        run_page_url="http://x/runs/r1/page",
    )
    assert "demo" in subject and len(subject) <= 100
    expires = run.approval.expires_at
    for text in (
        "http://x/approvals/r1?token=t",
        "http://x/sites/demo/staging/",
        "http://x/runs/r1/page",
        "3 uploads",
        f"expires at {expires[:10]} {expires[11:16]} UTC.",
    ):
        assert text in body


def test_the_email_and_the_page_name_the_runs_warnings():
    """The person deciding saw nothing of 60 warnings (images still at the old site, a post left out)."""
    from chalicelib.web import approval_page

    run, token = waiting_run()
    summary = "48 posts, 21 pages published; 2 drafts; 60 warnings; 39 media files left at the old site's URL"
    run.stages = [
        Stage("convert", "succeeded", detail={"warnings": 60, "summary": summary}),
        Stage(
            "build",
            "succeeded",
            detail={
                "warnings": 1,
                "warning_list": [{"code": "hugo-warning", "message": "a raw HTML left out"}],
            },
        ),
        *run.stages,
    ]
    _, body = approvals.email(run, approval_url="u", staging_url="s", plan_text="p", run_page_url="r")
    assert "Warnings:     61 warnings (convert 60, build 1); the run's page lists them all:" in body
    assert f"  - convert: {summary}" in body and "  - hugo-warning: a raw HTML left out" in body
    page = approval_page(run, token=token, action="/a", now=NOW)
    assert "<dt>Warnings</dt><dd>61 warnings (convert 60, build 1)" in page
    assert "39 media files left at the old site&#39;s URL" in page
    clean, _ = waiting_run()
    assert (
        "Warnings"
        not in approvals.email(clean, approval_url="u", staging_url="s", plan_text="p", run_page_url="r")[1]
    )
