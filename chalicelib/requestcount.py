"""The AWS requests a stage's work makes, counted by the class AWS bills them in, so its `Usage` holds
S3 PUTs, GETs and LISTs, SQS and SNS requests and DynamoDB reads and writes as they were sent.

Every client `services.make_client` makes has one counter on botocore's `before-send` event, which fires
once per request put on the wire, each retry included (AWS bills the attempts it receives). Site files
that `publish.direct` sends as signed PUTs emit the same event where they are sent, so they are counted
there too. A request counts toward every `counting()` scope open in the context that sends it: the
scope is a contextvar, so two stages running at once in two threads (the local cloud's pollers) never
mix their counts, and work handed to a pool carries it only through `pool.ContextPool`, which runs each
task in its submitter's context (a plain ThreadPoolExecutor would lose it).

Classes, after AWS's pricing pages (us-east-1):
- S3: PUT, COPY, POST and LIST requests are one tier (PUTs here; LISTs apart, at the same price);
  GET, SELECT and every other request the other; DELETE and CANCEL requests (DeleteObject, the
  multi-object DeleteObjects, AbortMultipartUpload) are free and not counted.
- SQS: every API request (a batch of up to ten messages is one request); sending, receiving, deleting
  and changing the visibility of a FIFO queue's messages at the FIFO price, the rest at the standard
  one. A message over 64 KB bills as one request per 64 KB (Presslift's messages are a few hundred bytes).
- SNS: every API request (Publish, and what else a stage may call).
- DynamoDB: request units of the data plane, estimated as one per item a request names (one for a Query
  or a Scan) and two per item of a transaction: a lower bound, since items larger than a unit (4 KB
  read, 1 KB written) and a Query's every 4 KB cost more (eventually consistent reads cost half).
  Control-plane calls (DescribeTable) are free and not counted.

Not in any stage: what is sent outside `stages.run_stage`'s work (the hand-off to the next stage's
queue, approval mails, all after the stage's record is written) and what AWS does on the pipeline's
behalf (Lambda polling its queues, S3 event notifications).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qs

from chalicelib.usage import Usage

#: The Usage figures counted here; with a scope open, each is known (0 when nothing was sent).
COUNTED = (
    "s3_puts",
    "s3_gets",
    "s3_lists",
    "sqs_requests",
    "sqs_fifo_requests",
    "sns_requests",
    "dynamodb_reads",
    "dynamodb_writes",
)
_S3_FREE_PREFIXES = ("Delete", "AbortMultipartUpload")
_S3_PUT_PREFIXES = ("Put", "Copy", "Create", "Complete", "Upload", "Restore")
_DYNAMODB_READS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"})
_DYNAMODB_WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})
_SQS_FIFO_PRICED = ("SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility")
_HANDLER_ID = "presslift-request-count"

_scopes: ContextVar[tuple[RequestCounts, ...]] = ContextVar("presslift_request_counts", default=())


class RequestCounts:
    """The requests one scope made, per Usage figure; safe to add to from many threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, figure: str, count: int = 1) -> None:
        with self._lock:
            self._counts[figure] += count

    def usage(self) -> Usage:
        with self._lock:
            return Usage(**{figure: self._counts[figure] for figure in COUNTED})


@contextmanager
def counting() -> Iterator[RequestCounts]:
    """Count the AWS requests made in this context (and in tasks given to a `ContextPool`) until the
    block ends; scopes nest, and a request counts in each one open."""
    counts = RequestCounts()
    token = _scopes.set((*_scopes.get(), counts))
    try:
        yield counts
    finally:
        _scopes.reset(token)


def count_requests(client: Any) -> Any:
    """Have `client` count each request it sends in the scopes open where it is sent (once per client)."""
    client.meta.events.register("before-send", _on_send, unique_id=_HANDLER_ID)
    return client


def classify(service: str, operation: str, body: bytes | None = None) -> tuple[str, int] | None:
    """The Usage figure a request of `operation` is billed under and how many it counts for; None for
    one that is free or not priced per request (CloudFront's calls, Lambda's own, SSM's)."""
    if service == "s3":
        if operation.startswith(_S3_FREE_PREFIXES):
            return None
        if operation.startswith("List"):
            return "s3_lists", 1
        return ("s3_puts" if operation.startswith(_S3_PUT_PREFIXES) else "s3_gets"), 1
    if service == "sqs":
        fifo = operation.startswith(_SQS_FIFO_PRICED) and _queue_url(body).endswith(".fifo")
        return ("sqs_fifo_requests" if fifo else "sqs_requests"), 1
    if service == "sns":
        return "sns_requests", 1
    if service == "dynamodb":
        if operation in _DYNAMODB_READS:
            return "dynamodb_reads", _request_units(operation, body)
        if operation in _DYNAMODB_WRITES:
            return "dynamodb_writes", _request_units(operation, body)
    return None


def _queue_url(body: bytes | None) -> str:
    """The QueueUrl an SQS request names: its JSON body's (botocore's protocol since 1.31), or its form's."""
    if not body:
        return ""
    try:
        request = json.loads(body)
    except ValueError:
        form = parse_qs(body.decode("utf-8", "replace"))
        return form.get("QueueUrl", [""])[0]
    url = request.get("QueueUrl") if isinstance(request, dict) else None
    return url if isinstance(url, str) else ""


def _request_units(operation: str, body: bytes | None) -> int:
    """One per item a DynamoDB request names (two per item of a transaction); one for a single-item
    request, a Query or a Scan (whatever it returns: the items read are not counted)."""
    if not operation.startswith(("Batch", "Transact")):
        return 1
    try:
        request = json.loads(body or b"{}")
    except ValueError:
        return 1
    if not isinstance(request, dict):
        return 1
    if operation.startswith("Transact"):
        items = request.get("TransactItems")
        return 2 * len(items) if isinstance(items, list) and items else 2
    tables = request.get("RequestItems")
    if not isinstance(tables, dict):
        return 1
    found = 0
    for wanted in tables.values():
        listed = wanted.get("Keys") if isinstance(wanted, dict) else wanted  # BatchGetItem : BatchWriteItem
        found += len(listed) if isinstance(listed, list) else 0
    return max(found, 1)


def _on_send(request: Any, event_name: str = "", **_: Any) -> None:
    scopes = _scopes.get()
    if not scopes:
        return
    parts = event_name.split(".")
    if len(parts) < 3:
        return
    body = getattr(request, "body", None)
    counted = classify(parts[1], parts[2], body if isinstance(body, bytes) else None)
    if counted is None:
        return
    figure, count = counted
    for counts in scopes:
        counts.add(figure, count)
