"""The CloudFront side of publishing: create an invalidation (with backoff) and poll it to completion.

Polls `get_invalidation` itself rather than using boto3's waiter: the waiter expects the status
`Completed`, and some CloudFront emulations report `COMPLETED`. Never decides which paths to invalidate
(that is the plan's job).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import PublishError
from chalicelib.publish.retry import with_retries
from chalicelib.retry import RetryPolicy

CloudFrontClient = Any  # a boto3 CloudFront client; typed loosely because boto3-stubs are not a dependency

# TooManyInvalidationsInProgress clears only as earlier invalidations finish: minutes, not milliseconds.
BUSY_POLICY = RetryPolicy(attempts=8, base_seconds=5.0, max_seconds=60.0)


def invalidate(
    cloudfront: CloudFrontClient,
    distribution_id: str,
    paths: Sequence[str],
    caller_reference: str,
    policy: RetryPolicy = BUSY_POLICY,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Start an invalidation of `paths` and return its id; the same reference never invalidates twice."""
    batch = {"Paths": {"Quantity": len(paths), "Items": list(paths)}, "CallerReference": caller_reference}

    def create() -> str:
        response = cloudfront.create_invalidation(DistributionId=distribution_id, InvalidationBatch=batch)
        invalidation_id: str = response["Invalidation"]["Id"]
        return invalidation_id

    try:
        return with_retries(create, policy, sleep)
    except (ClientError, BotoCoreError) as error:
        raise PublishError(
            f"could not invalidate {len(paths)} paths on CloudFront distribution {distribution_id}: {error}; "
            "the files are published, re-run the publish to invalidate"
        ) from error


def wait_until_complete(
    cloudfront: CloudFrontClient,
    distribution_id: str,
    invalidation_id: str,
    timeout_seconds: float,
    interval_seconds: float = 5.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> str:
    """Poll until the invalidation completes (in any letter case) or time runs out; return its status."""
    deadline = clock() + timeout_seconds
    while True:
        response = cloudfront.get_invalidation(DistributionId=distribution_id, Id=invalidation_id)
        status: str = response["Invalidation"]["Status"]
        if status.lower() == "completed" or clock() >= deadline:
            return status
        sleep(interval_seconds)
