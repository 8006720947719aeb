"""Which billing class each AWS request counts in, and that work handed to the pipeline's pools is
counted in the scope that handed it over."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from chalicelib import cost, requestcount
from chalicelib.pool import ContextPool
from chalicelib.requestcount import RequestCounts, classify, counting

CHALICELIB = Path(__file__).resolve().parents[2] / "chalicelib"


@pytest.mark.parametrize(
    ("operation", "figure"),
    [
        ("PutObject", "s3_puts"),
        ("CopyObject", "s3_puts"),
        ("CreateMultipartUpload", "s3_puts"),
        ("UploadPart", "s3_puts"),
        ("CompleteMultipartUpload", "s3_puts"),
        ("GetObject", "s3_gets"),
        ("HeadObject", "s3_gets"),
        ("HeadBucket", "s3_gets"),  # "GET, SELECT and all other requests"
        ("ListObjectsV2", "s3_lists"),
        ("ListObjectVersions", "s3_lists"),
        ("DeleteObject", None),  # DELETE and CANCEL requests are free
        ("DeleteObjects", None),
        ("AbortMultipartUpload", None),
    ],
)
def test_s3_requests_count_in_the_class_aws_bills_them_in(operation: str, figure: str | None) -> None:
    counted = classify("s3", operation)
    assert (counted[0] if counted else None) == figure


def test_a_fifo_queue_message_request_is_priced_as_fifo_and_its_other_requests_as_standard() -> None:
    fifo = json.dumps({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/1/presslift-deploy.fifo"}).encode()
    standard = json.dumps({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/1/presslift-build"}).encode()
    assert classify("sqs", "SendMessage", fifo) == ("sqs_fifo_requests", 1)
    assert classify("sqs", "DeleteMessageBatch", fifo) == ("sqs_fifo_requests", 1)
    assert classify("sqs", "GetQueueAttributes", fifo) == ("sqs_requests", 1)
    assert classify("sqs", "SendMessage", standard) == ("sqs_requests", 1)
    # The older query protocol sends a form.
    form = b"Action=SendMessage&QueueUrl=https%3A%2F%2Fq%2F1%2Fpresslift-deploy.fifo&MessageBody=x.fifo"
    assert classify("sqs", "SendMessage", form) == ("sqs_fifo_requests", 1)
    # A message that merely mentions a FIFO queue does not make its standard queue one.
    mention = json.dumps({"QueueUrl": "https://q/1/presslift-build", "MessageBody": "presslift-deploy.fifo"})
    assert classify("sqs", "SendMessage", mention.encode()) == ("sqs_requests", 1)


def test_dynamodb_reads_and_writes_count_one_unit_an_item_and_two_in_a_transaction() -> None:
    assert classify("dynamodb", "GetItem") == ("dynamodb_reads", 1)
    assert classify("dynamodb", "Query") == ("dynamodb_reads", 1)
    assert classify("dynamodb", "UpdateItem") == ("dynamodb_writes", 1)
    batch_get = {
        "RequestItems": {"runs": {"Keys": [{"pk": {"S": "a"}}, {"pk": {"S": "b"}}]}, "x": {"Keys": [{}]}}
    }
    assert classify("dynamodb", "BatchGetItem", json.dumps(batch_get).encode()) == ("dynamodb_reads", 3)
    batch_write = {"RequestItems": {"runs": [{"PutRequest": {}}, {"DeleteRequest": {}}]}}
    assert classify("dynamodb", "BatchWriteItem", json.dumps(batch_write).encode()) == ("dynamodb_writes", 2)
    transaction = {"TransactItems": [{"Put": {}}, {"Update": {}}]}
    assert classify("dynamodb", "TransactWriteItems", json.dumps(transaction).encode()) == (
        "dynamodb_writes",
        4,
    )
    assert classify("dynamodb", "BatchWriteItem", b"not json") == ("dynamodb_writes", 1)
    assert classify("dynamodb", "DescribeTable") is None  # control plane: free


def test_services_without_a_request_price_are_not_counted() -> None:
    assert classify("cloudfront", "CreateInvalidation") is None  # priced by path, reported by the deploy
    assert classify("lambda", "Invoke") is None  # the runner's own request is in its Lambda usage
    assert classify("sns", "Publish") == ("sns_requests", 1)


def test_every_counted_figure_has_a_price() -> None:
    assert set(requestcount.COUNTED) <= set(cost.PRICED)


def test_a_scope_counts_what_its_pool_tasks_send_and_nested_scopes_both_count() -> None:
    def sent(operation: str) -> None:
        requestcount._on_send(None, event_name=f"before-send.s3.{operation}")

    with counting() as outer:
        sent("PutObject")
        with counting() as inner, ContextPool(max_workers=2) as pool:
            list(pool.map(sent, ["GetObject", "GetObject", "ListObjectsV2"]))
    sent("PutObject")  # no scope open: counted nowhere
    assert (outer.usage().s3_puts, outer.usage().s3_gets, outer.usage().s3_lists) == (1, 2, 1)
    assert (inner.usage().s3_puts, inner.usage().s3_gets, inner.usage().s3_lists) == (0, 2, 1)


def test_a_counted_scope_knows_every_figure_it_counts_even_when_nothing_was_sent() -> None:
    assert RequestCounts().usage().to_dict() == dict.fromkeys(requestcount.COUNTED, 0)


def test_the_pipeline_hands_work_to_pools_that_carry_the_counting_scope() -> None:
    plain = [
        str(path.relative_to(CHALICELIB))
        for path in CHALICELIB.rglob("*.py")
        if path.name != "pool.py" and re.search(r"\bThreadPoolExecutor\(", path.read_text(encoding="utf-8"))
    ]
    assert plain == [], f"use chalicelib.pool.ContextPool, or their requests go uncounted: {plain}"
