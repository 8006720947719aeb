"""Presslift's CloudWatch metrics: their namespace, names and dimensions in one place, and the emitter.

The stack's alarms and dashboard (presslift/packaging/alarms.py) name metrics from here, and the
functions emit them with `emit()`: one line of CloudWatch's embedded metric format (EMF) on stdout per
finished stage, which CloudWatch Logs turns into metrics with no API call and no extra permission. Off
Lambda (no AWS_LAMBDA_FUNCTION_NAME) nothing is printed: the figures go to an in-process `COLLECTOR`,
whose `summary()` the local cloud prints at the end of `presslift demo`.

Metrics cost per name and dimension set, so the dimensions stay few and bounded (stage and outcome);
the site, run id and attempt ride along as plain members of the line, searchable in Logs Insights.
Never raises for a figure it was given by the pipeline's bookkeeping once checked; never calls AWS.
"""

from __future__ import annotations

import json
import math
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from chalicelib.resources import Variable

#: Every stack has its own namespace, `Presslift/<stack name>`, so two stages in one account never mix;
#: the template sets the variable, the local cloud keeps the default.
NAMESPACE_PREFIX = "Presslift"
NAMESPACE = Variable("PRESSLIFT_METRICS_NAMESPACE", f"{NAMESPACE_PREFIX}/local")

#: Seconds a stage took, from its start to its outcome.
STAGE_SECONDS = "StageSeconds"
#: 1 per finished stage (summed: how many ended with each outcome).
STAGE_COUNT = "StageCount"
STAGE = "Stage"
OUTCOME = "Outcome"
#: Per stage and outcome (durations, outcomes by stage), and per outcome over all stages (the alarms).
DIMENSION_SETS: tuple[tuple[str, ...], ...] = ((STAGE, OUTCOME), (OUTCOME,))
UNITS = {STAGE_SECONDS: "Seconds", STAGE_COUNT: "Count"}
#: How a stage ends. "expired": an approval waited longer than the approval expiry; "rejected": an
#: approver said no; "superseded": a newer run of the site replaced it.
OUTCOMES = ("succeeded", "failed", "skipped", "rejected", "expired", "superseded")
FAILED, EXPIRED = "failed", "expired"
#: The stage an approval waits in (its "expired" outcome is what the approval alarm counts).
APPROVAL_STAGE = "approval"
#: SQS's own metric of each queue (no emission needed): the age of its oldest message.
SQS_NAMESPACE = "AWS/SQS"
QUEUE_AGE = "ApproximateAgeOfOldestMessage"
QUEUE_NAME = "QueueName"
#: CloudWatch's limit on a dimension value's length.
MAX_DIMENSION_VALUE = 1024
_LAMBDA = "AWS_LAMBDA_FUNCTION_NAME"


@dataclass(frozen=True)
class Figure:
    """One finished stage as the metrics see it."""

    stage: str
    outcome: str
    seconds: float
    site: str
    run_id: str = ""
    attempt: int = 1


def _check(stage: str, outcome: str, seconds: float, site: str, attempt: int) -> None:
    if not isinstance(stage, str) or not stage.strip() or len(stage) > MAX_DIMENSION_VALUE:
        raise ValueError(
            f"metrics: stage must be a name of 1 to {MAX_DIMENSION_VALUE} characters, not {stage!r}"
        )
    if any(ord(c) < 32 for c in stage):
        raise ValueError(f"metrics: stage {stage!r} has a control character")
    if outcome not in OUTCOMES:
        raise ValueError(f"metrics: outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or not math.isfinite(seconds)
        or seconds < 0
    ):
        raise ValueError(f"metrics: seconds must be a finite number of 0 or more, not {seconds!r}")
    if not isinstance(site, str):
        raise ValueError(f"metrics: site must be a string, not {type(site).__name__}")
    if isinstance(attempt, bool) or not isinstance(attempt, int) or attempt < 1:
        raise ValueError(f"metrics: attempt must be a whole number from 1, not {attempt!r}")


def document(figure: Figure, *, namespace: str, timestamp_ms: int) -> dict[str, Any]:
    """The EMF document of one finished stage (see the CloudWatch embedded metric format spec)."""
    return {
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [
                {
                    "Namespace": namespace,
                    "Dimensions": [list(dimensions) for dimensions in DIMENSION_SETS],
                    "Metrics": [{"Name": name, "Unit": unit} for name, unit in UNITS.items()],
                }
            ],
        },
        STAGE: figure.stage,
        OUTCOME: figure.outcome,
        STAGE_SECONDS: round(float(figure.seconds), 3),
        STAGE_COUNT: 1,
        "site": figure.site,
        "run_id": figure.run_id,
        "attempt": figure.attempt,
    }


class Collector:
    """The figures emitted in this process (the local cloud's functions run in it), for a summary."""

    def __init__(self) -> None:
        self._figures: list[Figure] = []
        self._lock = threading.Lock()

    def record(self, figure: Figure) -> None:
        with self._lock:
            self._figures.append(figure)

    def figures(self) -> list[Figure]:
        with self._lock:
            return list(self._figures)

    def clear(self) -> None:
        with self._lock:
            self._figures.clear()

    def summary(self) -> list[str]:
        """One line per stage and outcome, in the order first seen: count, total and longest seconds."""
        groups: dict[tuple[str, str], list[float]] = {}
        for figure in self.figures():
            groups.setdefault((figure.stage, figure.outcome), []).append(figure.seconds)
        if not groups:
            return []
        width = max(len(f"{stage} {outcome}") for stage, outcome in groups)
        return [
            f"{f'{stage} {outcome}':<{width}}  {len(seconds)} x, "
            f"{sum(seconds):.1f} s in all, longest {max(seconds):.1f} s"
            for (stage, outcome), seconds in groups.items()
        ]


COLLECTOR = Collector()


def on_lambda() -> bool:
    return bool(os.environ.get(_LAMBDA))


def emit(
    stage: str,
    outcome: str,
    seconds: float,
    site: str,
    *,
    run_id: str = "",
    attempt: int = 1,
    out: TextIO | None = None,
    clock: Callable[[], float] = time.time,
) -> Figure:
    """Record one finished stage: an EMF line on stdout (`out`) on Lambda, the collector elsewhere.

    A wrong value (an unknown outcome, a negative or infinite duration) is a ValueError: the caller's
    bookkeeping passed something it should not have, and a metric that lies is worse than none.
    """
    _check(stage, outcome, seconds, site, attempt)
    figure = Figure(stage, outcome, float(seconds), site, run_id, attempt)
    if not on_lambda():
        COLLECTOR.record(figure)
        return figure
    namespace = os.environ.get(NAMESPACE.name) or NAMESPACE.default
    line = json.dumps(
        document(figure, namespace=namespace, timestamp_ms=int(clock() * 1000)), separators=(",", ":")
    )
    stream = out if out is not None else sys.stdout
    stream.write(line + "\n")
    stream.flush()
    return figure
