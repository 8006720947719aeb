"""The scheduled sweep removes exactly the previews idle past their own site's time, and one preview
that cannot be removed stops none of the others."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest

from chalicelib.previews.expiry import expire_idle_previews, is_idle
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

    removed = expire_idle_previews(svc, NOW)

    assert sorted((r.site, r.path) for r in removed) == [
        ("lighthouse", "previews/pr-1/"),
        ("quayside", "previews/pr-1/"),
        ("quayside", "previews/pr-3/"),
        ("quayside", "previews/pr-5/"),
    ]
    assert {r.reason for r in removed if r.site == "quayside"} == {"no push for 14 days"}
    assert [r.reason for r in removed if r.site == "lighthouse"] == ["no push for 3 days"]
    assert statuses(svc, "quayside") == {
        1: "removed",
        2: "live",
        3: "removed",
        4: "building",
        5: "removed",
        6: "live",
    }
    assert statuses(svc, "lighthouse") == {1: "removed", 2: "live", 7: "removed"}
    assert expire_idle_previews(svc, NOW) == []  # the next sweep finds nothing more


def test_one_preview_that_cannot_be_removed_stops_none_of_the_others(
    svc: Services, caplog: pytest.LogCaptureFixture
) -> None:
    # A site whose staging bucket is gone: removing its preview fails at S3 (NoSuchBucket).
    svc.sites.add(Site("broken", repo="harbour/broken", targets={"staging": Target(bucket="gone-bucket")}))
    svc.sites.add(Site("quayside", repo="harbour/quayside"))
    svc.previews.save(preview(site="broken", number=1, updated_at=days_ago(30)))
    seed(svc, "quayside", 1, "live", 30)
    with caplog.at_level(logging.ERROR):
        removed = expire_idle_previews(svc, NOW)
    assert [(r.site, r.path) for r in removed] == [("quayside", "previews/pr-1/")]
    assert statuses(svc, "broken") == {1: "live"}  # left for the next sweep, untouched
    assert "could not remove idle preview previews/pr-1/ of site broken" in caplog.text


def test_a_sweep_removes_at_most_its_limit_and_the_next_sweep_the_rest(svc: Services) -> None:
    svc.sites.add(Site("quayside", repo="harbour/quayside"))
    for number in (1, 2, 3):
        seed(svc, "quayside", number, "live", 30)
    first = expire_idle_previews(svc, NOW, limit=2)
    second = expire_idle_previews(svc, NOW, limit=2)
    assert (len(first), len(second)) == (2, 1)
    assert {r.path for r in first + second} == {f"previews/pr-{n}/" for n in (1, 2, 3)}
    assert expire_idle_previews(svc, NOW, limit=2) == []


def test_previews_of_a_site_no_longer_registered_are_left_and_logged(
    svc: Services, caplog: pytest.LogCaptureFixture
) -> None:
    seed(svc, "ghost", 1, "live", 100)
    with caplog.at_level(logging.WARNING):
        assert expire_idle_previews(svc, NOW) == []
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


def test_the_scheduled_function_removes_idle_previews(svc: Services) -> None:
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
    assert result["previews_removed"] == [
        "quayside: removed previews/pr-1/: 1 object (6 B) deleted",
    ]
