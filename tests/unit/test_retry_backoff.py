"""The retry schedule a failed SQS record is hidden for, and the setting that carries it."""

import pytest

from chalicelib.batch import Backoff, process_batch, queue_url
from chalicelib.config import Settings, parse_backoff
from chalicelib.errors import ConfigError

PRODUCTION = Backoff((10, 30, 90, 270))


@pytest.mark.parametrize(
    ("attempt", "final", "seconds"),
    [(1, False, 10), (2, False, 30), (3, False, 90), (4, False, 270), (9, False, 270), (3, True, 0)],
)
def test_the_backoff_grows_by_attempt_and_the_last_attempt_goes_to_the_dlq_at_once(attempt, final, seconds):
    assert PRODUCTION.delay(attempt, final=final) == seconds


def test_the_schedule_is_one_setting_with_the_production_default():
    assert Settings.from_env({}).retry_backoff == (10, 30, 90, 270)
    assert Settings.from_env({"PRESSLIFT_RETRY_BACKOFF": "1, 2"}).retry_backoff == (1, 2)


@pytest.mark.parametrize("text", ["", "ten", "5,-1", "50000"])
def test_a_bad_schedule_names_the_variable(text):
    with pytest.raises(ConfigError, match="PRESSLIFT_RETRY_BACKOFF"):
        parse_backoff(text)


def test_the_queue_url_is_built_from_the_records_queue_arn_at_the_clients_endpoint():
    arn = "arn:aws:sqs:eu-west-1:123456789012:presslift-prod-deploy.fifo"
    assert (
        queue_url("https://sqs.eu-west-1.amazonaws.com", arn)
        == "https://sqs.eu-west-1.amazonaws.com/123456789012/presslift-prod-deploy.fifo"
    )
    assert (
        queue_url("http://127.0.0.1:4566/", arn)
        == "http://127.0.0.1:4566/123456789012/presslift-prod-deploy.fifo"
    )


def record(message_id: str, body: str, attempt: int) -> dict:
    return {
        "messageId": message_id,
        "receiptHandle": f"handle-{message_id}",
        "body": body,
        "attributes": {"ApproximateReceiveCount": str(attempt)},
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:presslift-build",
    }


def test_only_failed_records_are_hidden_for_their_attempts_backoff_and_reported():
    hidden: list[tuple[str, int]] = []

    def handle(body: str, final: bool) -> None:
        if body.startswith("bad"):
            raise RuntimeError(body)

    event = {"Records": [record("1", "bad first", 1), record("2", "fine", 1), record("3", "bad last", 3)]}
    result = process_batch(
        event,
        handle,
        max_receive_count=3,
        backoff=PRODUCTION,
        retry_later=lambda rec, seconds: hidden.append((rec["messageId"], seconds)),
    )
    assert result == {"batchItemFailures": [{"itemIdentifier": "1"}, {"itemIdentifier": "3"}]}
    assert hidden == [("1", 10), ("3", 0)]


def test_a_failing_visibility_change_still_reports_the_record():
    def refuse(rec: dict, seconds: int) -> None:
        raise RuntimeError("AccessDenied")

    def fail(body: str, final: bool) -> None:
        raise RuntimeError("boom")

    result = process_batch(
        {"Records": [record("1", "x", 1)]}, fail, max_receive_count=3, backoff=PRODUCTION, retry_later=refuse
    )
    assert result == {"batchItemFailures": [{"itemIdentifier": "1"}]}


def test_each_failed_attempt_logs_one_line_and_only_the_last_its_traceback(caplog):
    def fail(body: str, final: bool) -> None:
        raise RuntimeError(f"{body} went wrong\nsecond line")

    event = {"Records": [record("1", "early", 1), record("2", "late", 3)]}
    with caplog.at_level("WARNING", logger="chalicelib.batch"):
        process_batch(event, fail, max_receive_count=3, backoff=PRODUCTION, retry_later=lambda rec, s: None)
    early, late = caplog.records
    assert (
        early.getMessage()
        == "message 1 failed (attempt 1 of 3, again in 10 s): RuntimeError: early went wrong"
    )
    assert not early.exc_info
    assert late.getMessage() == "message 2 failed (attempt 3 of 3, given up): RuntimeError: late went wrong"
    assert late.exc_info and late.exc_info[0] is RuntimeError
