"""Algolia sync against the local Algolia-protocol server, through the real algoliasearch client."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from algoliasearch.search.client import SearchClientSync

from chalicelib.errors import SearchSyncError
from chalicelib.retry import RetryPolicy
from chalicelib.search.apply import sync_index
from chalicelib.search.records import index_settings
from standins.algolia import LocalAlgolia
from tests.functional.search.conftest import ADMIN_KEY, make_records

INDEX = "demo_staging"
FAST = RetryPolicy(attempts=4, base_seconds=0.01, max_seconds=0.02)


def sync(algolia: LocalAlgolia, records: list[dict[str, Any]], **kwargs):
    return sync_index(algolia.target(INDEX), records, settings=index_settings(), retry=FAST, **kwargs)


def live_states(algolia: LocalAlgolia) -> set[int]:
    return {state.fingerprint for state in algolia.history(INDEX)}


def test_first_sync_builds_aside_and_the_live_index_is_never_empty(algolia: LocalAlgolia) -> None:
    records = make_records(2500)
    result = sync(algolia, records)
    assert result.plan.full_replace
    assert len(algolia.records(INDEX)) == 2500
    assert algolia.settings(INDEX)["attributeForDistinct"] == "url_without_anchor"
    # The live index appeared once, whole, by the move; the temporary index is gone.
    assert [(s.cause, s.count) for s in algolia.history(INDEX)] == [
        ("move from demo_staging_tmp_presslift", 2500)
    ]
    assert set(algolia.indexes) == {INDEX}
    assert algolia.report(INDEX)["dark_seconds"] == 0


def test_a_one_post_edit_sends_only_that_record(algolia: LocalAlgolia) -> None:
    records = make_records(300)
    sync(algolia, records)
    algolia.reset_counts()
    records[7] = {**records[7], "content": "edited"}
    result = sync(algolia, records)
    assert dict(algolia.record_operations) == {"updateObject": 1}
    assert algolia.requests["batch"] == 1 and algolia.requests["settings_set"] == 0
    assert result.plan.operations == 1 and not result.plan.full_replace
    assert algolia.records(INDEX)["posts/p7/"]["content"] == "edited"


def test_a_rerun_with_nothing_new_writes_nothing(algolia: LocalAlgolia) -> None:
    records = make_records(50)
    sync(algolia, records)
    algolia.reset_counts()
    result = sync(algolia, records)
    assert result.plan.operations == 0
    assert sum(algolia.record_operations.values()) == 0
    assert set(algolia.requests) <= {"settings_get", "browse"}


def test_deleted_pages_leave_the_index_after_the_upserts(algolia: LocalAlgolia) -> None:
    records = make_records(20)
    sync(algolia, records)
    algolia.reset_counts()
    new = {"objectID": "posts/new/", "url_without_anchor": "/posts/new/", "title": "New", "content": "x"}
    sync(algolia, [*records[2:], new])
    assert set(algolia.records(INDEX)) == {r["objectID"] for r in records[2:]} | {"posts/new/"}
    assert dict(algolia.record_operations) == {"updateObject": 1, "deleteObject": 2}


def test_settings_are_pushed_only_when_they_change(algolia: LocalAlgolia) -> None:
    sync(algolia, make_records(10))
    algolia.reset_counts()
    sync(algolia, make_records(10))
    assert algolia.requests["settings_set"] == 0
    sync_index(
        algolia.target(INDEX), make_records(10), settings={**index_settings(), "distinct": 2}, retry=FAST
    )
    assert algolia.requests["settings_set"] == 1
    assert algolia.settings(INDEX)["distinct"] == 2


def test_a_mostly_new_site_is_rebuilt_and_searchers_see_old_or_new_never_between(
    algolia: LocalAlgolia,
) -> None:
    sync(algolia, make_records(1500))
    before = live_states(algolia)
    result = sync(algolia, make_records(1200, "rewritten"))
    assert result.plan.full_replace
    states = algolia.history(INDEX)
    assert len(states) == 2 and states[0].fingerprint in before
    assert states[-1].count == 1200
    assert algolia.report(INDEX) == {
        "empty_seconds": 0.0,
        "partial_seconds": 0.0,
        "empty_moments": 0,
        "partial_moments": 0,
        "dark_seconds": 0.0,
    }


def test_the_site_owners_rules_and_other_settings_survive_a_rebuild(algolia: LocalAlgolia) -> None:
    sync(algolia, make_records(10))
    admin = {"x-algolia-api-key": ADMIN_KEY, "x-algolia-application-id": algolia.app_id}
    algolia.handle("PUT", f"/1/indexes/{INDEX}/settings", admin, json.dumps({"ranking": ["typo"]}).encode())
    algolia.indexes[INDEX].synonyms["s1"] = {"objectID": "s1", "synonyms": ["bread", "loaf"]}
    sync(algolia, make_records(10, "all new"))
    assert algolia.settings(INDEX)["ranking"] == ["typo"]
    assert algolia.indexes[INDEX].synonyms == {"s1": {"objectID": "s1", "synonyms": ["bread", "loaf"]}}


def test_browse_follows_the_cursor_past_a_thousand_records(algolia: LocalAlgolia) -> None:
    records = make_records(2345)
    sync(algolia, records)
    algolia.reset_counts()
    result = sync(algolia, records)
    assert algolia.requests["browse"] == 3
    assert result.plan.unchanged == 2345


@pytest.mark.parametrize("status", [429, 500, 503])
def test_transient_failures_are_retried_and_the_sync_completes(algolia: LocalAlgolia, status: int) -> None:
    records = make_records(30)
    sync(algolia, records)
    records[0] = {**records[0], "content": "edited"}
    # 429 is retried by the client itself (Retry-After) before our own backoff takes over.
    algolia.fail_next(2, status, path_contains="/batch")
    result = sync(algolia, records)
    assert result.plan.operations == 1
    assert algolia.records(INDEX)["posts/p0/"]["content"] == "edited"


def test_a_persistent_failure_fails_clearly_and_a_rerun_converges(algolia: LocalAlgolia) -> None:
    records = make_records(40)
    sync(algolia, records)
    records[1] = {**records[1], "content": "edited"}
    algolia.fail_next(100, 503, path_contains="/batch")
    with pytest.raises(SearchSyncError) as failure:
        sync(algolia, records)
    message = str(failure.value)
    assert INDEX in message and "batch 1 of 1" in message and "no Algolia host answered" in message
    assert ADMIN_KEY not in message
    assert len(algolia.records(INDEX)) == 40  # the live index is untouched
    algolia.clear_failures()
    result = sync(algolia, records)
    assert result.plan.operations == 1
    assert algolia.records(INDEX)["posts/p1/"]["content"] == "edited"


def test_a_failed_rebuild_leaves_the_live_index_and_no_temporary_index(algolia: LocalAlgolia) -> None:
    sync(algolia, make_records(20))
    algolia.fail_next(100, 500, path_contains="/operation")
    with pytest.raises(SearchSyncError, match="copy"):
        sync(algolia, make_records(20, "all new"))
    assert set(algolia.indexes) == {INDEX}
    assert all(r["content"] == "text" for r in algolia.records(INDEX).values())


def test_a_wrong_key_is_refused_without_echoing_it(algolia: LocalAlgolia) -> None:
    target = algolia.target(INDEX)
    wrong = type(target)(target.app_id, INDEX, "wrong-" + ADMIN_KEY, target.hosts)
    with pytest.raises(SearchSyncError, match="HTTP 403") as failure:
        sync_index(wrong, make_records(3), retry=FAST)
    assert "wrong-" + ADMIN_KEY not in str(failure.value)


def test_the_admin_key_is_nowhere_in_results_logs_or_errors(
    algolia: LocalAlgolia, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    records = make_records(30)
    first = sync(algolia, records)
    algolia.fail_next(1, 503, path_contains="/batch")
    records[0] = {**records[0], "content": "edited"}
    second = sync(algolia, records)
    algolia.fail_next(100, 503, path_contains="/browse")
    with pytest.raises(SearchSyncError) as failure:
        sync(algolia, records)
    texts = [
        json.dumps(first.summary()),
        json.dumps(second.summary()),
        first.describe(),
        second.describe(),
        repr(first),
        repr(second),
        repr(algolia.target(INDEX)),
        str(failure.value),
        repr(failure.value),
        caplog.text,
    ]
    assert "retry" in caplog.text  # the retry was logged, so the log was really checked
    assert all(ADMIN_KEY not in text for text in texts)


def test_the_search_only_key_can_search_but_not_write(algolia: LocalAlgolia) -> None:
    sync(algolia, make_records(5))
    search_headers = {"x-algolia-api-key": algolia.search_key, "x-algolia-application-id": algolia.app_id}
    status, _ = algolia.handle("POST", f"/1/indexes/{INDEX}/clear", search_headers, b"")
    assert status == 403
    status, answer = algolia.handle(
        "POST", f"/1/indexes/{INDEX}/query", search_headers, b'{"query": "post 3"}'
    )
    assert status == 200 and answer["hits"][0]["objectID"] == "posts/p3/"


def test_the_server_sees_the_seeds_clear_then_save_go_dark(algolia: LocalAlgolia) -> None:
    """The observer itself: the seed's way of syncing is caught empty, then partial."""
    sync(algolia, make_records(2500))
    client = SearchClientSync.create_with_config(_config(algolia))
    client.clear_objects(INDEX)
    client.save_objects(INDEX, make_records(2500, "again"), wait_for_tasks=True)
    report = algolia.report(INDEX)
    assert report["empty_moments"] == 1 and report["partial_moments"] == 2
    assert report["dark_seconds"] > 0


def _config(algolia: LocalAlgolia):
    from algoliasearch.http.hosts import HostsCollection
    from algoliasearch.search.config import SearchConfig

    from chalicelib.search.algolia import parse_host

    config = SearchConfig(algolia.app_id, ADMIN_KEY)
    config.hosts = HostsCollection([parse_host(algolia.url)])
    return config


def test_a_temporary_index_that_is_already_gone_is_not_an_error(algolia: LocalAlgolia) -> None:
    algolia.fail_next(1, 404, path_contains="_tmp_presslift")  # Algolia may answer 404 to the cleanup
    result = sync(algolia, make_records(5))
    assert result.plan.full_replace and len(algolia.records(INDEX)) == 5


def test_a_sync_says_when_the_live_index_is_not_what_the_plan_expected(algolia: LocalAlgolia) -> None:
    from chalicelib.search.plan import LiveIndex, plan_sync

    records = make_records(20)
    sync(algolia, records)
    algolia.indexes[INDEX].remove("posts/p5/")  # a hand edit the run records cannot know
    records[0] = {**records[0], "content": "edited"}
    expected = plan_sync(records, LiveIndex.of_records(make_records(20), index_settings()), index_settings())
    algolia.reset_counts()

    result = sync(algolia, records, expected=expected)

    assert result.plan.counts()["add"] == 1 and result.plan.counts()["update"] == 1
    assert result.replanned.startswith(
        "the live index differs from what was expected: expected diff: 0 to add"
    )
    assert "re-planned" in result.describe() and result.summary()["replanned"] == result.replanned
    assert algolia.records(INDEX)["posts/p5/"]["content"] == "text"
    as_now = plan_sync(records, LiveIndex.of_records(records, index_settings()), index_settings())
    assert sync(algolia, records, expected=as_now).replanned == ""
