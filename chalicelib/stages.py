"""Running one stage's work with its bookkeeping: begin, then succeed or fail (see `runmodel`).

Every transition is one conditional write of the run (see `runs.py`), so a message delivered twice, or
two functions racing, cannot run a stage twice or lose a result. What comes after which stage is
decided in `pipeline`; this module only records.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from chalicelib import metrics, requestcount, usage
from chalicelib.errors import BuildError, PipelineError
from chalicelib.logs import current_context, log_context
from chalicelib.runparts import ArtifactRef
from chalicelib.runs import Run, RunStore

log = logging.getLogger(__name__)


class StageResult(Protocol):
    """What a stage's work returns: a typed result whose `detail()` goes on the stage's record."""

    def detail(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=StageResult)


def begin(runs: RunStore, run_id: str, name: str) -> Run | None:
    """Mark a stage running; None when it must not run (already done, or the run has ended)."""
    run = runs.update(run_id, lambda r: r.begin(name) if r.may_begin(name) else None)
    stage = run.stage(name)
    if stage.status != "running" or run.finished:
        log.info("run %s: stage %s not started (stage %s, run %s)", run_id, name, stage.status, run.status)
        return None
    return run


def fail(runs: RunStore, run_id: str, name: str, error: str, detail: dict[str, Any] | None = None) -> Run:
    log.warning("run %s: stage %s failed: %s", run_id, name, error)
    return runs.update(run_id, lambda r: r.fail(name, error, detail))


def run_stage(
    runs: RunStore,
    run_id: str,
    name: str,
    work: Callable[[Run], R],
    *,
    final_attempt: bool,
    artifact: Callable[[Run, R], ArtifactRef] | None = None,
) -> tuple[Run, R] | None:
    """Run one stage's work with the bookkeeping around it; the run and the work's result after
    success, else None. `artifact`: the build the run deploys from now on, recorded with the success.

    A PipelineError fails the stage with its message (the user's to fix: no retry). Anything else is a
    fault: re-raised so SQS retries it, and recorded on the run only on the message's last attempt.
    """
    with requestcount.counting() as requests:
        return _run_counted(runs, run_id, name, work, requests, final_attempt, artifact)


def _run_counted(
    runs: RunStore,
    run_id: str,
    name: str,
    work: Callable[[Run], R],
    requests: requestcount.RequestCounts,
    final_attempt: bool,
    artifact: Callable[[Run, R], ArtifactRef] | None,
) -> tuple[Run, R] | None:
    run = begin(runs, run_id, name)
    if run is None:
        return None
    started = time.monotonic()
    with log_context(run_id=run_id, site=run.site, stage=name):
        log.info("stage %s started", name)
        try:
            result = work(run)
        except PipelineError as exc:
            extra = {"log_tail": exc.log_tail} if isinstance(exc, BuildError) and exc.log_tail else {}
            fail(
                runs,
                run_id,
                name,
                str(exc),
                {**extra, "usage": _used(name, None, started, requests).to_dict()},
            )
            _measure(run, name, "failed", started)
            return None
        except Exception as exc:
            if final_attempt:
                used = {
                    "usage": _used(name, None, started, requests).to_dict()
                }  # this attempt's; earlier ones are lost
                fail(runs, run_id, name, f"internal error (gave up after retries): {exc!r}", used)
                _measure(run, name, "failed", started)
            raise
        detail = {**result.detail(), "usage": _used(name, result, started, requests).to_dict()}
        done = runs.update(
            run_id,
            lambda r: r.succeed(name, detail, artifact=artifact(r, result) if artifact else None),
        )
        _measure(run, name, "succeeded", started)
        log.info("stage %s succeeded: %s", name, detail.get("summary") or "done")
    return done, result


def _used(name: str, result: object, started: float, requests: requestcount.RequestCounts) -> usage.Usage:
    """What the stage used: its Lambda time and request, the AWS requests it sent (its begin and its
    work; the write that records its end comes after), and what its result reports (see `usage`)."""
    return usage.lambda_usage(name, time.monotonic() - started) + requests.usage() + usage.of_result(result)


def _measure(run: Run, name: str, outcome: str, started: float) -> None:
    """The stage's duration and outcome as a metric (an EMF line on Lambda; see `metrics`)."""
    attempt = current_context().get("attempt", 1)
    metrics.emit(
        name,
        outcome,
        time.monotonic() - started,
        run.site,
        run_id=run.id,
        attempt=attempt if isinstance(attempt, int) else 1,
    )
