"""SQS batches: one record at a time, partial failures reported back to Lambda, retries backed off.

The event source mapping has `ReportBatchItemFailures`, so a record that raised is retried (and, after
`maxReceiveCount`, moved to the dead-letter queue) while the rest of the batch is deleted. A handler
learns whether this is the record's last attempt, so it can record the failure on the run before the
message leaves for the DLQ.

Lambda itself never shortens a failed record's wait: the record reappears only when the queue's
visibility timeout ends, which AWS asks to be six times the function's timeout (5,400 s for 900 s),
and on a FIFO queue the site's later messages wait behind it all that time. So before reporting a
failure, this module hides the record for a backoff of its own (`Backoff`) with ChangeMessageVisibility.
It never deletes a record (Lambda does that for the ones not reported) and never raises for one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.logs import log_context

log = logging.getLogger(__name__)

RecordHandler = Callable[[str, bool], None]
#: A run id or site longer than this is not one (a hostile body): its lines go without it.
MAX_CONTEXT_VALUE = 200
#: Hide one record (the Lambda event's record) for so many seconds.
RetryLater = Callable[[dict[str, Any], int], None]


@dataclass(frozen=True)
class Backoff:
    """How long a failed record waits before its next attempt, by the attempt that failed.

    The production schedule is 10 s, 30 s, 90 s, 270 s (x3 each time; the last value repeats if
    `maxReceiveCount` is raised). What retrying cures is short: throttling, a 5xx, a conditional write
    that lost a race, a cold dependency; all clear within seconds to a minute. With the default three
    attempts a failing message holds its site's FIFO group for about 40 s plus its run time, not 90
    minutes. After the last attempt it waits 0 s: its next receive moves it to the DLQ at once, and the
    group's next message goes ahead.
    """

    schedule: tuple[int, ...]

    def delay(self, attempt: int, *, final: bool) -> int:
        if final:
            return 0
        return self.schedule[min(max(attempt, 1), len(self.schedule)) - 1]


def queue_url(endpoint_url: str, queue_arn: str) -> str:
    """The queue URL of `arn:aws:sqs:<region>:<account>:<name>` at the client's endpoint.

    Built rather than looked up: the function's role may change its own queue's messages but has no
    sqs:GetQueueUrl on it, and the endpoint is the client's (AWS's, or the local cloud's).
    """
    parts = queue_arn.split(":")
    if len(parts) != 6 or parts[2] != "sqs":
        raise ValueError(f"not an SQS queue ARN: {queue_arn!r}")
    return f"{endpoint_url.rstrip('/')}/{parts[4]}/{parts[5]}"


def hide_with(sqs: Any) -> RetryLater:
    """Hide records through `sqs` (a boto3 client) with ChangeMessageVisibility."""

    def hide(record: dict[str, Any], seconds: int) -> None:
        sqs.change_message_visibility(
            QueueUrl=queue_url(sqs.meta.endpoint_url, record["eventSourceARN"]),
            ReceiptHandle=record["receiptHandle"],
            VisibilityTimeout=seconds,
        )

    return hide


def process_batch(
    event: dict[str, Any],
    handle: RecordHandler,
    *,
    max_receive_count: int,
    backoff: Backoff | None = None,
    retry_later: RetryLater | None = None,
) -> dict[str, Any]:
    """Handle each record; the failed ones are hidden for their backoff and named in the answer."""
    failures = []
    for record in event.get("Records", []):
        attempts = int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))
        final = attempts >= max_receive_count
        with log_context(**message_context(record.get("body")), attempt=attempts):
            try:
                handle(record["body"], final)
            except Exception as exc:
                seconds = backoff.delay(attempts, final=final) if backoff is not None else None
                _log_failure(record, exc, attempts, max_receive_count, seconds)
                if seconds is not None and retry_later is not None:
                    _retry_later(record, seconds, retry_later)
                failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def message_context(body: Any) -> dict[str, str]:
    """The run id and site a message body names, for its log lines; {} for a body that names none
    (an S3 notification, or one that is not JSON: the handler reports what is wrong with it)."""
    try:
        message = json.loads(body) if isinstance(body, str) else None
    except ValueError:
        return {}
    if not isinstance(message, dict):
        return {}
    return {
        key: value
        for key in ("run_id", "site")
        if isinstance(value := message.get(key), str) and 0 < len(value) <= MAX_CONTEXT_VALUE
    }


def _log_failure(
    record: dict[str, Any], exc: Exception, attempts: int, max_receive_count: int, seconds: int | None
) -> None:
    """One line per failed attempt; the traceback only with the last one (when it is given up)."""
    again = "given up" if attempts >= max_receive_count else (f"again in {seconds} s" if seconds else "again")
    log.warning(
        "message %s failed (attempt %d of %d, %s): %s: %s",
        record.get("messageId"),
        attempts,
        max_receive_count,
        again,
        type(exc).__name__,
        str(exc).splitlines()[0] if str(exc) else "",
        exc_info=attempts >= max_receive_count,
    )


def _retry_later(record: dict[str, Any], seconds: int, retry_later: RetryLater) -> None:
    try:
        retry_later(record, seconds)
    except Exception as exc:
        # The record is still reported: it comes back after the queue's own timeout instead.
        log.warning("could not hide message %s for %d s: %s", record.get("messageId"), seconds, exc)
