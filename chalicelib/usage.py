"""What one stage of a run used of AWS (and Algolia): a typed `Usage`, kept on the stage's record under
`usage`, priced by `chalicelib.cost`.

A figure a stage cannot know is left out (None), never guessed: `Usage.unmeasured()` names them, so a
cost says what it does not count. Two usages add up figure by figure (`+`); a figure known in either
is known in the sum.

The Lambda part is measured around the stage's work (`stages.run_stage`): its duration times the
memory of the function that runs the stage, plus one request. The memory is the running function's
own (`AWS_LAMBDA_FUNCTION_MEMORY_SIZE`, which Lambda sets from the template's MemorySize); outside
Lambda it is read from `.chalice/config.json`, where the template takes it from, for the function
`FUNCTIONS` names for the stage. Its AWS requests (S3, SQS, SNS, DynamoDB) are counted as they are
sent, by the class AWS bills them in (`requestcount`); a stage's result reports the rest it knows.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

#: Which Lambda function runs which stage (deploy-staging, deploy-prod: deploy; codedrop-dev ...: codedrop).
FUNCTIONS = {
    "convert": "convert",
    "fetch": "build",
    "build": "build",
    "deploy": "deploy",
    "codedrop": "codedrop",
    # Asking for the approval runs in the function whose staging step ended (a site's deploy); a
    # person's decision in the API's (`api_handler`). A preview's review renders in the build function.
    "approval": "deploy",
    "api": "api_handler",
    "review": "build",
}
CHALICE_CONFIG = Path(__file__).resolve().parents[1] / ".chalice" / "config.json"
MEMORY_ENV = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"


@dataclass(frozen=True)
class Usage:
    """What a stage used; None: not measured (the stage cannot know it)."""

    lambda_gb_seconds: float | None = None
    lambda_requests: int | None = None
    s3_puts: int | None = None
    s3_gets: int | None = None
    s3_lists: int | None = None
    bytes_stored: int | None = None
    invalidation_paths: int | None = None
    sqs_requests: int | None = None
    sqs_fifo_requests: int | None = None  # a FIFO queue's messages: sent, received, deleted, made visible
    sns_requests: int | None = None
    dynamodb_reads: int | None = None
    dynamodb_writes: int | None = None
    algolia_operations: int | None = None

    def __add__(self, other: Usage) -> Usage:
        summed: dict[str, Any] = {}
        for spec in fields(self):
            mine, theirs = getattr(self, spec.name), getattr(other, spec.name)
            summed[spec.name] = theirs if mine is None else mine if theirs is None else mine + theirs
        return Usage(**summed)

    def to_dict(self) -> dict[str, int | float]:
        """The measured figures only (what the stage record keeps)."""
        return {
            spec.name: getattr(self, spec.name)
            for spec in fields(self)
            if getattr(self, spec.name) is not None
        }

    @classmethod
    def from_dict(cls, data: object) -> Usage:
        """The usage a stored record holds; anything that is not a figure of 0 or more (a hand edit, a
        name a newer Presslift added) is dropped, so a record never breaks a page."""
        found: dict[str, Any] = {}
        if isinstance(data, dict):
            for spec in fields(cls):
                value = data.get(spec.name)
                if (
                    isinstance(value, bool)
                    or not isinstance(value, int | float)
                    or value != value
                    or value < 0
                ):
                    continue
                found[spec.name] = float(value) if spec.name == "lambda_gb_seconds" else int(value)
        return cls(**found)

    def times(self, factor: float) -> Usage:
        """This usage `factor` times over (an estimate: counts are rounded to whole ones)."""
        scaled: dict[str, Any] = {}
        for name, value in self.to_dict().items():
            scaled[name] = value * factor if name == "lambda_gb_seconds" else round(value * factor)
        return Usage(**scaled)

    def unmeasured(self) -> list[str]:
        return [spec.name for spec in fields(self) if getattr(self, spec.name) is None]


@runtime_checkable
class ReportsUsage(Protocol):
    """A stage result that knows what its work used beyond the Lambda time."""

    def usage(self) -> Usage: ...


def function_for(stage: str) -> str | None:
    """The Lambda function that runs `stage`; None for one no function of ours runs."""
    return FUNCTIONS.get(stage) or FUNCTIONS.get(stage.split("-", 1)[0])


def memory_mb(stage: str, config: Path = CHALICE_CONFIG) -> int | None:
    """The memory (MB) of the function running `stage`: Lambda's own figure when on Lambda, else the
    function's `lambda_memory_size` in `.chalice/config.json`; None when neither is known."""
    running = os.environ.get(MEMORY_ENV, "")
    if running.isdigit() and int(running) > 0:
        return int(running)
    function = function_for(stage)
    if function is None:
        return None
    try:
        stages = json.loads(config.read_text(encoding="utf-8")).get("stages", {})
    except (OSError, ValueError, AttributeError):
        return None
    for settings in stages.values() if isinstance(stages, dict) else ():
        size = (settings.get("lambda_functions", {}).get(function) or {}).get("lambda_memory_size")
        if isinstance(size, int) and not isinstance(size, bool) and size > 0:
            return size
    return None


def lambda_usage(stage: str, seconds: float, memory: int | None = None) -> Usage:
    """One invocation's Lambda use for `stage` that ran `seconds` (without a known memory: the request)."""
    memory = memory if memory is not None else memory_mb(stage)
    gb_seconds = None if memory is None else max(seconds, 0.0) * memory / 1024
    return Usage(lambda_gb_seconds=gb_seconds, lambda_requests=1)


def of_result(result: object) -> Usage:
    """What a stage's typed result reports it used (nothing for a result that reports nothing)."""
    return result.usage() if isinstance(result, ReportsUsage) else Usage()
