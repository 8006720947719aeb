"""Structured logs: JSON lines on Lambda and readable lines locally, both with the run id, site, stage
and attempt of the message being handled; registered secrets and token-shaped values never shown."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib import batch, logs
from chalicelib.secrets import Secrets

# Not under "presslift": Chalice gives the app's logger (named after the app) a handler, no propagation.
log = logging.getLogger("chalicelib.test_logs")
GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
FINE_GRAINED = "github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
COMMIT = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


@pytest.fixture(autouse=True)
def clean_logging() -> Iterator[None]:
    """Each test sets logging up afresh; the root logger and the record factory are put back after."""
    root = logging.getLogger()
    handlers, level, factory = list(root.handlers), root.level, logging.getLogRecordFactory()
    logs._factory_installed = False
    logs.forget_secrets()
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.setLogRecordFactory(factory)
    logs._factory_installed = False
    logs.forget_secrets()


def lambda_lines(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "presslift-prod-build")
    out = io.StringIO()
    logs.setup(stream=out)
    return out


def parsed(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_on_lambda_each_line_is_one_json_object_with_the_context(monkeypatch: pytest.MonkeyPatch) -> None:
    out = lambda_lines(monkeypatch)
    with logs.log_context(run_id="r-42", site="blog", stage="build", attempt=2):
        log.info("built %d pages", 12)
    (line,) = parsed(out)
    assert set(line) == {"timestamp", "level", "logger", "message", "run_id", "site", "stage", "attempt"}
    assert (line["level"], line["logger"], line["message"]) == (
        "INFO",
        "chalicelib.test_logs",
        "built 12 pages",
    )
    assert (line["run_id"], line["site"], line["stage"], line["attempt"]) == ("r-42", "blog", "build", 2)
    assert line["timestamp"].endswith("+00:00") and "T" in line["timestamp"]


def test_the_lambda_runtimes_own_handler_is_replaced_not_doubled(monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = io.StringIO()
    logging.getLogger().addHandler(logging.StreamHandler(runtime))
    out = lambda_lines(monkeypatch)
    logs.setup(stream=out)  # twice, as a warm start re-importing would
    log.warning("once")
    assert runtime.getvalue() == ""
    assert [line["message"] for line in parsed(out)] == ["once"]


def test_every_line_inside_the_context_carries_it_and_none_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    out = lambda_lines(monkeypatch)
    log.info("before")
    with logs.log_context(run_id="r-1", site="blog", attempt=1):
        log.info("message")
        with logs.log_context(stage="deploy-staging"):
            log.error("stage")
        log.info("after the stage")
    log.info("after")
    context = [{k: line.get(k) for k in logs.FIELDS} for line in parsed(out)]
    assert context == [
        {"run_id": None, "site": None, "stage": None, "attempt": None},
        {"run_id": "r-1", "site": "blog", "stage": None, "attempt": 1},
        {"run_id": "r-1", "site": "blog", "stage": "deploy-staging", "attempt": 1},
        {"run_id": "r-1", "site": "blog", "stage": None, "attempt": 1},
        {"run_id": None, "site": None, "stage": None, "attempt": None},
    ]


def test_locally_a_line_is_readable_with_the_same_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    logging.getLogger().handlers.clear()
    out = io.StringIO()
    logs.setup(stream=out)
    with logs.log_context(run_id="r-7", site="shop", stage="fetch", attempt=3):
        log.warning("slow %s", "repository")
    text = out.getvalue()
    assert text.count("\n") == 1
    assert "WARNING chalicelib.test_logs [run=r-7 site=shop stage=fetch attempt=3]: slow repository" in text


def test_locally_logging_set_up_by_someone_else_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    theirs = logging.StreamHandler(io.StringIO())
    logging.getLogger().handlers[:] = [theirs]
    logs.setup()
    assert logging.getLogger().handlers == [theirs]


def test_a_registered_secret_is_redacted_from_message_arguments_and_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = lambda_lines(monkeypatch)
    logs.register_secret("s3cr3t-admin-key-0123")
    log.info("key is %s", "s3cr3t-admin-key-0123")
    log.info("key=s3cr3t-admin-key-0123 inline")
    try:
        raise RuntimeError("refused s3cr3t-admin-key-0123")
    except RuntimeError:
        log.exception("failed with %r", {"key": "s3cr3t-admin-key-0123"})
    assert "s3cr3t-admin-key-0123" not in out.getvalue()
    lines = parsed(out)
    assert [line["message"] for line in lines] == [
        "key is [redacted]",
        "key=[redacted] inline",
        "failed with {'key': '[redacted]'}",
    ]
    assert "RuntimeError: refused [redacted]" in lines[2]["exception"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"token {GITHUB_TOKEN} used", "token [redacted] used"),
        (f"token={FINE_GRAINED}", "token=[redacted]"),
        (f"ghs_{'x' * 36}", "[redacted]"),
        (f"aws_secret_access_key = {AWS_SECRET}", "aws_secret_access_key = [redacted]"),
        ("Authorization: Bearer abc.def.ghi", "Authorization: Bearer [redacted]"),
        ('{"authorization": "token abcdef123"}', '{"authorization": "token [redacted]"}'),
        ("cloning https://x-access-token:hunter2@github.com/o/r.git", "cloning https://x-access-token:[redacted]@github.com/o/r.git"),
        (f"built commit {COMMIT}", f"built commit {COMMIT}"),
        ("ghp_short is not a token", "ghp_short is not a token"),
        ("a plain line about the blog", "a plain line about the blog"),
    ],
)  # fmt: skip
def test_token_shaped_values_are_redacted_and_ordinary_text_kept(text: str, expected: str) -> None:
    assert logs.redact(text) == expected


def test_a_short_secret_is_redacted_only_where_it_stands_alone() -> None:
    logs.register_secret("abc1")
    assert logs.redact("pin abc1, not abc12 or xabc1") == "pin [redacted], not abc12 or xabc1"


def test_the_context_takes_only_its_fields() -> None:
    with pytest.raises(ValueError, match="not token"), logs.log_context(token="x"):
        pass


def test_batch_messages_log_with_their_run_site_and_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    out = lambda_lines(monkeypatch)
    body = json.dumps({"type": "BuildRequest", "run_id": "r-9", "site": "blog"})

    def handle(body: str, final: bool) -> None:
        log.info("building")
        raise RuntimeError("hugo failed")

    event = {
        "Records": [
            {"messageId": "m-1", "body": body, "attributes": {"ApproximateReceiveCount": "2"}},
            {"messageId": "m-2", "body": "not json", "attributes": {"ApproximateReceiveCount": "1"}},
        ]
    }
    assert batch.process_batch(event, handle, max_receive_count=3) == {
        "batchItemFailures": [{"itemIdentifier": "m-1"}, {"itemIdentifier": "m-2"}]
    }
    lines = parsed(out)
    assert [
        (line["message"][:17], line.get("run_id"), line.get("site"), line["attempt"]) for line in lines
    ] == [
        ("building", "r-9", "blog", 2),
        ("message m-1 faile", "r-9", "blog", 2),
        ("building", None, None, 1),
        ("message m-2 faile", None, None, 1),
    ]


@pytest.mark.parametrize(
    "body",
    ['{"run_id": 5, "site": ["x"]}', '["r-1"]', '{"run_id": "' + "r" * 300 + '"}', "", "null"],
)
def test_a_body_without_a_usable_run_or_site_gives_no_context(body: str) -> None:
    assert batch.message_context(body) == {}


def test_a_secret_read_from_ssm_never_reaches_a_log_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    out = lambda_lines(monkeypatch)
    with mock_aws():
        ssm = boto3.client("ssm", region_name="us-east-1")
        ssm.put_parameter(Name="/presslift/search/blog/admin", Value="e1f2a3b4c5d6e7f8", Type="SecureString")
        value = Secrets(ssm=ssm).get("/presslift/search/blog/admin")
    log.error("Algolia refused key %s", value)
    assert "e1f2a3b4c5d6e7f8" not in out.getvalue()
    assert parsed(out)[-1]["message"] == "Algolia refused key [redacted]"


def test_a_callers_extra_fields_do_not_clash_with_the_context(monkeypatch: pytest.MonkeyPatch) -> None:
    out = lambda_lines(monkeypatch)
    with logs.log_context(site="blog"):
        log.info("with extra", extra={"site": "other"})
    assert parsed(out)[0]["site"] == "blog"


def test_a_line_shows_a_short_secret_only_as_a_word_of_its_own() -> None:
    """What the end-to-end suite's secret check looks for is what redaction hides: another test's
    parameter "one" registered in the same process must not make every "someone" a leak."""
    assert not logs.shows("someone is done", "one")
    assert logs.shows("the value is one.", "one")
    assert logs.shows("key=s3cr3t-admin-key-0123x", "s3cr3t-admin-key-0123")
