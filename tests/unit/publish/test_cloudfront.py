"""CloudFront calls: backing off while too many invalidations run, and polling in any letter case."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.errors import PublishError
from chalicelib.publish.cloudfront import invalidate, wait_until_complete
from chalicelib.retry import RetryPolicy


class FakeCloudFront:
    """Refuses the first `busy` invalidations as CloudFront does when busy; reports `statuses` in turn."""

    def __init__(self, busy: int = 0, statuses: tuple[str, ...] = ("COMPLETED",)) -> None:
        self.busy, self.statuses = busy, list(statuses)
        self.batches: list[dict[str, Any]] = []

    def create_invalidation(self, DistributionId: str, InvalidationBatch: dict[str, Any]) -> dict[str, Any]:
        if self.busy:
            self.busy -= 1
            error = {
                "Error": {"Code": "TooManyInvalidationsInProgress", "Message": "busy"},
                "ResponseMetadata": {"HTTPStatusCode": 400},
            }
            raise ClientError(error, "CreateInvalidation")
        self.batches.append(InvalidationBatch)
        return {"Invalidation": {"Id": "I1", "Status": "InProgress"}}

    def get_invalidation(self, DistributionId: str, Id: str) -> dict[str, Any]:
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return {"Invalidation": {"Id": Id, "Status": status}}


def test_too_many_invalidations_in_progress_is_retried_with_backoff() -> None:
    cloudfront, delays = FakeCloudFront(busy=2), list[float]()

    invalidation_id = invalidate(cloudfront, "E1", ["/", "/index.html"], "ref-1", sleep=delays.append)

    assert invalidation_id == "I1" and len(delays) == 2
    assert cloudfront.batches == [
        {"Paths": {"Quantity": 2, "Items": ["/", "/index.html"]}, "CallerReference": "ref-1"}
    ]


def test_a_distribution_that_stays_busy_fails_with_a_clear_message() -> None:
    with pytest.raises(PublishError, match=r"invalidate 1 paths on CloudFront distribution E1.*re-run"):
        invalidate(FakeCloudFront(busy=9), "E1", ["/*"], "ref", RetryPolicy(attempts=3), sleep=lambda _: None)


@pytest.mark.parametrize("done", ["Completed", "COMPLETED"])
def test_polling_ends_when_the_invalidation_completes_in_either_letter_case(done: str) -> None:
    cloudfront, sleeps = FakeCloudFront(statuses=("InProgress", "InProgress", done)), list[float]()

    status = wait_until_complete(
        cloudfront, "E1", "I1", timeout_seconds=60, sleep=sleeps.append, clock=lambda: 0.0
    )

    assert status == done and len(sleeps) == 2


def test_polling_gives_up_at_the_deadline_and_returns_the_last_status() -> None:
    ticks = iter(range(0, 1000, 10))

    status = wait_until_complete(
        FakeCloudFront(statuses=("InProgress",)),
        "E1",
        "I1",
        30,
        sleep=lambda _: None,
        clock=lambda: float(next(ticks)),
    )

    assert status == "InProgress"
