"""The one retry policy Presslift adds on top of its clients: for answers that mean "later".

AWS calls are retried by botocore itself (`services.make_client`: standard mode, `AWS_MAX_ATTEMPTS`
tries in all); nothing retries them again around it. Two services answer "later" in a way their client
does not retry: CloudFront's `TooManyInvalidationsInProgress` (minutes, until earlier invalidations end)
and Algolia's 429s, 5xx and unreachable hosts. Both use `call_with_retries` with their own
`RetryPolicy`: exponential backoff with full jitter, a bounded number of tries.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` tries in all, the delay before each retry drawn up to a ceiling that doubles from
    `base_seconds` to at most `max_seconds`."""

    attempts: int = 6
    base_seconds: float = 0.25
    max_seconds: float = 8.0

    def ceiling(self, attempt: int) -> float:
        """The longest wait after failed try number `attempt` (1-based)."""
        return float(min(self.max_seconds, self.base_seconds * 2 ** (attempt - 1)))


def call_with_retries(
    call: Callable[[], T],
    policy: RetryPolicy,
    transient: Callable[[Exception], bool],
    *,
    sleep: Callable[[float], None] = time.sleep,
    before_retry: Callable[[Exception, int], None] | None = None,
) -> T:
    """`call()`, tried again while it fails with an error `transient` accepts, at most `policy.attempts`
    times in all; the last error is raised as it is. `before_retry(error, attempt)` runs before each
    wait (to log it, or to reset a client's state)."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return call()
        except Exception as error:
            if attempt == policy.attempts or not transient(error):
                raise
            if before_retry is not None:
                before_retry(error, attempt)
            sleep(random.uniform(0, policy.ceiling(attempt)))
    raise AssertionError("unreachable: the last attempt returns or raises")
