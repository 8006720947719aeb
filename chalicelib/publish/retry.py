"""Retrying one AWS call with exponential backoff and full jitter, on throttling and server errors.

Only transient faults are retried: a refusal (access denied, no such bucket, a bad digest) fails at
once so its message reaches the user. Never retries anything that is not an AWS call.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

from chalicelib.publish.target import RetryPolicy

T = TypeVar("T")

TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "SlowDown",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "RequestTimeout",
        "RequestTimeoutException",
        "InternalError",
        "ServiceUnavailable",
        "TooManyInvalidationsInProgress",
    }
)


def is_transient(error: Exception) -> bool:
    if isinstance(error, ConnectionError | HTTPClientError):
        return True
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return code in TRANSIENT_CODES or status >= 500
    return False


def with_retries(
    call: Callable[[], T], policy: RetryPolicy, sleep: Callable[[float], None] = time.sleep
) -> T:
    """`call()`, retried while it fails transiently, at most `policy.attempts` times in all."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return call()
        except Exception as error:
            if attempt == policy.attempts or not is_transient(error):
                raise
            ceiling = min(policy.max_seconds, policy.base_seconds * 2 ** (attempt - 1))
            sleep(random.uniform(0, ceiling))
    raise AssertionError("unreachable: the last attempt returns or raises")
