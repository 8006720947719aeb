"""Between staging and prod: ask a person (the default), or promote when the site's policy says so;
a person's decision; the scheduled expiry of approvals nobody decided.

A newer staging deploy supersedes older runs still waiting for approval: only the newest build of a
site can be approved.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime

from chalicelib import approvals, clearance, metrics, requestcount, runview, usage
from chalicelib.collaborators import Deciding, Records, RecordsAndClock
from chalicelib.errors import ConflictError, PipelineError
from chalicelib.pipeline.steps import after_failure, promote
from chalicelib.review.approval import review_for_approval
from chalicelib.runs import Run
from chalicelib.services import Services
from chalicelib.sites import approval_policy
from chalicelib.stages import begin, fail
from chalicelib.work import codedrop as codedrop_work
from chalicelib.work import deploy as deploy_work

#: The stage between staging and the approval: prod's tree, rendered once staging is live.
BUILD_PROD = "build-prod"


def after_staging(svc: Services, run_id: str, *, final_attempt: bool = True) -> Run | None:
    """Staging is live: ask a person (the default for prod), or promote at once when the site says so."""
    run = svc.runs.get(run_id)
    _supersede_waiting(svc, run)
    if clearance.person_needed(clearance.approval_policy(svc, run)):
        return request_approval(svc, run_id, final_attempt=final_attempt)
    why = "prod needs no approval for this site (its registration)"
    run = svc.runs.update(run_id, lambda r: r.skip_approval(why) if _undecided(r) else None)
    promote(svc, run, "prod")
    return run


def _undecided(run: Run) -> bool:
    return run.may("skip_approval") and run.stage("approval").status in ("pending", "running")


def _supersede_waiting(svc: Records, newer: Run) -> None:
    """Older runs of the site still waiting for approval can no longer be approved."""
    for run in svc.runs.open_runs(site=newer.site):
        if run.id != newer.id and run.status == "awaiting_approval" and run.generation < newer.generation:
            svc.runs.update(
                run.id,
                lambda r: (
                    r.supersede("approval", f"superseded by run {newer.id}", by=newer.id)
                    if r.status == "awaiting_approval"
                    else None
                ),
            )


def request_approval(svc: Services, run_id: str, *, final_attempt: bool = True) -> Run | None:
    """After staging: plan prod, review a Hugo site's changes against prod, open an approval, and email
    its link. A review that cannot be made says why on the approval, which opens all the same."""
    with requestcount.counting() as requests:
        started = time.monotonic()
        run = _request_approval(svc, run_id)
    if run is not None and run.stage("approval").status == "waiting":
        # What asking used (its Lambda time, its reads, the email), on the step's record: the decision
        # adds its own when a person answers.
        used = (usage.lambda_usage("approval", time.monotonic() - started) + requests.usage()).to_dict()
        run = svc.runs.update(run_id, lambda r: r.stage("approval").detail.update(usage=used))
    return run


def _request_approval(svc: Services, run_id: str) -> Run | None:
    run = begin(svc.runs, run_id, "approval")
    if run is None:
        return None
    try:
        if run.kind == "code":
            drop = codedrop_work.plan_codedrop(svc, run, "prod")
            plan_text, plan_summary, plan_files = drop.text, drop.summary(), None
        else:
            # The manifest and the target only: what the approver sees is what prod's deploy applies.
            prod = deploy_work.plan_deploy(svc, run, "prod")
            plan_text, plan_summary, plan_files = prod.text, prod.publish.summary(), prod.publish.files()
    except PipelineError as exc:
        fail(svc.runs, run_id, "approval", f"cannot plan the prod deploy: {exc}")
        after_failure(svc, run_id)
        return None
    review = review_for_approval(svc, run) if run.kind == "hugo" else {}
    policy = approval_policy(svc, run.site)
    asked, token = approvals.new_approval(svc.clock(), approvals.ttl(policy.ttl_hours))
    approval = replace(
        asked,
        plan=plan_summary,
        plan_files=plan_files or {"files": [], "more": 0},
        plan_text=plan_text,
        review=review,
    )
    waiting = f"waiting for a person until {runview.when(approval.expires_at)}"
    run = svc.runs.update(run_id, lambda r: r.await_approval(approval, waiting))
    svc.notifier.approval_requested(run, svc.settings.approval_url(run.id, token))
    return run


def decide(
    svc: Deciding, run_id: str, token: str | None, decision: approvals.Decision, *, operator: bool = False
) -> Run:
    """A person's POST from the confirm page: approve (enqueue prod) or reject (end the run).

    `operator=True` is for `presslift approve`: an operator with the pipeline's AWS credentials needs no
    emailed token, but the approval must still be pending, unexpired and not superseded.
    """

    started = time.monotonic()

    def change(run: Run) -> None:
        now = svc.clock()
        if operator:
            approvals.check_pending(run, now)
        else:
            approvals.check_token(run, token, now)
        approvals.record_decision(run, decision, now)

    with requestcount.counting() as requests:
        run = svc.runs.update(run_id, change)
    # The decision's own use (the API function's time and its requests) adds to what asking used, as
    # a stage's: the write that records it comes after.
    decided = usage.lambda_usage("decision", time.monotonic() - started, usage.memory_mb("api"))
    run = svc.runs.update(run_id, lambda r: _add_usage(r, decided + requests.usage()))
    _waited(run, "succeeded" if decision.decision == "approve" else "rejected", svc.clock())
    if decision.decision == "approve":
        promote(svc, run, "prod")
    return run


def _add_usage(run: Run, used: usage.Usage) -> None:
    step = run.stage("approval")
    step.detail["usage"] = (usage.Usage.from_dict(step.detail.get("usage")) + used).to_dict()


def _waited(run: Run, outcome: str, now: datetime) -> None:
    """How long the approval waited, and how it ended, as a metric (the expired-approval alarm's)."""
    requested = run.approval.requested_at if run.approval else ""
    waited = (now - datetime.fromisoformat(requested)).total_seconds() if requested else 0.0
    metrics.emit("approval", outcome, max(waited, 0.0), run.site, run_id=run.id)


def check_approvable(svc: RecordsAndClock, run_id: str, token: str | None) -> Run:
    """The run behind an approval link, if the token opens it (GET: shows, changes nothing)."""
    run = svc.runs.get(run_id)
    approvals.check_token(run, token, svc.clock())
    return run


def expire_approvals(svc: RecordsAndClock) -> list[str]:
    """Mark runs whose approval expired as expired (the scheduled sweep); the ids it expired."""
    now = svc.clock()
    expired = []
    svc.runs.index_open_runs()  # once, for runs stored before the open-runs index existed
    for run in svc.runs.open_runs():
        if run.status != "awaiting_approval" or not approvals.is_expired(run, now):
            continue
        try:
            # Decided, superseded or expired meanwhile: IllegalTransition (a ConflictError), left as it is.
            done = svc.runs.update(run.id, lambda r: r.expire(now))
        except ConflictError:
            continue
        _waited(done, "expired", now)
        expired.append(run.id)
    return expired
