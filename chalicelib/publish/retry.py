"""The one retry Presslift adds to an AWS call: CloudFront's invalidation rate limit.

Every AWS call is retried by botocore itself (`services.make_client`: standard mode, throttling, 5xx
and connection faults, `AWS_MAX_ATTEMPTS` tries); retrying those again here would multiply the tries.
`TooManyInvalidationsInProgress` is the exception: CloudFront answers it (400) while too many earlier
invalidations are still running, botocore does not retry it, and it clears only as they finish,
minutes later. So only it is retried here, with exponential backoff and full jitter.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from botocore.exceptions import ClientError

from chalicelib.publish.target import RetryPolicy

T = TypeVar("T")

#: What botocore leaves to us: an AWS answer that means "later", which its own policy does not retry.
RATE_LIMIT_CODES = frozenset({"TooManyInvalidationsInProgress"})


def is_rate_limited(error: Exception) -> bool:
    return isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") in RATE_LIMIT_CODES


def with_retries(
    call: Callable[[], T], policy: RetryPolicy, sleep: Callable[[float], None] = time.sleep
) -> T:
    """`call()`, retried while it is rate limited, at most `policy.attempts` times in all."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return call()
        except Exception as error:
            if attempt == policy.attempts or not is_rate_limited(error):
                raise
            ceiling = min(policy.max_seconds, policy.base_seconds * 2 ** (attempt - 1))
            sleep(random.uniform(0, ceiling))
    raise AssertionError("unreachable: the last attempt returns or raises")
