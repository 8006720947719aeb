import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib import approvals, pipeline
from chalicelib.errors import ForbiddenError
from chalicelib.pipeline import approval
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, RunStore, Stage, new_run_id
from chalicelib.sites import SiteStore


def waiting(
    svc, *, expires_in: timedelta, created: datetime | None = None, generation: int = 0
) -> tuple[Run, str]:
    record, token = approvals.new_approval(datetime.now(UTC), expires_in)
    run = Run(
        id=new_run_id(created),
        generation=generation,
        site="demo",
        kind="hugo",
        trigger=Trigger("import"),
        stages=[Stage("deploy-staging", "succeeded"), Stage("approval", "waiting"), Stage("deploy-prod")],
        status="awaiting_approval",
        approval=record,
    )
    return svc.runs.create(run), token


def test_the_sweep_expires_only_approvals_past_their_time(provisioned):
    old, token = waiting(provisioned, expires_in=timedelta(seconds=-1))
    fresh, _ = waiting(provisioned, expires_in=timedelta(hours=1))
    assert pipeline.expire_approvals(provisioned) == [old.id]
    expired = provisioned.runs.get(old.id)
    assert expired.status == "expired"
    assert [s.status for s in expired.stages] == ["succeeded", "failed", "skipped"]
    assert "nobody decided" in expired.stage("approval").error
    assert provisioned.runs.get(fresh.id).status == "awaiting_approval"
    with pytest.raises(ForbiddenError, match="expired"):
        pipeline.check_approvable(provisioned, old.id, token)
    assert pipeline.expire_approvals(provisioned) == []  # a second sweep changes nothing


def test_an_expired_approval_cannot_be_decided(provisioned):
    run, token = waiting(provisioned, expires_in=timedelta(seconds=-1))
    with pytest.raises(ForbiddenError, match="expired"):
        pipeline.decide(provisioned, run.id, token, approvals.Decision("approve"))
    assert provisioned.runs.get(run.id).status == "awaiting_approval"  # the sweep will mark it


def finished_runs(svc, count: int) -> list[Run]:
    """`count` finished runs of the site, newer than any run a test made before them."""
    return [
        svc.runs.create(
            Run(
                id=new_run_id(),
                site="demo",
                kind="hugo",
                trigger=Trigger("push"),
                stages=[],
                status="succeeded",
            )
        )
        for _ in range(count)
    ]


def test_an_approval_older_than_two_hundred_newer_runs_still_expires(provisioned):
    old, _ = waiting(
        provisioned, expires_in=timedelta(seconds=-1), created=datetime.now(UTC) - timedelta(days=3)
    )
    finished_runs(provisioned, 201)
    assert pipeline.expire_approvals(provisioned) == [old.id]
    assert provisioned.runs.get(old.id).status == "expired"


def test_a_new_staging_build_supersedes_every_waiting_run_however_old(provisioned):
    day = datetime.now(UTC) - timedelta(days=2)
    oldest, _ = waiting(provisioned, expires_in=timedelta(hours=1), created=day, generation=1)
    older, _ = waiting(
        provisioned, expires_in=timedelta(hours=1), created=day + timedelta(hours=1), generation=2
    )
    newer = finished_runs(provisioned, 21)[-1]
    newer.generation = 3
    approval._supersede_waiting(provisioned, newer)
    for run in (oldest, older):
        ended = provisioned.runs.get(run.id)
        assert ended.status == "superseded"
        assert ended.approval.superseded_by == newer.id


@dataclass
class JustEnough:
    """Only what deciding and expiring approvals declare they need: the records, a clock, a queue."""

    runs: RunStore
    sites: SiteStore
    clock: Callable[[], datetime]
    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def send(self, role: str, body: str, *, group: str, dedup: str) -> None:
        self.sent.append((role, json.loads(body)))


def test_deciding_and_expiring_need_only_the_records_a_clock_and_a_queue(provisioned):
    approved, _ = waiting(provisioned, expires_in=timedelta(hours=1))
    left, _ = waiting(provisioned, expires_in=timedelta(hours=1))
    narrow = JustEnough(provisioned.runs, provisioned.sites, lambda: datetime.now(UTC))

    pipeline.decide(narrow, approved.id, None, approvals.Decision("approve", "cli"), operator=True)
    assert [(role, message["run_id"], message["stage"]) for role, message in narrow.sent] == [
        ("deploy", approved.id, "prod")
    ]
    later = JustEnough(provisioned.runs, provisioned.sites, lambda: datetime.now(UTC) + timedelta(hours=2))
    assert pipeline.expire_approvals(later) == [left.id]
    assert later.sent == [] and provisioned.runs.get(approved.id).status == "running"


def test_an_expired_approval_and_a_decision_are_measured_for_the_alarm(provisioned):
    from chalicelib.metrics import COLLECTOR

    COLLECTOR.clear()
    expired, _ = waiting(provisioned, expires_in=timedelta(seconds=-1))
    pipeline.expire_approvals(provisioned)
    rejected, token = waiting(provisioned, expires_in=timedelta(hours=1), generation=1)
    pipeline.decide(provisioned, rejected.id, token, approvals.Decision("reject"))
    figures = {(f.run_id, f.stage, f.outcome) for f in COLLECTOR.figures()}
    assert figures == {(expired.id, "approval", "expired"), (rejected.id, "approval", "rejected")}
    assert all(f.seconds >= 0 and f.site == "demo" for f in COLLECTOR.figures())
