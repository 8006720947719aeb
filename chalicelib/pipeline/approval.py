"""Between staging and prod: ask a person (the default), or promote when the site's policy says so;
a person's decision; the scheduled expiry of approvals nobody decided.

A newer staging deploy supersedes older runs still waiting for approval: only the newest build of a
site can be approved.
"""

from __future__ import annotations

from chalicelib import approvals, clearance, notify, runview
from chalicelib.errors import ConflictError, PipelineError
from chalicelib.pipeline.steps import after_failure, promote
from chalicelib.runs import Run, utc_now
from chalicelib.services import Services
from chalicelib.sites import approval_policy
from chalicelib.stages import begin, end_run, fail
from chalicelib.work import codedrop as codedrop_work
from chalicelib.work import deploy as deploy_work


def after_staging(svc: Services, run_id: str, *, final_attempt: bool = True) -> Run | None:
    """Staging is live: ask a person (the default for prod), or promote at once when the site says so."""
    run = svc.runs.get(run_id)
    _supersede_waiting(svc, run)
    if clearance.person_needed(clearance.approval_policy(svc, run)):
        return request_approval(svc, run_id, final_attempt=final_attempt)

    def skip(r: Run) -> None:
        stage = r.stage("approval")
        if stage.status in ("pending", "running"):
            stage.status = "skipped"
            stage.detail["summary"] = "prod needs no approval for this site (its registration)"

    run = svc.runs.update(run_id, skip)
    promote(svc, run, "prod")
    return run


def _supersede_waiting(svc: Services, newer: Run) -> None:
    """Older runs of the site still waiting for approval can no longer be approved."""
    for run in svc.runs.each(site=newer.site):
        if run.id != newer.id and run.status == "awaiting_approval" and run.generation < newer.generation:

            def change(r: Run) -> None:
                if r.status == "awaiting_approval":
                    r.approval["superseded_by"] = newer.id
                    end_run(
                        r,
                        r.stage("approval"),
                        f"superseded by run {newer.id}",
                        status="superseded",
                        stage_status="skipped",
                    )

            svc.runs.update(run.id, change)


def request_approval(svc: Services, run_id: str, *, final_attempt: bool = True) -> Run | None:
    """After staging: plan prod, open an approval, and email its link."""
    run = begin(svc, run_id, "approval")
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
        fail(svc, run_id, "approval", f"cannot plan the prod deploy: {exc}")
        after_failure(svc, run_id)
        return None
    policy = approval_policy(svc, run.site)
    record, token = approvals.new_approval(svc.clock(), approvals.ttl(policy.ttl_hours))
    record["plan"] = plan_summary
    record["plan_files"] = plan_files or {"files": [], "more": 0}
    record["plan_text"] = plan_text

    def change(r: Run) -> None:
        r.approval = record
        r.stage("approval").status = "waiting"
        r.stage("approval").detail["summary"] = (
            f"waiting for a person until {runview.when(record['expires_at'])}"
        )
        r.status = "awaiting_approval"

    run = svc.runs.update(run_id, change)
    notify.approval_requested(svc, run, svc.settings.approval_url(run.id, token))
    return run


def decide(
    svc: Services, run_id: str, token: str | None, decision: approvals.Decision, *, operator: bool = False
) -> Run:
    """A person's POST from the confirm page: approve (enqueue prod) or reject (end the run).

    `operator=True` is for `presslift approve`: an operator with the pipeline's AWS credentials needs no
    emailed token, but the approval must still be pending, unexpired and not superseded.
    """

    def change(run: Run) -> None:
        now = svc.clock()
        if operator:
            approvals.check_pending(run, now)
        else:
            approvals.check_token(run, token, now)
        approvals.record_decision(run, decision, now)
        stage = run.stage("approval")
        if decision.decision == "approve":
            stage.status = "succeeded"
            stage.finished_at = utc_now()
            stage.detail["decision"] = "approved"
            stage.detail["summary"] = f"approved from {decision.source_ip or 'an unknown address'}"
            run.status = "running"
        else:
            end_run(run, stage, "rejected by the approver", status="rejected")

    run = svc.runs.update(run_id, change)
    if decision.decision == "approve":
        promote(svc, run, "prod")
    return run


def check_approvable(svc: Services, run_id: str, token: str | None) -> Run:
    """The run behind an approval link, if the token opens it (GET: shows, changes nothing)."""
    run = svc.runs.get(run_id)
    approvals.check_token(run, token, svc.clock())
    return run


def expire_approvals(svc: Services) -> list[str]:
    """Mark runs whose approval expired as expired (the scheduled sweep); the ids it expired."""
    now = svc.clock()
    expired = []
    for run in svc.runs.each():
        if run.status != "awaiting_approval" or not run.approval:
            continue
        if approvals.is_expired(run, now):

            def change(r: Run) -> None:
                if r.status == "awaiting_approval" and approvals.is_expired(r, now):
                    r.approval["status"] = "expired"
                    end_run(
                        r,
                        r.stage("approval"),
                        f"nobody decided before {r.approval['expires_at']}",
                        status="expired",
                    )

            try:
                svc.runs.update(run.id, change)
            except ConflictError:
                continue
            expired.append(run.id)
    return expired
