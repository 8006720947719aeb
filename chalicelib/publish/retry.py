"""CloudFront's invalidation rate limit, the one AWS answer Presslift retries itself.

`TooManyInvalidationsInProgress` (400) comes while too many earlier invalidations are still running;
botocore does not retry it, and it clears only as they finish, minutes later. Every other AWS fault is
botocore's to retry (see `chalicelib.retry`, the one policy for answers that mean "later").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from botocore.exceptions import ClientError

from chalicelib.retry import RetryPolicy, call_with_retries

T = TypeVar("T")

#: What botocore leaves to us: an AWS answer that means "later", which its own policy does not retry.
RATE_LIMIT_CODES = frozenset({"TooManyInvalidationsInProgress"})


def is_rate_limited(error: Exception) -> bool:
    return isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") in RATE_LIMIT_CODES


def with_retries(
    call: Callable[[], T], policy: RetryPolicy, sleep: Callable[[float], None] = time.sleep
) -> T:
    """`call()`, retried while it is rate limited, at most `policy.attempts` times in all."""
    return call_with_retries(call, policy, is_rate_limited, sleep=sleep)
