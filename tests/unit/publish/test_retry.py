"""The one retry of our own: CloudFront's rate limit, with growing delays; everything else (botocore
retries throttling and server errors itself) and every refusal fails at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from chalicelib.publish.retry import is_rate_limited, with_retries
from chalicelib.retry import RetryPolicy

BUSY = "TooManyInvalidationsInProgress"


def client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "PutObject"
    )


@pytest.mark.parametrize(
    ("error", "ours"),
    [
        (client_error("TooManyInvalidationsInProgress", 400), True),
        # botocore's own policy retries these already: retrying them again would multiply the tries
        (client_error("SlowDown", 503), False),
        (client_error("Throttling", 400), False),
        (client_error("InternalError", 500), False),
        (EndpointConnectionError(endpoint_url="http://x"), False),
        (client_error("AccessDenied", 403), False),
        (client_error("BadDigest", 400), False),
        (ValueError("bug"), False),
    ],
)
def test_only_the_rate_limit_botocore_leaves_is_retried_here(error: Exception, ours: bool) -> None:
    assert is_rate_limited(error) is ours


def failing(times: int, error: Exception) -> Callable[[], str]:
    calls = {"n": 0}

    def call() -> str:
        calls["n"] += 1
        if calls["n"] <= times:
            raise error
        return f"ok after {calls['n']}"

    return call


def test_the_rate_limit_is_retried_with_backoff_until_it_clears() -> None:
    delays: list[float] = []

    result = with_retries(
        failing(3, client_error(BUSY, 400)),
        RetryPolicy(attempts=5, base_seconds=1.0),
        delays.append,
    )

    assert result == "ok after 4"
    assert len(delays) == 3 and all(0 <= d <= 4.0 for d in delays)


def test_gives_up_after_the_last_attempt() -> None:
    with pytest.raises(ClientError, match=BUSY):
        with_retries(
            failing(9, client_error(BUSY, 400)),
            RetryPolicy(attempts=3),
            lambda _: None,
        )


@pytest.mark.parametrize("code", ["AccessDenied", "SlowDown"])
def test_a_refusal_or_a_fault_botocore_gave_up_on_is_not_retried(code: str) -> None:
    delays: list[float] = []

    with pytest.raises(ClientError, match=code):
        with_retries(failing(1, client_error(code, 403)), RetryPolicy(), delays.append)
    assert delays == []
