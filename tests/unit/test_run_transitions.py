"""The run's state machine, move by move, for a Hugo site's runs (an import, a push) and a code site's
push: every allowed transition leaves the run and its stages as the pipeline expects, and every
forbidden one raises `IllegalTransition` naming the run and why, changing nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.approvals import new_approval
from chalicelib.pipeline.flow import CODE_PUSH_STAGES, IMPORT_STAGES, PUSH_STAGES
from chalicelib.runmodel import FINISHED_RUN_STATUSES, TRANSITIONS, IllegalTransition, Run
from chalicelib.runparts import Approval, ArtifactRef, Trigger

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=80)  # past the default 72 hours


def new(kind: str) -> Run:
    """A fresh run: `import` and `push` of a Hugo site, `code` a code site's push."""
    if kind == "import":
        return Run.for_import(
            "r-import", "demo", Trigger.of_import("ingest", "imports/demo/a.xml", "a.xml"), IMPORT_STAGES, {}
        )
    stages = CODE_PUSH_STAGES if kind == "code" else PUSH_STAGES
    return Run.for_push(
        f"r-{kind}", "demo", "code" if kind == "code" else "hugo", Trigger("push"), stages, {}
    )


def first(kind: str) -> str:
    return "convert" if kind == "import" else "fetch"


def staged(kind: str) -> str:
    """The stage before the approval: prod's tree rendered once staging is live, or the code drop on
    `stage`."""
    return "codedrop-stage" if kind == "code" else "build-prod"


def prod(kind: str) -> str:
    return "codedrop-prod" if kind == "code" else "deploy-prod"


def through(run: Run, last: str) -> Run:
    """Run every stage up to and including `last` (each begins, then succeeds)."""
    for stage in run.stages:
        run.begin(stage.name)
        run.succeed(stage.name, {"summary": f"{stage.name} done"})
        if stage.name == last:
            break
    return run


def waiting(kind: str) -> Run:
    """A run on staging whose approval a person has been asked for."""
    run = through(new(kind), staged(kind))
    run.begin("approval")
    approval, _ = new_approval(NOW)
    run.await_approval(approval, "waiting for a person")
    return run


def approved(kind: str) -> Run:
    run = waiting(kind)
    run.approve(NOW, "203.0.113.9", "Mozilla/5.0")
    return run


def statuses(run: Run) -> dict[str, str]:
    return {stage.name: stage.status for stage in run.stages}


KINDS = ["import", "push", "code"]


# --- allowed moves ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_stage_begins_then_succeeds_with_its_detail_and_the_artifact_it_made(kind: str) -> None:
    run = new(kind)
    first = run.stages[0].name
    run.begin(first)
    assert (run.status, run.stage(first).status) == ("running", "running")
    assert run.stage(first).started_at
    run.succeed(first, {"source_key": "sources/x"}, artifact=ArtifactRef(presslift_toml="x = 1\n"))
    assert run.stage(first).status == "succeeded" and run.stage(first).detail == {"source_key": "sources/x"}
    assert run.artifact.presslift_toml == "x = 1\n" and run.status == "running"


@pytest.mark.parametrize("kind", KINDS)
def test_a_stage_runs_again_after_a_crashed_attempt_keeping_its_first_start(kind: str) -> None:
    run = new(kind)
    name = "build"
    through(run, first(kind)).begin(name)
    started = run.stage(name).started_at
    run.stage(name).error = "internal error (worker lost)"
    assert run.may_begin(name)
    run.begin(name)
    assert run.stage(name).status == "running" and run.stage(name).started_at == started
    assert run.stage(name).error is None


@pytest.mark.parametrize("kind", KINDS)
def test_a_failed_stage_ends_the_run_and_skips_every_stage_after_it(kind: str) -> None:
    run = through(new(kind), first(kind))
    run.begin("build")
    run.fail("build", "hugo: template error", {"log_tail": "line 3"})
    assert run.status == "failed" and run.finished
    assert (
        run.stage("build").error == "hugo: template error"
        and run.stage("build").detail["log_tail"] == "line 3"
    )
    assert [s.status for s in run.stages_after("build")] == ["skipped"] * len(run.stages_after("build"))


@pytest.mark.parametrize("kind", KINDS)
def test_a_deploy_a_newer_run_overtook_ends_superseded_at_that_stage(kind: str) -> None:
    run = through(new(kind), "build")
    first_target = "codedrop-dev" if kind == "code" else "deploy-staging"
    run.supersede(first_target, "superseded by a newer run of demo")
    assert run.status == "superseded"
    assert run.stage(first_target).status == "skipped" and "newer run" in (
        run.stage(first_target).error or ""
    )
    assert all(s.status == "skipped" for s in run.stages_after(first_target))
    assert run.approval is None


@pytest.mark.parametrize("kind", KINDS)
def test_a_run_waiting_for_approval_is_superseded_by_the_newer_one(kind: str) -> None:
    run = waiting(kind)
    run.supersede("approval", "superseded by run r-newer", by="r-newer")
    assert run.status == "superseded"
    assert run.approval is not None and run.approval.superseded_by == "r-newer"
    assert run.approval.status == "pending"  # nobody decided it: it can no longer be decided
    assert (run.stage("approval").status, run.stage(prod(kind)).status) == ("skipped", "skipped")


@pytest.mark.parametrize("kind", KINDS)
def test_a_run_waits_for_approval_then_a_person_approves_and_prod_finishes_it(kind: str) -> None:
    run = waiting(kind)
    assert run.status == "awaiting_approval" and run.stage("approval").status == "waiting"
    assert run.stage("approval").detail["summary"] == "waiting for a person"
    run.approve(NOW, "203.0.113.9", "Mozilla/5.0")
    assert run.status == "running" and run.stage("approval").status == "succeeded"
    assert run.approval is not None and (run.approval.status, run.approval.source_ip) == (
        "approved",
        "203.0.113.9",
    )
    assert run.stage("approval").detail["summary"] == "approved from 203.0.113.9"
    run.begin(prod(kind))
    run.succeed(prod(kind), {})
    run.finish()
    assert run.status == "succeeded" and all(s.status == "succeeded" for s in run.stages)


@pytest.mark.parametrize("kind", KINDS)
def test_a_site_whose_policy_needs_nobody_skips_the_approval(kind: str) -> None:
    run = through(new(kind), staged(kind))
    run.skip_approval("prod needs no approval for this site (its registration)")
    assert run.status == "running" and run.stage("approval").status == "skipped" and run.approval is None
    assert run.may_begin(prod(kind))


@pytest.mark.parametrize("kind", KINDS)
def test_a_rejected_run_ends_rejected_and_prod_is_skipped(kind: str) -> None:
    run = waiting(kind)
    run.reject(NOW, "203.0.113.9")
    assert run.status == "rejected" and run.approval is not None and run.approval.status == "rejected"
    assert (
        run.stage("approval").status == "failed" and run.stage("approval").error == "rejected by the approver"
    )
    assert run.stage(prod(kind)).status == "skipped"


@pytest.mark.parametrize("kind", KINDS)
def test_an_approval_nobody_decided_in_time_expires(kind: str) -> None:
    run = waiting(kind)
    with pytest.raises(IllegalTransition, match="its approval is open until"):
        run.expire(NOW)
    run.expire(LATER)
    assert run.status == "expired" and run.approval is not None and run.approval.status == "expired"
    assert run.stage("approval").status == "failed" and "nobody decided before" in (
        run.stage("approval").error or ""
    )
    assert run.stage(prod(kind)).status == "skipped"


@pytest.mark.parametrize("kind", KINDS)
def test_giving_up_fails_the_stage_the_run_is_at(kind: str) -> None:
    run = through(new(kind), first(kind))
    run.begin("build")
    assert run.give_up("internal error (gave up after retries)", {"dead_letter": {"queue": "build-dlq"}})
    assert run.status == "failed" and run.stage("build").status == "failed"
    assert run.stage("build").detail["dead_letter"] == {"queue": "build-dlq"}
    assert all(s.status == "skipped" for s in run.stages_after("build"))


@pytest.mark.parametrize("kind", KINDS)
def test_giving_up_on_a_run_waiting_for_approval_fails_its_approval(kind: str) -> None:
    run = waiting(kind)
    assert run.give_up("gave up")
    assert run.status == "failed" and run.stage("approval").status == "failed"


@pytest.mark.parametrize("kind", KINDS)
def test_a_prod_message_that_jumped_the_approval_fails_the_run_and_its_waiting_approval(kind: str) -> None:
    run = waiting(kind)
    run.fail(prod(kind), "run r is not approved for prod (awaiting approval)")
    assert run.status == "failed" and run.stage(prod(kind)).status == "failed"
    assert run.stage("approval").status == "skipped"  # nobody can decide an ended run


def test_a_restore_is_one_stage_that_finishes_the_run() -> None:
    source = approved("push")
    source.artifact = ArtifactRef("r-push", "x = 1\n")
    trigger = Trigger("publish", "publish of run r-push to prod", target="prod", to_run="r-push")
    run = Run.for_restore("r-pub", source, trigger, "deploy-prod", artifact_run="r-push")
    assert (run.kind, run.site, run.artifact) == ("hugo", "demo", ArtifactRef("r-push", "x = 1\n"))
    run.begin("deploy-prod")
    run.succeed("deploy-prod", {})
    run.finish()
    assert run.status == "succeeded"


# --- forbidden moves -------------------------------------------------------------------------------

#: Every transition, as a call on a run (with what it needs).
MOVES: dict[str, Callable[[Run], object]] = {
    "begin": lambda run: run.begin(run.stages[-1].name),
    "succeed": lambda run: run.succeed(run.stages[-1].name, {}),
    "fail": lambda run: run.fail(run.stages[-1].name, "x"),
    "supersede": lambda run: run.supersede(run.stages[-1].name, "x"),
    "skip_approval": lambda run: run.skip_approval("x"),
    "await_approval": lambda run: run.await_approval(Approval(), "x"),
    "approve": lambda run: run.approve(NOW),
    "reject": lambda run: run.reject(NOW),
    "expire": lambda run: run.expire(LATER),
    "finish": lambda run: run.finish(),
    "give_up": lambda run: run.give_up("x"),
}


def ended(kind: str, status: str) -> Run:
    """A run of `kind` that ended with `status`, the way the pipeline ends one."""
    if status == "succeeded":
        run = approved(kind)
        run.begin(prod(kind))
        run.succeed(prod(kind), {})
        run.finish()
    elif status == "failed":
        run = new(kind)
        run.fail(run.stages[0].name, "x")
    elif status == "rejected":
        run = waiting(kind)
        run.reject(NOW)
    elif status == "expired":
        run = waiting(kind)
        run.expire(LATER)
    else:
        run = waiting(kind)
        run.supersede("approval", "x", by="r2")
    assert run.status == status
    return run


def test_the_table_names_every_transition_and_every_status() -> None:
    assert set(MOVES) == set().union(*TRANSITIONS.values())
    assert all(callable(getattr(Run, move)) for move in MOVES)
    assert set(TRANSITIONS) == {"running", "awaiting_approval", *FINISHED_RUN_STATUSES}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("status", sorted(FINISHED_RUN_STATUSES))
@pytest.mark.parametrize("move", sorted(MOVES))
def test_an_ended_run_allows_no_transition(kind: str, status: str, move: str) -> None:
    run = ended(kind, status)
    before = copy.deepcopy(run)
    with pytest.raises(IllegalTransition, match=f"run {run.id} \\({status}\\) cannot .*allows no"):
        MOVES[move](run)
    assert run == before


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("move", ["skip_approval", "await_approval", "succeed", "finish"])
def test_a_run_waiting_for_a_person_moves_only_by_a_decision(kind: str, move: str) -> None:
    run = waiting(kind)
    before = copy.deepcopy(run)
    with pytest.raises(IllegalTransition, match="awaiting approval allows no"):
        MOVES[move](run)
    assert run == before


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("setup", "move", "why"),
    [
        (new, lambda run: run.succeed("build", {}), "stage build is pending, not running"),
        (new, lambda run: run.approve(NOW), "a run running allows no approve"),
        (new, lambda run: run.reject(NOW), "a run running allows no reject"),
        (new, lambda run: run.expire(LATER), "a run running allows no expire"),
        (new, lambda run: run.finish(), "is pending"),
        (new, lambda run: run.await_approval(Approval(), "x"), "stage approval is pending, not running"),
        (
            waiting,
            lambda run: run.begin(run.stages[-1].name),
            "cannot start while the run waits for approval",
        ),
        (waiting, lambda run: run.approve(LATER), "its approval expired at"),
        (approved, lambda run: run.approve(NOW), "a run running allows no approve"),
        (approved, lambda run: run.reject(NOW), "a run running allows no reject"),
    ],
    ids=[
        "succeed-before-begin",
        "approve-unasked",
        "reject-unasked",
        "expire-unasked",
        "finish-with-stages-left",
        "wait-before-approval-began",
        "prod-before-decision",
        "approve-expired",
        "approve-twice",
        "reject-approved",
    ],
)
def test_a_move_the_run_is_not_ready_for_is_refused(
    kind: str, setup: Callable[[str], Run], move: Callable[[Run], object], why: str
) -> None:
    run = setup(kind)
    before = copy.deepcopy(run)
    with pytest.raises(IllegalTransition, match=why):
        move(run)
    assert run == before


@pytest.mark.parametrize("kind", KINDS)
def test_giving_up_on_a_run_with_no_stage_left_changes_nothing(kind: str) -> None:
    run = through(new(kind), new(kind).stages[-1].name)
    assert run.give_up("x") is False and run.status == "running"
    run.finish()
    assert run.status == "succeeded"
