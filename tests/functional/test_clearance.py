"""Prod changes only for a run its own record clears: approval enforced where the deploy happens.

Each run here is written to the table as the pipeline would have left it; the deploy, code drop,
rollback and publish then decide from those records alone (nothing is deployed: every refusal comes
before the work, and the messages that would follow are read off the queue).
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console

from chalicelib import approvals, clearance, deadletters, events, pipeline, runview
from chalicelib.errors import ConflictError, ForbiddenError
from chalicelib.pipeline.sweep import gave_up_reason
from chalicelib.runparts import Approval, ApprovalStatus, ArtifactRef, Trigger
from chalicelib.runs import Run, Stage, new_run_id
from chalicelib.sitemodel import ApprovalPolicy, Site
from presslift.runlog import runs_table

SITE = "guarded"


def auto_promote(svc) -> None:
    """The site's operator lets staging go on to prod by itself (`presslift site update --auto-promote`)."""
    svc.sites.add(Site(SITE, repo="acme/guarded", approval=ApprovalPolicy(prod=False, auto_promote=True)))


def stored(svc, status: str, *, stages: dict[str, str], approval: Approval | None = None, **fields) -> Run:
    """A build run of SITE as the pipeline leaves it, with the site's next generation."""
    run = Run(
        id=new_run_id(),
        site=SITE,
        kind=fields.pop("kind", "hugo"),
        trigger=fields.pop("trigger", Trigger("push", branch="main")),
        stages=[Stage(name, state) for name, state in stages.items()],
        status=status,
        approval=approval,
        generation=svc.sites.next_generation(SITE),
        **fields,
    )
    run.artifact = ArtifactRef(artifact_run=run.artifact.artifact_run or run.id)
    return svc.runs.create(run)


def pending(expires_in: timedelta = timedelta(hours=1)) -> Approval:
    record, _ = approvals.new_approval(datetime.now(UTC), expires_in)
    return record


def decided(status: ApprovalStatus) -> Approval:
    return replace(pending(), status=status, decided_at=datetime.now(UTC).isoformat())


def awaiting(svc) -> Run:
    stages = {
        "build": "succeeded",
        "deploy-staging": "succeeded",
        "approval": "waiting",
        "deploy-prod": "pending",
    }
    return stored(svc, "awaiting_approval", stages=stages, approval=pending())


def live_on_prod(svc, approval: str = "succeeded") -> Run:
    stages = {
        "build": "succeeded",
        "deploy-staging": "succeeded",
        "approval": approval,
        "deploy-prod": "succeeded",
    }
    run = stored(
        svc, "succeeded", stages=stages, approval=decided("approved") if approval == "succeeded" else None
    )
    return svc.runs.update(run.id, lambda r: r.stage("deploy-prod").detail.update(artifact_run=r.id))


def queued(svc, role: str = "deploy") -> list[dict]:
    messages = svc.sqs.receive_message(QueueUrl=svc.queue_url(role), MaxNumberOfMessages=10).get(
        "Messages", []
    )
    return [json.loads(message["Body"]) for message in messages]


def ready_for_prod(svc, case: str) -> Run:
    """A run about to go to prod, in each state its approval can be in."""
    before = {"build": "succeeded", "deploy-staging": "succeeded"}
    if case == "approved":
        return stored(
            svc,
            "running",
            stages={**before, "approval": "succeeded", "deploy-prod": "pending"},
            approval=decided("approved"),
        )
    if case == "auto-promote":
        auto_promote(svc)
        return stored(
            svc,
            "running",
            stages={**before, "approval": "skipped", "deploy-prod": "pending"},
        )
    if case == "awaiting":
        return awaiting(svc)
    if case == "rejected":
        return stored(
            svc,
            "rejected",
            stages={**before, "approval": "failed", "deploy-prod": "skipped"},
            approval=decided("rejected"),
        )
    if case == "expired":
        return stored(
            svc,
            "expired",
            stages={**before, "approval": "failed", "deploy-prod": "skipped"},
            approval=replace(pending(timedelta(seconds=-1)), status="expired"),
        )
    if case == "superseded":
        return stored(
            svc,
            "superseded",
            stages={**before, "approval": "skipped", "deploy-prod": "skipped"},
            approval=replace(pending(), superseded_by="20261130-000000-000-newer1"),
        )
    if case == "no approval asked":  # the policy wants a person, but nobody was asked
        return stored(svc, "running", stages={**before, "approval": "skipped", "deploy-prod": "pending"})
    raise AssertionError(case)


@pytest.mark.parametrize(
    ("case", "cleared"),
    [
        ("approved", "approved at "),
        ("auto-promote", "the site's approval policy promotes staging to prod"),
    ],
)
def test_an_approved_or_auto_promoted_run_is_cleared_for_prod(provisioned, case, cleared):
    run = ready_for_prod(provisioned, case)
    assert clearance.check(provisioned, run, "prod").startswith(cleared)


@pytest.mark.parametrize(
    ("case", "why"),
    [
        ("awaiting", "(awaiting approval)"),
        ("rejected", "(rejected by the approver at "),
        ("expired", "(its approval expired at "),
        ("superseded", "(superseded by 20261130-000000-000-newer1)"),
        ("no approval asked", "(no approval was asked for: the approval stage is skipped)"),
    ],
)
def test_a_run_without_an_approval_is_refused_prod_saying_why(provisioned, case, why):
    run = ready_for_prod(provisioned, case)
    with pytest.raises(ForbiddenError) as refused:
        clearance.check(provisioned, run, "prod")
    assert str(refused.value).startswith(f"run {run.id} is not approved for prod {why}")


def test_staging_needs_no_approval(provisioned):
    assert clearance.check(provisioned, awaiting(provisioned), "staging") == "staging needs no approval"


def test_the_approval_policy_is_read_in_one_place(provisioned):
    assert clearance.person_needed(clearance.approval_policy(provisioned, awaiting(provisioned)))
    run = ready_for_prod(provisioned, "auto-promote")  # the operator's registration changes the policy
    policy = clearance.approval_policy(provisioned, run)
    assert policy.auto_promote and not clearance.person_needed(policy)


def test_a_deploy_message_for_a_run_awaiting_approval_fails_it_and_changes_nothing(provisioned):
    run = awaiting(provisioned)
    claimed = provisioned.sites.deployed_generation(SITE, "prod")

    assert pipeline.deploy(provisioned, events.DeployRequest(run.id, SITE, "prod")) is None

    after = provisioned.runs.get(run.id)
    assert after.status == "failed"
    assert after.stage("deploy-prod").status == "failed"
    assert after.stage("deploy-prod").error == f"run {run.id} is not approved for prod (awaiting approval)"
    assert after.stage("approval").status == "skipped"
    assert provisioned.sites.deployed_generation(SITE, "prod") == claimed  # not even the claim moved
    assert "publish" not in after.stage("deploy-prod").detail
    # The approval it jumped says so instead of answering "being deployed" and deploying nothing.
    with pytest.raises(ConflictError, match=f"run {run.id} has ended \\(failed at deploy-prod: "):
        pipeline.decide(provisioned, run.id, None, approvals.Decision("approve"), operator=True)


def test_a_deploy_message_for_a_run_that_has_ended_changes_nothing(provisioned):
    run = ready_for_prod(provisioned, "rejected")
    # A run that has ended is left alone: the message is dropped, the record unchanged.
    assert pipeline.deploy(provisioned, events.DeployRequest(run.id, SITE, "prod")).status == "rejected"
    assert provisioned.runs.get(run.id).stage("deploy-prod").error is None


def test_a_code_drop_to_prod_for_a_run_awaiting_approval_is_refused(provisioned):
    stages = {
        "build": "succeeded",
        "codedrop-dev": "succeeded",
        "codedrop-stage": "succeeded",
        "approval": "waiting",
        "codedrop-prod": "pending",
    }
    run = stored(provisioned, "awaiting_approval", stages=stages, approval=pending(), kind="code")

    assert pipeline.codedrop(provisioned, events.DeployRequest(run.id, SITE, "prod")) is None

    after = provisioned.runs.get(run.id)
    assert after.status == "failed"
    assert after.stage("codedrop-prod").error == f"run {run.id} is not approved for prod (awaiting approval)"


def test_a_rollback_to_a_rejected_build_is_refused_naming_it(provisioned):
    live_on_prod(provisioned)
    rejected = ready_for_prod(provisioned, "rejected")
    with pytest.raises(ForbiddenError) as refused:
        pipeline.rollback(provisioned, SITE, "prod", rejected.id)
    message = str(refused.value)
    assert message.startswith(f"cannot roll {SITE} prod back to run {rejected.id}: it was never live on prod")
    assert "(rejected by the approver at " in message
    assert queued(provisioned) == []


@pytest.mark.parametrize("case", ["awaiting", "expired", "superseded"])
def test_a_rollback_to_a_never_approved_build_is_refused(provisioned, case):
    live_on_prod(provisioned)
    target = ready_for_prod(provisioned, case)
    with pytest.raises(ForbiddenError, match=f"back to run {target.id}: it was never live on prod"):
        pipeline.rollback(provisioned, SITE, "prod", target.id)


def test_a_rollback_supersedes_no_pending_approval(provisioned):
    earlier, current = live_on_prod(provisioned), live_on_prod(provisioned)
    waiting = awaiting(provisioned)
    generation = provisioned.sites.current_generation(SITE)

    rollback = pipeline.rollback(provisioned, SITE, "prod")

    assert rollback.trigger.to_run == earlier.id and rollback.artifact.artifact_run == earlier.id
    assert rollback.trigger.allow_deletes is False
    assert provisioned.sites.current_generation(SITE) == generation  # no newer build
    assert rollback.generation <= waiting.generation
    assert clearance.check(provisioned, rollback, "prod").startswith(f"restores {earlier.id}, live on prod")
    assert [m["run_id"] for m in queued(provisioned)] == [rollback.id]
    # The run waiting for a person can still be approved, and is then cleared for prod.
    approved = pipeline.decide(provisioned, waiting.id, None, approvals.Decision("approve"), operator=True)
    assert approved.status == "running"
    assert clearance.check(provisioned, approved, "prod").startswith("approved at ")
    assert current.id != earlier.id


def test_a_rollback_with_no_run_skips_builds_that_are_live_already(provisioned):
    first = live_on_prod(provisioned)
    second = live_on_prod(provisioned)
    back = pipeline.rollback(provisioned, SITE, "prod")
    provisioned.runs.update(back.id, lambda r: setattr(r.stage("deploy-prod"), "status", "succeeded"))
    provisioned.runs.update(back.id, lambda r: r.stage("deploy-prod").detail.update(artifact_run=first.id))
    # prod has `first` again: the one before it is `second`, not `first` once more
    assert pipeline.rollback(provisioned, SITE, "prod").trigger.to_run == second.id


def test_a_rollback_keeps_the_delete_limits_unless_the_operator_lifts_them(provisioned):
    earlier = live_on_prod(provisioned)
    live_on_prod(provisioned)
    kept = pipeline.rollback(provisioned, SITE, "prod", earlier.id)
    lifted = pipeline.rollback(provisioned, SITE, "prod", earlier.id, allow_deletes=True)
    assert kept.trigger.allow_deletes is False
    assert lifted.trigger.allow_deletes is True and "(deletes allowed)" in lifted.trigger.summary


def test_a_forged_rollback_record_of_a_rejected_build_is_refused_at_the_deploy(provisioned):
    rejected = ready_for_prod(provisioned, "rejected")
    forged = provisioned.runs.create(
        Run(
            id=new_run_id(),
            site=SITE,
            kind="hugo",
            trigger=Trigger("rollback", to_run=rejected.id, target="prod"),
            stages=[Stage("deploy-prod")],
            artifact=ArtifactRef(artifact_run=rejected.id),
        )
    )
    assert pipeline.deploy(provisioned, events.DeployRequest(forged.id, SITE, "prod")) is None
    error = provisioned.runs.get(forged.id).stage("deploy-prod").error
    assert error.startswith(f"run {rejected.id} was never live on prod (rejected by the approver at ")


def test_publish_refuses_a_build_awaiting_approval_and_names_the_build_prod_has(provisioned):
    live = live_on_prod(provisioned)
    waiting = awaiting(provisioned)
    source, artifact = pipeline.publishable(provisioned, SITE, "prod")
    assert (source.id, artifact) == (live.id, live.id)  # by default what prod holds: never a new build
    with pytest.raises(ForbiddenError) as refused:
        pipeline.publish(provisioned, SITE, "prod", waiting.id)
    assert str(refused.value) == (
        f"cannot publish run {waiting.id} to prod: run {waiting.id} is not approved for prod "
        f"(awaiting approval); prod has run {live.id}'s build (--run {live.id})"
    )
    assert queued(provisioned) == []
    published = pipeline.publish(provisioned, SITE, "prod", live.id)
    assert published.trigger.type == "publish" and published.trigger.to_run == live.id
    assert provisioned.runs.get(waiting.id).status == "awaiting_approval"  # superseded by nothing


def test_publish_takes_an_approved_build_that_prod_never_had(provisioned):
    live_on_prod(provisioned)
    approved = ready_for_prod(provisioned, "approved")
    run = pipeline.publish(provisioned, SITE, "prod", approved.id)
    assert clearance.check(provisioned, run, "prod") == f"publishes run {approved.id}: " + (
        f"approved at {approved.approval.decided_at}"
    )
    assert pipeline.publish(provisioned, SITE, "staging", awaiting(provisioned).id).trigger.type == "publish"


def test_a_publish_is_recorded_and_shown_as_a_publish_not_a_rollback(provisioned):
    live = live_on_prod(provisioned)
    published = pipeline.publish(provisioned, SITE, "prod", who="ana")
    stored_doc = provisioned.runs.get(published.id).to_dict()
    assert stored_doc["trigger"]["type"] == "publish" and stored_doc["format"] == 2
    assert (published.trigger.target, published.trigger.to_run, published.trigger.by) == (
        "prod",
        live.id,
        "ana",
    )
    assert published.stages[0].name == "deploy-prod" and published.artifact.artifact_run == live.id

    now = datetime.now(UTC)
    row = runview.trigger_text(published)
    assert row == f"publish of run {live.id} to prod" and "rollback" not in row
    table = io.StringIO()
    Console(file=table, width=300).print(runs_table([published], now))
    assert f"publish of run {live.id} to prod" in table.getvalue() and "rollback" not in table.getvalue()
    assert runview.as_json(published, now)["trigger"]["type"] == "publish"
    letter = deadletters.DeadLetter("deploy", "deploy-dlq", "m1", "h1", "{}")
    assert gave_up_reason(provisioned, published, letter).endswith("then publish again")


@pytest.mark.parametrize("stage", ["staging", "prod"])
def test_a_previews_build_is_never_published_to_a_stage(provisioned, stage):
    """`publish harbour staging --run <a preview's run>` was queued, then failed for want of a staging
    manifest; it is refused at once, saying where that build goes."""
    live_on_prod(provisioned)
    trigger = Trigger("preview", branch="feature", preview="previews/pr-7/")
    preview = stored(
        provisioned, "succeeded", stages={"fetch": "succeeded", "build": "succeeded"}, trigger=trigger
    )
    with pytest.raises(ForbiddenError, match=f"run {preview.id} built a preview \\(previews/pr-7/\\)"):
        pipeline.publish(provisioned, SITE, stage, preview.id)
    assert queued(provisioned) == []


def test_a_code_sites_rollback_names_the_release_before_the_current_one(provisioned):
    """The dashboard's confirmation named no release for a code site, so a form sent again switched
    one release further back each time."""
    releases = []
    for n in range(3):
        run = stored(provisioned, "succeeded", stages={"build": "succeeded"}, kind="code")
        finished = f"2026-12-04T10:0{n}:00.000Z"
        stage = Stage("codedrop-dev", "succeeded", finished_at=finished, detail={"drop": {"run_id": run.id}})
        provisioned.runs.update(run.id, lambda r, stage=stage: r.stages.append(stage))
        releases.append(run.id)
    assert pipeline.rollback_target(provisioned, SITE, "dev") == releases[1]
