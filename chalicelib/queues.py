"""What a message on each of the pipeline's queues means: the body in, one pipeline step out.

Each function takes one SQS message body and whether this is its last attempt, so `app.py` can wire a
queue to it in one line. A message that ran out of attempts ends its run as failed before it goes to
the dead-letter queue, so no run is left "running".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib import events, pipeline
from chalicelib.batch import process_batch
from chalicelib.errors import InputError
from chalicelib.services import services

Handler = Callable[[str, bool], None]


def batch(event: dict[str, Any], handle: Handler) -> dict[str, Any]:
    """Handle an SQS event record by record; failures go back as `batchItemFailures`."""

    def safely(body: str, final_attempt: bool) -> None:
        try:
            handle(body, final_attempt)
        except Exception as exc:
            if final_attempt:
                pipeline.give_up(services(), body, exc)
            raise

    return process_batch(event, safely, max_receive_count=services().settings.max_receive_count)


def _expect(body: str, kinds: tuple[type, ...], queue: str) -> Any:
    message = events.decode(body)
    if not isinstance(message, kinds):
        raise InputError(f"the {queue} queue does not take {type(message).__name__} messages")
    return message


def ingest(body: str, final_attempt: bool) -> None:
    for created in events.s3_objects_created(body):
        pipeline.start_import(services(), created, final_attempt=final_attempt)


def build(body: str, final_attempt: bool) -> None:
    message = _expect(body, (events.FetchRequest, events.BuildRequest), "build")
    if isinstance(message, events.FetchRequest):
        pipeline.fetch(services(), message, final_attempt=final_attempt)
    else:
        pipeline.build(services(), message, final_attempt=final_attempt)


def deploy(body: str, final_attempt: bool) -> None:
    message = _expect(body, (events.DeployRequest, events.CommitStatus), "deploy")
    if isinstance(message, events.CommitStatus):
        pipeline.post_commit_status(services(), message)
    else:
        pipeline.deploy(services(), message, final_attempt=final_attempt)


def codedrop(body: str, final_attempt: bool) -> None:
    pipeline.codedrop(
        services(), _expect(body, (events.DeployRequest,), "codedrop"), final_attempt=final_attempt
    )
