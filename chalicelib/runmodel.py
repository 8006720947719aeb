"""A run and its stages, and every way a run may change: the pipeline's state machine, as data.

A run is one trip through the pipeline for one site. Its status moves only through the transitions
below (`Run.begin`, `Run.succeed`, `Run.approve` ...), and `TRANSITIONS` says which of them each
status allows: anything else raises `IllegalTransition`, naming the run, its status and the move.
A run that has ended allows none, so a message delivered late changes nothing.

    running ──await_approval──> awaiting_approval ──approve──> running ──finish──> succeeded
       │                               ├──reject──> rejected
       │                               ├──expire──> expired
       ├──fail / give_up──> failed <───┤ (fail, give_up)
       └──supersede──> superseded <────┘ (supersede)

When a run ends, every stage it did not reach is skipped, so an ended run has no stage left to run.
Pure: storing a run is `runs.RunStore`'s, deciding which move comes next is `pipeline`'s.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, NoReturn

from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.runparts import Approval, ApprovalStatus, ArtifactRef, Trigger

STAGE_STATUSES = ("pending", "running", "waiting", "succeeded", "failed", "skipped")
RUN_STATUSES = ("running", "awaiting_approval", "succeeded", "failed", "rejected", "expired", "superseded")
FINISHED_RUN_STATUSES = frozenset({"succeeded", "failed", "rejected", "expired", "superseded"})
#: Stages that have not ended: the ones a run that ends skips.
UNFINISHED_STAGE_STATUSES = frozenset({"pending", "running", "waiting"})
#: "running" too: a crashed attempt runs again; "waiting": a retried approval request asks again.
STARTABLE = UNFINISHED_STAGE_STATUSES

#: The state machine: which transitions each run status allows. An ended run allows none.
TRANSITIONS: dict[str, frozenset[str]] = {
    "running": frozenset(
        {
            "begin",
            "succeed",
            "fail",
            "supersede",
            "skip_approval",
            "await_approval",
            "finish",
            "give_up",
        }
    ),
    # `begin` again only for the approval stage (its request is retried); `fail` for a prod deploy that
    # jumped the approval (refused); `supersede` for a newer staging deploy.
    "awaiting_approval": frozenset({"begin", "fail", "supersede", "approve", "reject", "expire", "give_up"}),
    **{status: frozenset() for status in FINISHED_RUN_STATUSES},
}


class IllegalTransition(ConflictError):
    """A transition the run's status (or its stage's) does not allow."""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_run_id(now: datetime | None = None) -> str:
    """A run id that sorts by creation time: `20261129-101512-123-a1b2c3`."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%d-%H%M%S}-{now.microsecond // 1000:03d}-{secrets.token_hex(3)}"


@dataclass
class Stage:
    name: str
    status: str = "pending"
    started_at: str | None = None
    finished_at: str | None = None
    error: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def unfinished(self) -> bool:
        return self.status in UNFINISHED_STAGE_STATUSES


@dataclass
class Run:
    id: str
    site: str
    kind: str
    trigger: Trigger
    stages: list[Stage]
    status: str = "running"
    created_at: str = field(default_factory=utc_now)
    updated_at: str = field(default_factory=utc_now)
    urls: dict[str, str] = field(default_factory=dict)
    artifact: ArtifactRef = field(default_factory=ArtifactRef)
    approval: Approval | None = None
    #: The site's generation when the run started: a run older than the site's newest is superseded.
    generation: int = 0
    version: int = 0
    #: The table format the record was read in (`runformat`); a newer one is never written back.
    format: int = 0

    # --- constructors: the runs the pipeline starts --------------------------------------------

    @classmethod
    def for_import(
        cls, run_id: str, site: str, trigger: Trigger, stages: tuple[str, ...], urls: dict[str, str]
    ) -> Run:
        """A WordPress export arrived: a Hugo site's run from its conversion on."""
        return cls(run_id, site, "hugo", trigger, [Stage(name) for name in stages], urls=dict(urls))

    @classmethod
    def for_push(
        cls,
        run_id: str,
        site: str,
        kind: str,
        trigger: Trigger,
        stages: tuple[str, ...],
        urls: dict[str, str],
    ) -> Run:
        """A push to a registered site's branch: a run from its fetch on."""
        return cls(run_id, site, kind, trigger, [Stage(name) for name in stages], urls=dict(urls))

    @classmethod
    def for_restore(
        cls,
        run_id: str,
        source: Run,
        trigger: Trigger,
        stage: str,
        *,
        artifact_run: str = "",
        urls: dict[str, str] | None = None,
    ) -> Run:
        """A rollback or a publish: one stage (`stage`) that puts back an artifact of run `source`,
        built with `source`'s presslift.toml."""
        artifact = ArtifactRef(artifact_run, source.artifact.presslift_toml)
        return cls(
            run_id,
            source.site,
            source.kind,
            trigger,
            [Stage(stage)],
            urls=dict(urls or {}),
            artifact=artifact,
        )

    # --- reading --------------------------------------------------------------------------------

    def stage(self, name: str) -> Stage:
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise NotFoundError(f"run {self.id} has no stage {name!r} (stages: {[s.name for s in self.stages]})")

    def has_stage(self, name: str) -> bool:
        return any(stage.name == name for stage in self.stages)

    def stages_after(self, name: str) -> list[Stage]:
        names = [stage.name for stage in self.stages]
        return self.stages[names.index(name) + 1 :]

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_RUN_STATUSES

    def current_stage(self) -> Stage | None:
        """The stage running or waiting, else the next one to run; None when no stage is left."""
        return next((stage for stage in self.stages if stage.unfinished), None)

    def may(self, transition: str) -> bool:
        """Whether the run's status allows `transition` (its stage may still refuse it)."""
        return transition in TRANSITIONS.get(self.status, frozenset())

    def may_begin(self, name: str) -> bool:
        """Whether stage `name` may start (or start again after a crashed attempt)."""
        stage = self.stage(name)
        return self.may("begin") and stage.status in STARTABLE and self._begins_while_waiting(stage)

    def to_dict(self) -> dict[str, Any]:
        """The run as its record stores it (and the API shows it): see `runformat`."""
        from chalicelib.runformat import to_doc

        return to_doc(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], version: int = 0) -> Run:
        from chalicelib.runformat import from_doc

        return from_doc(data, version)

    # --- transitions ----------------------------------------------------------------------------

    def begin(self, name: str) -> None:
        """Stage `name` runs (again, after a crashed attempt: it keeps its first start time)."""
        stage = self._stage_for("begin", name, STARTABLE)
        if not self._begins_while_waiting(stage):
            self._refuse("begin", f"stage {name} cannot start while the run waits for approval")
        stage.status = "running"
        stage.started_at = stage.started_at or utc_now()
        stage.error = None

    def succeed(self, name: str, detail: dict[str, Any], *, artifact: ArtifactRef | None = None) -> None:
        """Stage `name` did its work: `detail` goes on its record, and `artifact`, when it made or
        chose one, on the run."""
        stage = self._stage_for("succeed", name, {"running"})
        stage.status = "succeeded"
        stage.finished_at = utc_now()
        stage.detail.update(detail)
        if artifact is not None:
            self.artifact = artifact

    def fail(self, name: str, reason: str, detail: dict[str, Any] | None = None) -> None:
        """Stage `name` failed (its work did, or it was refused): the run ends failed."""
        stage = self._stage_for("fail", name, UNFINISHED_STAGE_STATUSES)
        stage.detail.update(detail or {})
        self._end(stage, reason, "failed", "failed")

    def give_up(self, reason: str, detail: dict[str, Any] | None = None) -> bool:
        """End a run that cannot end on its own (its message ran out of attempts) as failed, at the
        stage it is at; whether it did (False: no stage is left to fail)."""
        self._check("give_up")
        where = self.current_stage()
        if where is None:
            return False
        where.detail.update(detail or {})
        self._end(where, reason, "failed", "failed")
        return True

    def supersede(self, name: str, reason: str, *, by: str = "") -> None:
        """A newer run (`by`, when known) or a newer commit makes this one pointless: it ends
        `superseded` at stage `name`, which is skipped; a pending approval records who superseded it."""
        stage = self._stage_for("supersede", name, UNFINISHED_STAGE_STATUSES)
        if by and self.approval is not None:
            self.approval = replace(self.approval, superseded_by=by)
        self._end(stage, reason, "superseded", "skipped")

    def skip_approval(self, why: str) -> None:
        """Prod needs nobody's approval (the site's policy): the approval stage is skipped."""
        stage = self._stage_for("skip_approval", "approval", {"pending", "running"})
        stage.status = "skipped"
        stage.detail["summary"] = why

    def await_approval(self, approval: Approval, summary: str) -> None:
        """Prod is planned and a person asked: the run waits for their decision."""
        stage = self._stage_for("await_approval", "approval", {"running"})
        self.approval = approval
        stage.status = "waiting"
        stage.detail["summary"] = summary
        self.status = "awaiting_approval"

    def approve(self, now: datetime, source_ip: str = "", user_agent: str = "") -> None:
        """A person approved prod: the run goes on to deploy it."""
        stage = self._decide("approve", "approved", now, source_ip, user_agent)
        stage.status = "succeeded"
        stage.finished_at = utc_now()
        stage.detail["decision"] = "approved"
        stage.detail["summary"] = f"approved from {source_ip or 'an unknown address'}"
        self.status = "running"

    def reject(self, now: datetime, source_ip: str = "", user_agent: str = "") -> None:
        """A person rejected prod: the run ends `rejected`."""
        stage = self._decide("reject", "rejected", now, source_ip, user_agent)
        self._end(stage, "rejected by the approver", "rejected", "failed")

    def expire(self, now: datetime) -> None:
        """Nobody decided in time: the run ends `expired`."""
        self._check("expire")
        approval = self.approval
        if approval is None or not approval.is_expired(now):
            self._refuse("expire", f"its approval is open until {approval.expires_at if approval else '-'}")
        stage = self._stage_for("expire", "approval", {"waiting"})
        self.approval = replace(approval, status="expired")
        self._end(stage, f"nobody decided before {approval.expires_at}", "expired", "failed")

    def finish(self) -> None:
        """The run's last stage is done: it succeeded."""
        self._check("finish")
        if (left := self.current_stage()) is not None:
            self._refuse("finish", f"stage {left.name} is {left.status}")
        self.status = "succeeded"

    # --- the rules behind them ------------------------------------------------------------------

    def _begins_while_waiting(self, stage: Stage) -> bool:
        return self.status != "awaiting_approval" or stage.name == "approval"

    def _check(self, transition: str) -> None:
        if not self.may(transition):
            self._refuse(transition, f"a run {self.status.replace('_', ' ')} allows no {transition}")

    def _refuse(self, transition: str, why: str) -> NoReturn:
        raise IllegalTransition(f"run {self.id} ({self.status}) cannot {transition.replace('_', ' ')}: {why}")

    def _stage_for(self, transition: str, name: str, allowed: frozenset[str] | set[str]) -> Stage:
        self._check(transition)
        stage = self.stage(name)
        if stage.status not in allowed:
            self._refuse(transition, f"stage {name} is {stage.status}, not {' or '.join(sorted(allowed))}")
        return stage

    def _decide(
        self, transition: str, status: ApprovalStatus, now: datetime, source_ip: str, user_agent: str
    ) -> Stage:
        """Record a person's decision on the pending, unexpired approval; its stage, to move on."""
        stage = self._stage_for(transition, "approval", {"waiting"})
        approval = self.approval
        if approval is None or approval.status != "pending":
            self._refuse(transition, f"its approval is {approval.status if approval else 'missing'}")
        if approval.is_expired(now):
            self._refuse(transition, f"its approval expired at {approval.expires_at}")
        self.approval = replace(
            approval, status=status, decided_at=now.isoformat(), source_ip=source_ip, user_agent=user_agent
        )
        return stage

    def _end(self, stage: Stage, reason: str, status: str, stage_status: str) -> None:
        """The run ends at `stage`; every stage it did not reach (or left waiting) is skipped."""
        stage.status = stage_status
        stage.error = reason
        stage.finished_at = utc_now()
        self.status = status
        for other in self.stages:
            if other is not stage and other.unfinished:
                other.status = "skipped"
