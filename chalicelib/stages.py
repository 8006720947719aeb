"""A run's stages move pending -> running -> succeeded | failed (| waiting | skipped): the bookkeeping.

Every transition is one conditional write of the run (see `runs.py`), so a message delivered twice, or
two functions racing, cannot run a stage twice or lose a result. What comes after which stage is
decided in `pipeline`; this module only records.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from chalicelib.errors import BuildError, PipelineError
from chalicelib.runs import Run, Stage, utc_now
from chalicelib.services import Services

log = logging.getLogger(__name__)

#: "running" too: a crashed attempt is retried; "waiting": an approval resumes.
STARTABLE = frozenset({"pending", "running", "waiting"})


def begin(svc: Services, run_id: str, name: str) -> Run | None:
    """Mark a stage running; None when it must not run (already done, or the run has ended)."""
    state: dict[str, bool] = {}

    def change(run: Run) -> None:
        stage = run.stage(name)
        state["go"] = not run.finished and stage.status in STARTABLE
        if state["go"]:
            stage.status = "running"
            stage.started_at = stage.started_at or utc_now()
            stage.error = None

    run = svc.runs.update(run_id, change)
    if not state["go"]:
        log.info(
            "run %s: stage %s not started (stage %s, run %s)",
            run_id,
            name,
            run.stage(name).status,
            run.status,
        )
        return None
    return run


def succeed(svc: Services, run_id: str, name: str, detail: dict[str, Any]) -> Run:
    def change(run: Run) -> None:
        stage = run.stage(name)
        stage.status = "succeeded"
        stage.finished_at = utc_now()
        stage.detail.update(detail)

    return svc.runs.update(run_id, change)


def end_run(
    run: Run, stage: Stage, error: str, *, status: str = "failed", stage_status: str = "failed"
) -> None:
    """Record how a run ended at `stage`: later stages are skipped, nothing after it runs."""
    stage.status = stage_status
    stage.error = error
    stage.finished_at = utc_now()
    run.status = status
    for later in run.stages_after(stage.name):
        if later.status in ("pending", "waiting", "running"):
            later.status = "skipped"


def fail(svc: Services, run_id: str, name: str, error: str, detail: dict[str, Any] | None = None) -> Run:
    def change(run: Run) -> None:
        stage = run.stage(name)
        stage.detail.update(detail or {})
        end_run(run, stage, error)

    log.warning("run %s: stage %s failed: %s", run_id, name, error)
    return svc.runs.update(run_id, change)


def run_stage(
    svc: Services, run_id: str, name: str, work: Callable[[Run], dict[str, Any]], *, final_attempt: bool
) -> Run | None:
    """Run one stage's work with the bookkeeping around it; the run after success, else None.

    A PipelineError fails the stage with its message (the user's to fix: no retry). Anything else is a
    fault: re-raised so SQS retries it, and recorded on the run only on the message's last attempt.
    """
    run = begin(svc, run_id, name)
    if run is None:
        return None
    try:
        detail = work(run)
    except PipelineError as exc:
        extra = {"log_tail": exc.log_tail} if isinstance(exc, BuildError) and exc.log_tail else {}
        fail(svc, run_id, name, str(exc), extra)
        return None
    except Exception as exc:
        if final_attempt:
            fail(svc, run_id, name, f"internal error (gave up after retries): {exc!r}")
        raise
    return succeed(svc, run_id, name, detail)
