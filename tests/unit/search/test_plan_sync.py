from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.errors import SearchSyncError
from chalicelib.search.algolia import AlgoliaTarget, parse_host, plan_sync, settings_changed

SETTINGS = {"distinct": True, "attributeForDistinct": "url_without_anchor"}


def make_records(count: int, text: str = "text") -> list[dict[str, Any]]:
    return [{"objectID": f"p{n}/", "title": f"Post {n}", "content": text} for n in range(count)]


def test_first_sync_rebuilds_the_index_aside() -> None:
    plan = plan_sync([], make_records(3), SETTINGS, {})
    assert plan.full_replace and plan.reason == "first sync"
    assert len(plan.records) == 3 and plan.operations == 3
    assert plan.settings_changed


def test_nothing_changed_sends_nothing() -> None:
    records = make_records(10)
    plan = plan_sync(records, records, SETTINGS, SETTINGS)
    assert (plan.changes, plan.operations, plan.unchanged) == (0, 0, 10)
    assert not plan.full_replace and not plan.settings_changed


@pytest.mark.parametrize(
    ("change", "adds", "updates", "deletes"),
    [
        ("edit", 0, 1, 0),
        ("add", 1, 0, 0),
        ("delete", 0, 0, 1),
        ("rename", 1, 0, 1),
    ],
)
def test_a_small_change_costs_only_the_changed_records(
    change: str, adds: int, updates: int, deletes: int
) -> None:
    remote = make_records(10)
    local = [dict(record) for record in remote]
    if change == "edit":
        local[3]["content"] = "edited"
    elif change == "add":
        local.append({"objectID": "new/", "title": "New", "content": "x"})
    elif change == "delete":
        del local[3]
    elif change == "rename":
        local[3] = {**local[3], "objectID": "p3/#renamed"}
    plan = plan_sync(remote, local, SETTINGS, SETTINGS)
    assert (len(plan.adds), len(plan.updates), len(plan.deletes)) == (adds, updates, deletes)
    assert not plan.full_replace
    assert plan.operations == adds + updates + deletes


def test_when_most_records_change_the_index_is_rebuilt() -> None:
    remote = make_records(10)
    plan = plan_sync(remote, make_records(10, "all new"), SETTINGS, SETTINGS)
    assert plan.full_replace and "10 of 10" in plan.reason
    assert plan.operations == 10 and plan.deletes == []


def test_a_rebuild_resends_unchanged_records_and_drops_deleted_ones() -> None:
    remote = make_records(10)
    local = make_records(4, "changed") + make_records(10)[4:8]
    plan = plan_sync(remote, local, SETTINGS, SETTINGS)
    assert plan.full_replace
    assert sorted(r["objectID"] for r in plan.records) == sorted(r["objectID"] for r in local)
    assert plan.deletes == ["p8/", "p9/"]


def test_attributes_algolia_adds_do_not_count_as_changes() -> None:
    records = make_records(2)
    remote = [{**record, "_highlightResult": {"title": {"value": "x"}}} for record in records]
    assert plan_sync(remote, records, {}, {}).changes == 0


def test_an_empty_build_never_empties_a_live_index() -> None:
    with pytest.raises(SearchSyncError, match="refusing to empty"):
        plan_sync(make_records(5), [], SETTINGS, SETTINGS)
    assert plan_sync([], [], SETTINGS, SETTINGS).operations == 0


def test_duplicate_object_ids_are_refused() -> None:
    with pytest.raises(SearchSyncError, match="p1/"):
        plan_sync([], make_records(2) + make_records(2)[1:], {}, {})


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


def test_summary_is_json_and_describe_is_one_line() -> None:
    plan = plan_sync(make_records(4), make_records(4)[:3], SETTINGS, SETTINGS)
    summary = json.loads(json.dumps(plan.summary()))
    assert summary["deletes"] == 1 and summary["operations"] == 1 and summary["full_replace"] is False
    assert "\n" not in plan.describe() and "1 to delete" in plan.describe()


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
