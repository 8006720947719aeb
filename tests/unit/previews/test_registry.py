"""Preview records in the pipeline's table: round trips, upserts, conditional updates and paging."""

from __future__ import annotations

import json
import logging
from dataclasses import replace

import pytest

from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.previews import registry
from chalicelib.previews.registry import Preview, UnreadableRecord
from chalicelib.services import Services
from tests.unit.previews.conftest import preview


def test_a_preview_round_trips_every_field(svc: Services) -> None:
    stored = preview(
        kind="branch",
        path="branches/feature-x/",
        number=None,
        branch="feature/x",
        fork=True,
        run_id="20261130-100000-abc",
        comment_id=9_007_199_254_740_993,  # past a double's exact integers: GitHub ids grow
        reason="built from a fork",
        status="failed",
        title="Ünïcode ✓ title",
    )
    svc.previews.save(stored)
    assert svc.previews.get("quayside", "branches/feature-x/") == stored
    assert svc.previews.list("quayside") == [stored]


def test_save_is_an_upsert_by_site_and_path(svc: Services) -> None:
    svc.previews.save(preview(head_sha="a" * 40))
    svc.previews.save(preview(head_sha="b" * 40))
    svc.previews.save(preview(site="other", head_sha="c" * 40))
    assert [p.head_sha[0] for p in svc.previews.list("quayside")] == ["b"]
    assert [p.head_sha[0] for p in svc.previews.list("other")] == ["c"]
    assert svc.previews.get("quayside", "previews/pr-13/") is None
    assert svc.previews.get("nobody", "previews/pr-12/") is None


def test_update_changes_the_stored_preview_and_none_changes_nothing(svc: Services) -> None:
    svc.previews.save(preview())
    live = svc.previews.update("quayside", "previews/pr-12/", lambda p: replace(p, status="building"))
    assert live.status == "building" and svc.previews.get("quayside", "previews/pr-12/") == live
    assert svc.previews.update("quayside", "previews/pr-12/", lambda p: None) == live


def test_update_of_a_preview_that_is_not_there_is_not_found(svc: Services) -> None:
    with pytest.raises(NotFoundError, match="quayside has no preview at 'previews/pr-99/'"):
        svc.previews.update("quayside", "previews/pr-99/", lambda p: p)


def test_update_may_not_move_a_preview(svc: Services) -> None:
    svc.previews.save(preview())
    with pytest.raises(ValueError, match="may not move"):
        svc.previews.update("quayside", "previews/pr-12/", lambda p: replace(p, path="previews/pr-13/"))


def test_update_runs_the_change_again_when_another_writer_won(svc: Services) -> None:
    """A save between update's read and write makes the write fail its condition: the change runs
    again on the newer record, so neither writer's change is lost."""
    svc.previews.save(preview(title="first"))
    calls: list[str] = []

    def rename(p: Preview) -> Preview:
        calls.append(p.head_sha[0])
        if len(calls) == 1:  # another writer (a newer push) stores a new head meanwhile
            svc.previews.save(preview(title="first", head_sha="f" * 40))
        return replace(p, title="renamed")

    result = svc.previews.update("quayside", "previews/pr-12/", rename)
    assert calls == ["0", "f"]
    assert result == svc.previews.get("quayside", "previews/pr-12/")
    assert (result.title, result.head_sha) == ("renamed", "f" * 40)


def test_update_gives_up_with_a_conflict_after_its_attempts(svc: Services) -> None:
    svc.previews.save(preview())

    def always_beaten(p: Preview) -> Preview:
        svc.previews.save(replace(p, title=p.title + "!"))
        return replace(p, status="failed")

    with pytest.raises(ConflictError, match="changed under us 3 times"):
        svc.previews.update("quayside", "previews/pr-12/", always_beaten, attempts=3)


def test_list_leaves_out_removed_previews_unless_asked(svc: Services) -> None:
    svc.previews.save(preview(number=1, status="removed", reason="pull request closed"))
    svc.previews.save(preview(number=2, status="not built", reason="a fork"))
    svc.previews.save(preview(number=3, status="building"))
    assert [p.number for p in svc.previews.list("quayside")] == [2, 3]
    assert [p.number for p in svc.previews.list("quayside", include_removed=True)] == [1, 2, 3]


def test_list_and_every_read_every_page(svc: Services) -> None:
    """More previews than a page holds: nothing is cut off at a count."""
    count = registry.PAGE_SIZE * 2 + 7
    for number in range(1, count + 1):
        svc.previews.save(preview(site="big" if number % 3 else "small", number=number))
    big, small = svc.previews.list("big"), svc.previews.list("small")
    assert len(big) + len(small) == count and len(small) == count // 3
    every = list(svc.previews.every())
    assert len(every) == count
    assert {(p.site, p.number) for p in every} == {(p.site, p.number) for p in big + small}


def test_every_includes_removed_previews_and_nothing_but_previews(svc: Services) -> None:
    from tests.functional.test_runs import make_run

    svc.runs.create(make_run("quayside"))
    svc.previews.save(preview(number=1, status="removed"))
    svc.previews.save(preview(site="b", number=2))
    assert sorted((p.site, p.number) for p in svc.previews.every()) == [("b", 2), ("quayside", 1)]


def test_unknown_attributes_are_ignored(svc: Services) -> None:
    svc.previews.save(preview())
    key = {"pk": {"S": "SITE#quayside"}, "sk": {"S": "PREVIEW#previews/pr-12/"}}
    item = svc.dynamodb.get_item(TableName=svc.settings.table, Key=key)["Item"]
    doc = {**json.loads(item["doc"]["S"]), "format": 2, "deploy_seconds": 4.5}
    svc.dynamodb.update_item(
        TableName=svc.settings.table,
        Key=key,
        UpdateExpression="SET #doc = :doc, extra = :x",
        ExpressionAttributeNames={"#doc": "doc"},
        ExpressionAttributeValues={":doc": {"S": json.dumps(doc)}, ":x": {"S": "later release"}},
    )
    assert svc.previews.get("quayside", "previews/pr-12/") == preview()


@pytest.mark.parametrize(
    "doc",
    [
        "not json",
        "[1, 2]",
        json.dumps({**preview().to_dict(), "status": "exploded"}),
        json.dumps({**preview().to_dict(), "number": "12"}),
        json.dumps({**preview().to_dict(), "number": True}),
        json.dumps({**preview().to_dict(), "fork": "yes"}),
        json.dumps({**preview().to_dict(), "path": "../../prod/"}),
        json.dumps({k: v for k, v in preview().to_dict().items() if k != "head_sha"}),
    ],
)
def test_an_unreadable_record_is_skipped_with_a_warning(
    svc: Services, doc: str, caplog: pytest.LogCaptureFixture
) -> None:
    svc.previews.save(preview(number=1))
    svc.previews.save(preview(number=2))
    svc.dynamodb.update_item(
        TableName=svc.settings.table,
        Key={"pk": {"S": "SITE#quayside"}, "sk": {"S": "PREVIEW#previews/pr-2/"}},
        UpdateExpression="SET #doc = :doc",
        ExpressionAttributeNames={"#doc": "doc"},
        ExpressionAttributeValues={":doc": {"S": doc}},
    )
    with caplog.at_level(logging.WARNING, logger=registry.__name__):
        assert [p.number for p in svc.previews.list("quayside")] == [1]
        assert [p.number for p in svc.previews.every()] == [1]
        assert svc.previews.get("quayside", "previews/pr-2/") is None
    assert "SITE#quayside PREVIEW#previews/pr-2/ skipped" in caplog.text


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"status": "gone"}, "status must be one of"),
        ({"kind": "tag"}, "kind must be one of"),
        ({"site": ""}, "needs a site"),
    ],
)
def test_a_preview_with_a_status_or_kind_nobody_knows_is_refused(changes: dict[str, str], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        preview(**changes)


def test_from_dict_names_the_missing_field() -> None:
    data = preview().to_dict()
    del data["url"]
    with pytest.raises(UnreadableRecord, match="no 'url'"):
        Preview.from_dict(data)
