"""SQS batches: one record at a time, partial failures reported back to Lambda.

The event source mapping has `ReportBatchItemFailures`, so a record that raised is retried (and, after
`maxReceiveCount`, moved to the dead-letter queue) while the rest of the batch is deleted. A handler
learns whether this is the record's last attempt, so it can record the failure on the run before the
message leaves for the DLQ.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

RecordHandler = Callable[[str, bool], None]


def process_batch(event: dict[str, Any], handle: RecordHandler, *, max_receive_count: int) -> dict[str, Any]:
    failures = []
    for record in event.get("Records", []):
        attempts = int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))
        try:
            handle(record["body"], attempts >= max_receive_count)
        except Exception:
            log.exception(
                "message %s failed (attempt %d of %d)", record.get("messageId"), attempts, max_receive_count
            )
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
