"""The scheduled sweep finds exactly the previews idle past their own site's time and queues each one's
removal; the deploy function removes it, unless it changed since. One broken site stops none of the
others, and the sweep's own role needs no S3 or CloudFront grant for any of it."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest

from chalicelib import events
from chalicelib.pipeline import remove_preview
from chalicelib.pipeline.sweep import queue_idle_removals
from chalicelib.previews.expiry import idle_previews, is_idle
from chalicelib.previews.registry import timestamp
from chalicelib.services import Services
from chalicelib.sitemodel import PreviewPolicy, Site, Target
from tests.unit.previews.conftest import NOW, preview


def days_ago(days: float) -> str:
    return timestamp(NOW - timedelta(days=days))


def seed(svc: Services, site: str, number: int, status: str, age_days: float) -> None:
    svc.previews.save(preview(site=site, number=number, status=status, updated_at=days_ago(age_days)))
    key = f"{site}/previews/pr-{number}/index.html"
    svc.s3.put_object(Bucket=svc.settings.site_buckets["staging"], Key=key, Body=b"<html>")


def statuses(svc: Services, site: str) -> dict[int | None, str]:
    return {p.number: p.status for p in svc.previews.list(site, include_removed=True)}


def deploy_queue(svc: Services) -> list[events.PreviewRemoval]:
    """Take every message off the deploy queue, as the deploy function would, in order."""
    url = svc.sqs.get_queue_url(QueueName=svc.settings.queues["deploy"])["QueueUrl"]
    found: list[events.PreviewRemoval] = []
    while got := svc.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in got:
            decoded = events.decode(message["Body"])
            assert isinstance(decoded, events.PreviewRemoval)
            found.append(decoded)
            svc.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def test_exactly_the_previews_idle_past_their_own_sites_time_are_removed(svc: Services) -> None:
    svc.sites.add(Site("quayside", repo="harbour/quayside"))  # the default: 14 days
    svc.sites.add(Site("lighthouse", repo="harbour/lighthouse", previews=PreviewPolicy(idle_days=3)))
    seed(svc, "quayside", 1, "live", 15)
    seed(svc, "quayside", 2, "live", 13)
    seed(svc, "quayside", 3, "failed", 20)
    seed(svc, "quayside", 4, "building", 30)  # a build in flight: its run records it
    seed(svc, "quayside", 5, "not built", 14.01)
    seed(svc, "quayside", 6, "live", 14)  # exactly 14 days: not yet past
    seed(svc, "lighthouse", 1, "live", 4)
    seed(svc, "lighthouse", 2, "live", 2.9)
    svc.previews.save(preview(site="lighthouse", number=7, status="removed", updated_at=days_ago(90)))

    queued = queue_idle_removals(svc)

    assert sorted(queued) == [
        "lighthouse: previews/pr-1/ (no push for 3 days)",
        "quayside: previews/pr-1/ (no push for 14 days)",
        "quayside: previews/pr-3/ (no push for 14 days)",
        "quayside: previews/pr-5/ (no push for 14 days)",
    ]
    assert statuses(svc, "quayside")[1] == "live"  # the sweep itself removes nothing
    requests = deploy_queue(svc)
    assert sorted((r.site, r.path, r.idle_days) for r in requests) == [
        ("lighthouse", "previews/pr-1/", 3),
        ("quayside", "previews/pr-1/", 14),
        ("quayside", "previews/pr-3/", 14),
        ("quayside", "previews/pr-5/", 14),
    ]
    for request in requests:  # the deploy function's part
        remove_preview(svc, request)
    assert statuses(svc, "quayside") == {
        1: "removed",
        2: "live",
        3: "removed",
        4: "building",
        5: "removed",
        6: "live",
    }
    assert statuses(svc, "lighthouse") == {1: "removed", 2: "live", 7: "removed"}
    staging = svc.settings.site_buckets["staging"]
    left = svc.s3.list_objects_v2(Bucket=staging, Prefix="quayside/previews/pr-1/").get("KeyCount")
    assert left == 0
    assert queue_idle_removals(svc) == []  # the next sweep finds nothing more


def test_a_preview_pushed_to_after_the_sweep_is_kept(svc: Services) -> None:
    svc.sites.add(Site("quayside", repo="harbour/quayside"))
    seed(svc, "quayside", 1, "live", 30)
    queue_idle_removals(svc)
    (request,) = deploy_queue(svc)
    # a push before the deploy function got to the removal: the preview is fresh again
    svc.previews.save(preview(site="quayside", number=1, status="building", updated_at=timestamp(NOW)))
    remove_preview(svc, request)
    assert statuses(svc, "quayside") == {1: "building"}
    assert svc.s3.list_objects_v2(
        Bucket=svc.settings.site_buckets["staging"], Prefix="quayside/previews/pr-1/"
    )["KeyCount"]


def test_one_site_that_cannot_be_read_stops_none_of_the_others(
    svc: Services, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc.sites.add(Site("broken", repo="harbour/broken", targets={"staging": Target(bucket="gone-bucket")}))
    svc.sites.add(Site("quayside", repo="harbour/quayside"))
    svc.previews.save(preview(site="broken", number=1, updated_at=days_ago(30)))
    seed(svc, "quayside", 1, "live", 30)
    real = svc.sites.get

    def get(name: str) -> Site:
        if name == "broken":
            raise ValueError("a registration that cannot be read")
        return real(name)

    monkeypatch.setattr(svc.sites, "get", get)
    with caplog.at_level(logging.ERROR):
        found = idle_previews(svc, NOW)
    assert [(i.site, i.path) for i in found] == [("quayside", "previews/pr-1/")]
    assert "previews of site broken are not swept this time" in caplog.text


def test_a_sweep_queues_at_most_its_limit_and_the_next_sweep_the_rest(svc: Services) -> None:
    svc.sites.add(Site("quayside", repo="harbour/quayside"))
    for number in (1, 2, 3):
        seed(svc, "quayside", number, "live", 30)
    first = idle_previews(svc, NOW, limit=2)
    assert len(first) == 2
    for idle in first:
        remove_preview(
            svc,
            events.PreviewRemoval(idle.site, idle.path, idle.reason, "test", idle_days=idle.idle_days),
        )
    second = idle_previews(svc, NOW, limit=2)
    assert {i.path for i in first + second} == {f"previews/pr-{n}/" for n in (1, 2, 3)}


def test_previews_of_a_site_no_longer_registered_are_left_and_logged(
    svc: Services, caplog: pytest.LogCaptureFixture
) -> None:
    seed(svc, "ghost", 1, "live", 100)
    with caplog.at_level(logging.WARNING):
        assert idle_previews(svc, NOW) == []
    assert statuses(svc, "ghost") == {1: "live"}
    assert "previews of site ghost are not swept: the site is not registered" in caplog.text


@pytest.mark.parametrize(
    ("status", "updated_at", "idle"),
    [
        ("live", "2026-11-16T11:59:59Z", True),
        ("live", "2026-11-16T12:00:00Z", False),
        ("live", "2026-11-16T13:00:00+01:00", False),  # the same moment, another offset
        ("live", "yesterday-ish", True),  # a time nobody can read never counts as fresh
        ("building", "2020-01-01T00:00:00Z", False),
        ("removed", "2020-01-01T00:00:00Z", False),
    ],
)
def test_is_idle(status: str, updated_at: str, idle: bool) -> None:
    now = datetime.fromisoformat("2026-11-30T12:00:00+00:00")
    assert is_idle(preview(status=status, updated_at=updated_at), 14, now) is idle


def test_the_scheduled_function_queues_idle_previews_for_removal(svc: Services) -> None:
    import app
    from chalicelib.services import use_services
    from presslift.localcloud.dispatcher import scheduled_event

    svc.sites.add(Site("quayside", repo="harbour/quayside"))
    seed(svc, "quayside", 1, "live", 15)
    use_services(svc)
    try:
        result = app.expire_approvals(scheduled_event("expire_approvals", "us-east-1"), None)
    finally:
        use_services(None)
    assert result["previews_to_remove"] == ["quayside: previews/pr-1/ (no push for 14 days)"]
    assert [(r.site, r.path) for r in deploy_queue(svc)] == [("quayside", "previews/pr-1/")]
