"""The one policy for answers that mean "later": bounded tries, full-jitter waits under a doubling
ceiling, the hook before each retry, and the last error raised as it is."""

from __future__ import annotations

import pytest

from chalicelib.retry import RetryPolicy, call_with_retries


class Busy(Exception):
    pass


def test_the_ceiling_doubles_up_to_its_maximum() -> None:
    policy = RetryPolicy(attempts=6, base_seconds=0.5, max_seconds=3.0)
    assert [policy.ceiling(attempt) for attempt in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_a_transient_error_is_tried_again_until_the_call_succeeds() -> None:
    answers: list[object] = [Busy("1"), Busy("2"), "done"]
    waits: list[float] = []
    seen: list[tuple[str, int]] = []

    def call() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return str(answer)

    result = call_with_retries(
        call,
        RetryPolicy(attempts=5, base_seconds=1.0, max_seconds=4.0),
        lambda error: isinstance(error, Busy),
        sleep=waits.append,
        before_retry=lambda error, attempt: seen.append((str(error), attempt)),
    )
    assert result == "done"
    assert seen == [("1", 1), ("2", 2)]
    assert len(waits) == 2 and 0 <= waits[0] <= 1.0 and 0 <= waits[1] <= 2.0


def test_it_gives_up_after_the_last_attempt_with_the_last_error() -> None:
    tries: list[int] = []

    def call() -> None:
        tries.append(1)
        raise Busy(f"try {len(tries)}")

    with pytest.raises(Busy, match="try 3"):
        call_with_retries(call, RetryPolicy(attempts=3), lambda _: True, sleep=lambda _: None)
    assert len(tries) == 3


def test_an_error_that_is_not_transient_fails_at_once() -> None:
    tries: list[int] = []

    def call() -> None:
        tries.append(1)
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        call_with_retries(call, RetryPolicy(attempts=5), lambda e: isinstance(e, Busy), sleep=lambda _: None)
    assert tries == [1]
