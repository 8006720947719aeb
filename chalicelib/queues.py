"""What a message on each of the pipeline's queues means: the body in, one pipeline step out.

Each function takes one SQS message body, whether this is its last attempt and the invocation's time
budget, so `app.py` can wire a queue to it in one line. A message that ran out of attempts ends its run
as failed before it goes to the dead-letter queue, so no run is left "running"; a failed message comes
back after the settings' backoff (`batch.Backoff`), not the queue's 90-minute visibility timeout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib import events, pipeline
from chalicelib.batch import Backoff, hide_with, process_batch
from chalicelib.budget import TimeBudget
from chalicelib.errors import InputError
from chalicelib.services import services

Handler = Callable[[str, bool, TimeBudget], None]


def batch(event: dict[str, Any], handle: Handler, context: Any = None) -> dict[str, Any]:
    """Handle an SQS event record by record; failures are backed off and go back as `batchItemFailures`.

    `context` is the Lambda context: every step's time budget comes from its remaining time.
    """
    svc = services()
    budget = TimeBudget.from_context(context)

    def safely(body: str, final_attempt: bool) -> None:
        try:
            handle(body, final_attempt, budget)
        except Exception as exc:
            if final_attempt:
                pipeline.give_up(services(), body, exc)
            raise

    return process_batch(
        event,
        safely,
        max_receive_count=svc.settings.max_receive_count,
        backoff=Backoff(svc.settings.retry_backoff),
        retry_later=hide_with(svc.sqs),
    )


def _expect(body: str, kinds: tuple[type, ...], queue: str) -> Any:
    message = events.decode(body)
    if not isinstance(message, kinds):
        raise InputError(f"the {queue} queue does not take {type(message).__name__} messages")
    return message


def ingest(body: str, final_attempt: bool, budget: TimeBudget) -> None:
    # Converting is Python work in this process: no external step to bound.
    svc = services()
    for created in events.s3_objects_created(body):
        if created.bucket != svc.settings.ingest_bucket:
            # Only the ingest bucket's own notifications start an import: a message naming the
            # artifacts bucket imported an object from it (a permanent error: no retry).
            raise InputError(
                f"the ingest queue takes notifications of s3://{svc.settings.ingest_bucket} only, "
                f"not of s3://{created.bucket}"
            )
        pipeline.start_import(svc, created, final_attempt=final_attempt)


def build(body: str, final_attempt: bool, budget: TimeBudget) -> None:
    message = _expect(
        body,
        (events.FetchRequest, events.BuildRequest, events.ReviewRequest, events.ProdBuildRequest),
        "build",
    )
    if isinstance(message, events.FetchRequest):
        pipeline.fetch(services(), message, final_attempt=final_attempt, budget=budget)
    elif isinstance(message, events.ProdBuildRequest):
        pipeline.build_prod(services(), message, final_attempt=final_attempt, budget=budget)
    elif isinstance(message, events.ReviewRequest):
        pipeline.review_preview(services(), message, final_attempt=final_attempt, budget=budget)
    else:
        pipeline.build(services(), message, final_attempt=final_attempt, budget=budget)


def deploy(body: str, final_attempt: bool, budget: TimeBudget) -> None:
    # Publishing waits for no step with a timeout of its own (not even the CloudFront invalidation).
    message = _expect(
        body,
        (events.DeployRequest, events.CommitStatus, events.PreviewRemoval, events.ApprovalRequest),
        "deploy",
    )
    if isinstance(message, events.CommitStatus):
        pipeline.post_commit_status(services(), message)
    elif isinstance(message, events.ApprovalRequest):
        pipeline.ask_approval(services(), message, final_attempt=final_attempt)
    elif isinstance(message, events.PreviewRemoval):
        pipeline.remove_preview(services(), message)
    else:
        pipeline.deploy(services(), message, final_attempt=final_attempt)


def codedrop(body: str, final_attempt: bool, budget: TimeBudget) -> None:
    message = _expect(body, (events.DeployRequest,), "codedrop")
    # Dropping is file copies onto EFS in this process: no external step to bound.
    pipeline.codedrop(services(), message, final_attempt=final_attempt)
