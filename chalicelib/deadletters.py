"""The pipeline's dead-letter queues as the scheduled sweep reads them: what waits there, and removing
a message once its run can no longer use it.

A message reaches a DLQ after `maxReceiveCount` attempts. Usually the last attempt recorded the failure
on its run (`pipeline.give_up`), but an attempt that Lambda killed (the function's timeout, out of
memory) recorded nothing, and its run would stay "running". The sweep (`pipeline.fail_dead_lettered`)
reads every DLQ to find those. This module only receives and deletes: it never changes a run, and it
never sends a message anywhere (a redrive is an operator's decision).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from chalicelib.resources import QUEUE_ROLES, dead_letter_queue

#: A received message stays hidden this long: past the sweep function's 60 s timeout, so one sweep sees
#: each message once, and well before the next sweep (15 minutes), which sees what this one left.
HOLD_SECONDS = 120
#: At most this many messages per queue and sweep, so a flooded DLQ cannot run the sweep out of time.
MAX_PER_SWEEP = 100


@dataclass(frozen=True)
class DeadLetter:
    """One message waiting in the DLQ of the `role` queue."""

    role: str
    queue_name: str
    message_id: str
    receipt_handle: str
    body: str


def _url(sqs: Any, queue_name: str) -> str:
    return str(sqs.get_queue_url(QueueName=queue_name)["QueueUrl"])


def waiting(sqs: Any, queues: dict[str, str], *, limit: int = MAX_PER_SWEEP) -> Iterator[DeadLetter]:
    """Messages in the DLQ of each pipeline queue (`queues`: role -> queue name), oldest first."""
    for role in QUEUE_ROLES:
        name = dead_letter_queue(queues[role])
        url = _url(sqs, name)
        seen = 0
        while seen < limit:
            messages = sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=min(10, limit - seen),
                VisibilityTimeout=HOLD_SECONDS,
                WaitTimeSeconds=0,
            ).get("Messages", [])
            if not messages:
                break
            seen += len(messages)
            for message in messages:
                yield DeadLetter(role, name, message["MessageId"], message["ReceiptHandle"], message["Body"])


def remove(sqs: Any, letter: DeadLetter) -> None:
    sqs.delete_message(QueueUrl=_url(sqs, letter.queue_name), ReceiptHandle=letter.receipt_handle)
