"""Retries: transient AWS faults are retried with growing delays; refusals fail at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from chalicelib.publish.retry import is_transient, with_retries
from chalicelib.publish.target import RetryPolicy


def client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "PutObject"
    )


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (client_error("SlowDown", 503), True),
        (client_error("Throttling", 400), True),
        (client_error("InternalError", 500), True),
        (client_error("TooManyInvalidationsInProgress", 400), True),
        (EndpointConnectionError(endpoint_url="http://x"), True),
        (client_error("AccessDenied", 403), False),
        (client_error("BadDigest", 400), False),
        (ValueError("bug"), False),
    ],
)
def test_which_errors_are_transient(error: Exception, transient: bool) -> None:
    assert is_transient(error) is transient


def failing(times: int, error: Exception) -> Callable[[], str]:
    calls = {"n": 0}

    def call() -> str:
        calls["n"] += 1
        if calls["n"] <= times:
            raise error
        return f"ok after {calls['n']}"

    return call


def test_throttling_is_retried_with_backoff_until_it_succeeds() -> None:
    delays: list[float] = []

    result = with_retries(
        failing(3, client_error("SlowDown", 503)), RetryPolicy(attempts=5, base_seconds=1.0), delays.append
    )

    assert result == "ok after 4"
    assert len(delays) == 3 and all(0 <= d <= 4.0 for d in delays)


def test_gives_up_after_the_last_attempt() -> None:
    with pytest.raises(ClientError, match="SlowDown"):
        with_retries(failing(9, client_error("SlowDown", 503)), RetryPolicy(attempts=3), lambda _: None)


def test_a_refusal_is_not_retried() -> None:
    delays: list[float] = []

    with pytest.raises(ClientError, match="AccessDenied"):
        with_retries(failing(1, client_error("AccessDenied", 403)), RetryPolicy(), delays.append)
    assert delays == []
