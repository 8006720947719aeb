"""The search sync planner, table-driven: records and a live index's state in, a plan with a reason
for every change out (no HTTP: `plan_sync` is pure)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.errors import SearchSyncError
from chalicelib.search.algolia import AlgoliaTarget, parse_host
from chalicelib.search.plan import (
    ChangeReason,
    LiveIndex,
    ReplaceReason,
    SearchPlan,
    plan_sync,
    settings_changed,
)

SETTINGS = {"distinct": True, "attributeForDistinct": "url_without_anchor"}


def make_records(count: int, text: str = "text") -> list[dict[str, Any]]:
    return [{"objectID": f"p{n}/", "title": f"Post {n}", "content": text} for n in range(count)]


def live(records: list[dict[str, Any]], settings: dict[str, Any] = SETTINGS) -> LiveIndex:
    return LiveIndex.of_records(records, settings)


def edited(records: list[dict[str, Any]], change: str) -> list[dict[str, Any]]:
    """`records` after one kind of change to a ten-record site."""
    local = [dict(record) for record in records]
    if change == "edit":
        local[3]["content"] = "edited"
    elif change == "add":
        local.append({"objectID": "new/", "title": "New", "content": "x"})
    elif change == "delete":
        del local[3]
    elif change == "rename":
        local[3] = {**local[3], "objectID": "p3/#renamed"}
    elif change == "rewrite":
        local = make_records(10, "all new")
    elif change == "rewrite most, drop two":
        local = make_records(4, "changed") + make_records(10)[4:8]
    return local


@pytest.mark.parametrize(
    ("change", "counts", "replace"),
    [
        ("nothing", {}, None),
        ("edit", {"update": 1}, None),
        ("add", {"add": 1}, None),
        ("delete", {"delete": 1}, None),
        ("rename", {"add": 1, "delete": 1}, None),
        ("rewrite", {"update": 10}, ReplaceReason.MOST_CHANGE),
        ("rewrite most, drop two", {"update": 4, "delete": 2, "resend": 4}, ReplaceReason.MOST_CHANGE),
    ],
)
def test_every_change_carries_its_reason(
    change: str, counts: dict[str, int], replace: ReplaceReason | None
) -> None:
    remote = make_records(10)
    plan = plan_sync(edited(remote, change), live(remote), SETTINGS)
    assert plan.counts() == {reason.value: 0 for reason in ChangeReason} | counts
    assert plan.replace is replace and plan.full_replace is (replace is not None)
    assert not plan.settings_changed


def test_first_sync_rebuilds_the_index_aside() -> None:
    plan = plan_sync(make_records(3), LiveIndex.missing(), SETTINGS)
    assert plan.replace is ReplaceReason.FIRST_SYNC and plan.reason == "first sync"
    assert plan.counts()["add"] == 3 and len(plan.records) == 3 and plan.operations == 3
    assert plan.settings_changed


def test_an_index_that_exists_but_is_empty_is_a_first_sync_too() -> None:
    plan = plan_sync(make_records(3), LiveIndex({}, SETTINGS), SETTINGS)
    assert plan.replace is ReplaceReason.FIRST_SYNC and not plan.settings_changed


def test_nothing_changed_sends_nothing() -> None:
    records = make_records(10)
    plan = plan_sync(records, live(records), SETTINGS)
    assert (plan.changes, plan.operations, plan.unchanged) == ((), 0, 10)
    assert not plan.full_replace and not plan.settings_changed


@pytest.mark.parametrize(
    ("change", "operations", "unchanged"),
    [("edit", 1, 9), ("add", 1, 10), ("delete", 1, 9), ("rename", 2, 9)],
)
def test_a_small_change_costs_only_the_changed_records(change: str, operations: int, unchanged: int) -> None:
    remote = make_records(10)
    plan = plan_sync(edited(remote, change), live(remote), SETTINGS)
    assert (plan.operations, plan.unchanged) == (operations, unchanged)


def test_when_most_records_change_the_index_is_rebuilt() -> None:
    remote = make_records(10)
    plan = plan_sync(make_records(10, "all new"), live(remote), SETTINGS)
    assert plan.full_replace and plan.reason == "10 of 10 records change"
    assert plan.operations == 10 and plan.deletes == []


def test_a_rebuild_resends_unchanged_records_and_drops_deleted_ones() -> None:
    remote = make_records(10)
    local = edited(remote, "rewrite most, drop two")
    plan = plan_sync(local, live(remote), SETTINGS)
    assert plan.full_replace and plan.reason == "6 of 10 records change"
    assert sorted(r["objectID"] for r in plan.records) == sorted(r["objectID"] for r in local)
    assert plan.deletes == ["p8/", "p9/"] and plan.unchanged == 0 and plan.operations == 8


def test_the_replace_ratio_decides_between_diff_and_rebuild() -> None:
    remote = make_records(10)
    local = make_records(3, "changed") + remote[3:]
    assert not plan_sync(local, live(remote), SETTINGS).full_replace
    assert plan_sync(local, live(remote), SETTINGS, replace_ratio=0.2).replace is ReplaceReason.MOST_CHANGE


def test_attributes_algolia_adds_do_not_count_as_changes() -> None:
    records = make_records(2)
    remote = [{**record, "_highlightResult": {"title": {"value": "x"}}} for record in records]
    assert plan_sync(records, LiveIndex.of_records(remote, {}), {}).changes == ()


@pytest.mark.parametrize(
    ("remote", "changed"),
    [
        ({"distinct": True, "attributeForDistinct": "url_without_anchor", "hitsPerPage": 20}, False),
        ({"distinct": False, "attributeForDistinct": "url_without_anchor"}, True),
        ({}, True),
    ],
)
def test_settings_count_as_changed_only_when_one_we_manage_differs(
    remote: dict[str, Any], changed: bool
) -> None:
    assert settings_changed(SETTINGS, remote) is changed
    records = make_records(3)
    plan = plan_sync(records, LiveIndex.of_records(records, remote), SETTINGS)
    assert plan.settings_changed is changed and plan.changes == ()
    assert ("settings changed" in plan.describe()) is changed


def test_an_empty_build_never_empties_a_live_index() -> None:
    with pytest.raises(SearchSyncError, match="refusing to empty"):
        plan_sync([], live(make_records(5)), SETTINGS)
    assert plan_sync([], LiveIndex.missing(), SETTINGS).operations == 0


@pytest.mark.parametrize(
    ("records", "message"),
    [
        (make_records(2) + make_records(2)[1:], "share the objectID 'p1/'"),
        ([{"title": "no id", "url": "/x/"}], "no objectID"),
        ([{"objectID": "", "url": "/x/"}], "no objectID"),
    ],
    ids=["duplicate", "missing", "empty"],
)
def test_records_without_a_unique_object_id_are_refused(records: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(SearchSyncError, match=message):
        plan_sync(records, LiveIndex.missing(), {})


def test_summary_is_json_and_describe_is_one_line() -> None:
    plan = plan_sync(make_records(4)[:3], live(make_records(4)), SETTINGS)
    summary = json.loads(json.dumps(plan.summary()))
    assert summary["deletes"] == 1 and summary["operations"] == 1 and summary["full_replace"] is False
    assert plan.describe() == "diff: 0 to add, 0 to update, 1 to delete, 3 unchanged; 1 record operations"
    rebuild = plan_sync(edited(make_records(10), "rewrite most, drop two"), live(make_records(10)), SETTINGS)
    assert "\n" not in rebuild.describe() and "4 re-sent" in rebuild.describe()


def test_a_deploys_search_plan_says_when_the_diff_waits_for_the_live_index() -> None:
    records = tuple(make_records(3))
    unknown = SearchPlan("site_staging", records)
    assert unknown.describe() == (
        "3 records for index site_staging; what changes is computed against the live index at apply time"
    )
    expected = plan_sync(list(records), live(make_records(2)), SETTINGS)
    known = SearchPlan("site_staging", records, expected, "the records of run r1, live on staging")
    assert "expected diff: 1 to add" in known.describe() and "run r1" in known.describe()
    assert known.to_dict()["expected"]["adds"] == 1


def test_the_admin_key_is_not_in_a_targets_repr() -> None:
    target = AlgoliaTarget("APP", "site", "s3cr3t-admin-key", ("http://127.0.0.1:1",))
    assert "s3cr3t-admin-key" not in repr(target) and "s3cr3t-admin-key" not in str(target)


@pytest.mark.parametrize(
    ("address", "scheme", "host", "port"),
    [
        ("http://127.0.0.1:9300", "http", "127.0.0.1", 9300),
        ("127.0.0.1:9300", "https", "127.0.0.1", 9300),
        ("APP-dsn.algolia.net", "https", "app-dsn.algolia.net", None),
    ],
)
def test_custom_hosts_are_parsed(address: str, scheme: str, host: str, port: int | None) -> None:
    parsed = parse_host(address)
    assert (parsed.scheme, parsed.url, parsed.port) == (scheme, host, port)
