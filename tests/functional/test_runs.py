import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.runparts import Trigger
from chalicelib.runs import OPEN_BACKFILLED_KEY, Run, Stage, new_run_id


def make_run(site: str = "demo") -> Run:
    return Run(
        id=new_run_id(),
        site=site,
        kind="hugo",
        trigger=Trigger("import"),
        stages=[Stage("convert"), Stage("build")],
    )


def test_a_created_run_reads_back(provisioned):
    run = provisioned.runs.create(make_run())
    again = provisioned.runs.get(run.id)
    assert again.to_dict() == run.to_dict()
    assert again.version == 1


def test_a_run_id_is_created_once(provisioned):
    run = provisioned.runs.create(make_run())
    with pytest.raises(ConflictError):
        provisioned.runs.create(run)


def test_an_unknown_run_is_not_found(provisioned):
    with pytest.raises(NotFoundError, match="no run with id"):
        provisioned.runs.get("nope")


def test_runs_list_newest_first_and_by_site(provisioned):
    ids = [provisioned.runs.create(make_run(site)).id for site in ("a", "b", "a")]
    assert [run.id for run in provisioned.runs.list()] == ids[::-1]
    assert [run.id for run in provisioned.runs.list(site="a")] == [ids[2], ids[0]]
    assert len(provisioned.runs.list(limit=2)) == 2


def test_a_write_that_lost_the_race_is_retried_and_loses_nothing(provisioned):
    run = provisioned.runs.create(make_run())
    calls = []

    def change(r: Run) -> None:
        calls.append(r.version)
        if len(calls) == 1:
            # Another writer commits between our read and our write (what a concurrent Lambda does).
            provisioned.runs.update(
                run.id, lambda other: other.stage("build").detail.update(other_writer=True)
            )
        r.stage("build").detail["ours"] = True

    updated = provisioned.runs.update(run.id, change)
    assert calls == [1, 2]
    assert updated.stage("build").detail == {"other_writer": True, "ours": True}
    assert provisioned.runs.get(run.id).version == 3


def test_an_update_gives_up_after_its_attempts(provisioned):
    run = provisioned.runs.create(make_run())

    def always_raced(r: Run) -> None:
        provisioned.runs.update(run.id, lambda other: None)

    with pytest.raises(ConflictError, match="changed under us 3 times"):
        provisioned.runs.update(run.id, always_raced, attempts=3)


def _ended(run: Run) -> None:
    run.status = "succeeded"


def test_open_runs_are_read_from_the_sparse_index_and_leave_it_when_they_end(provisioned):
    store = provisioned.runs
    assert store.index_open_runs() == 0  # a new table: nothing to index, the index is complete
    first, second = store.create(make_run("a")), store.create(make_run("b"))
    store.update(first.id, _ended)
    assert [run.id for run in store.open_runs()] == [second.id]
    assert [run.id for run in store.open_runs(site="a")] == []
    indexed = provisioned.dynamodb.query(
        TableName=provisioned.settings.table,
        IndexName="runs-open",
        KeyConditionExpression="open_pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "OPEN"}},
    )["Items"]
    assert [item["list_sk"]["S"] for item in indexed] == [second.id]  # the ended run is off the index


def test_open_runs_stored_before_the_index_are_found_then_indexed_once(provisioned):
    store = provisioned.runs
    legacy = store.create(make_run("a"))
    provisioned.dynamodb.update_item(  # as an older stack stored it: no open_pk
        TableName=provisioned.settings.table,
        Key={"pk": {"S": f"RUN#{legacy.id}"}, "sk": {"S": "RUN"}},
        UpdateExpression="REMOVE open_pk",
    )
    provisioned.dynamodb.delete_item(TableName=provisioned.settings.table, Key=OPEN_BACKFILLED_KEY)
    fresh = type(store)(provisioned.dynamodb, provisioned.settings.table)
    assert [run.id for run in fresh.open_runs(site="a")] == [legacy.id]  # read the long way meanwhile
    assert fresh.index_open_runs() == 1
    assert fresh.index_open_runs() == 0  # once
    again = type(store)(provisioned.dynamodb, provisioned.settings.table)
    assert [run.id for run in again.open_runs(site="a")] == [legacy.id]  # now from the index


def test_a_run_stored_in_version_1_loads_typed_and_is_rewritten_in_version_2(provisioned):
    """An item as the version-1 code wrote it, in the table: it lists, decides and is written back."""
    doc = (Path(__file__).parent.parent / "unit" / "records" / "push-pending.json").read_text(
        encoding="utf-8"
    )
    run_id = json.loads(doc)["id"]
    provisioned.dynamodb.put_item(
        TableName=provisioned.settings.table,
        Item={
            "pk": {"S": f"RUN#{run_id}"},
            "sk": {"S": "RUN"},
            "doc": {"S": doc.strip()},
            "version": {"N": "7"},
            "list_pk": {"S": "RUNS"},
            "list_sk": {"S": run_id},
            "site": {"S": "blog"},
        },
    )
    [listed] = provisioned.runs.list(site="blog")
    assert listed.approval is not None and listed.approval.status == "pending" and listed.format == 1

    now = datetime(2026, 12, 1, tzinfo=UTC)
    provisioned.runs.update(run_id, lambda r: r.approve(now, "203.0.113.9"))
    stored = provisioned.dynamodb.get_item(
        TableName=provisioned.settings.table, Key={"pk": {"S": f"RUN#{run_id}"}, "sk": {"S": "RUN"}}
    )["Item"]
    written = json.loads(stored["doc"]["S"])
    assert written["format"] == 2 and stored["version"]["N"] == "8"
    assert written["approval"]["status"] == "approved" and written["trigger"]["sha"] == listed.trigger.sha
    assert provisioned.runs.get(run_id).stage("approval").status == "succeeded"
