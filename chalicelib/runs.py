"""Runs and their stages, kept in DynamoDB.

A run is one trip through the pipeline for one site. Its record is one item whose `doc` attribute holds
the run as JSON and whose `version` attribute guards every write: an update reads, changes and writes
back on the condition that nobody else wrote in between (optimistic locking), so concurrent Lambda
invocations never lose each other's changes. Run ids sort by creation time, so every listing is one
query, newest first, on a global secondary index: `runs-by-time` (every run) and `runs-open`, a sparse
index holding only the runs that have not ended (an item carries `open_pk` while its run is open). The
sweeps and the supersede check read the open runs only, so their cost follows how many runs are in
flight, not how long the history is. (CloudFormation adds one index per stack update: a release adds at
most one.)

This module knows how to store a run (its shape and transitions are `runmodel`'s, its record's format
`runformat`'s); what happens after each stage is decided in `pipeline`, never here.
"""

from __future__ import annotations

import contextlib
import json
import random
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.runmodel import (
    FINISHED_RUN_STATUSES,
    RUN_STATUSES,
    STAGE_STATUSES,
    Run,
    Stage,
    new_run_id,
    utc_now,
)

__all__ = [
    "FINISHED_RUN_STATUSES",
    "RUN_STATUSES",
    "STAGE_STATUSES",
    "Run",
    "RunStore",
    "Stage",
    "new_run_id",
    "utc_now",
]

LIST_INDEX = "runs-by-time"
OPEN_INDEX = "runs-open"
OPEN_PARTITION = "OPEN"
#: The item that records that every run stored before `runs-open` existed has been indexed.
OPEN_BACKFILLED_KEY = {"pk": {"S": "RUNS#open-index"}, "sk": {"S": "BACKFILLED"}}
#: Items with this attribute (epoch seconds) are deleted by DynamoDB's TTL: webhook deliveries.
TTL_ATTRIBUTE = "expires_at"
LIST_PARTITION = "RUNS"


class RunStore:
    """Run records in one DynamoDB table (pk/sk, plus the `runs-by-time` index)."""

    def __init__(self, dynamodb: Any, table: str) -> None:
        self._db = dynamodb
        self._table = table
        self._open_complete = False

    @staticmethod
    def _key(run_id: str) -> dict[str, Any]:
        return {"pk": {"S": f"RUN#{run_id}"}, "sk": {"S": "RUN"}}

    def create(self, run: Run) -> Run:
        item = {
            **self._key(run.id),
            "doc": {"S": json.dumps(run.to_dict(), sort_keys=True)},
            "version": {"N": "1"},
            "list_pk": {"S": LIST_PARTITION},
            "list_sk": {"S": run.id},
            "site": {"S": run.site},
        }
        if not run.finished:
            item["open_pk"] = {"S": OPEN_PARTITION}
        try:
            self._db.put_item(
                TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)"
            )
        except self._db.exceptions.ConditionalCheckFailedException as exc:
            raise ConflictError(f"run {run.id} already exists") from exc
        run.version = 1
        return run

    def get(self, run_id: str) -> Run:
        response = self._db.get_item(TableName=self._table, Key=self._key(run_id), ConsistentRead=True)
        item = response.get("Item")
        if not item:
            raise NotFoundError(f"no run with id {run_id!r}")
        return _run_of(item)

    def update(self, run_id: str, change: Callable[[Run], object], *, attempts: int = 8) -> Run:
        """Apply `change` to the stored run and write it back, retrying when another writer won."""
        for attempt in range(attempts):
            if attempt:
                # Another writer won the race: back off a little, with jitter, before reading again.
                time.sleep(random.uniform(0, 0.01 * min(attempt, 10)))
            run = self.get(run_id)
            change(run)
            run.updated_at = utc_now()
            try:
                self._db.update_item(
                    TableName=self._table,
                    Key=self._key(run_id),
                    ConditionExpression="#version = :old",
                    **_write(run),
                )
            except self._db.exceptions.ConditionalCheckFailedException:
                continue
            run.version += 1
            return run
        raise ConflictError(f"run {run_id} changed under us {attempts} times in a row; try again")

    def open_runs(self, *, site: str | None = None) -> Iterator[Run]:
        """The runs that have not ended (running, awaiting approval), newest first: one query on the
        sparse `runs-open` index, whatever the length of the history. Until the stored runs of an
        older stack are indexed (`index_open_runs`, by the scheduled sweep), every run is read."""
        if not self._open_index_complete():
            yield from (run for run in self.each(site=site) if not run.finished)
            return
        for item in self._query_items(self._listing(OPEN_INDEX, "open_pk", OPEN_PARTITION, site)):
            run = _run_of(item)
            if not run.finished:  # the index is eventually consistent: an ended run may linger a moment
                yield run

    def index_open_runs(self) -> int:
        """Put the open runs stored before `runs-open` existed on it, once (the sweep calls this); how
        many it indexed. Afterwards every write keeps the index itself."""
        if self._open_index_complete():
            return 0
        indexed = 0
        for item in self._query_items(self._listing(LIST_INDEX, "list_pk", LIST_PARTITION)):
            run = _run_of(item)
            if not run.finished and "open_pk" not in item:
                # A write since then set the attribute as the run stands now: nothing to do.
                with contextlib.suppress(self._db.exceptions.ConditionalCheckFailedException):
                    self._db.update_item(
                        TableName=self._table,
                        Key=self._key(run.id),
                        UpdateExpression="SET open_pk = :pk",
                        ConditionExpression="#version = :version",
                        ExpressionAttributeNames={"#version": "version"},
                        ExpressionAttributeValues={
                            ":pk": {"S": OPEN_PARTITION},
                            ":version": item["version"],
                        },
                    )
                indexed += 1
        self._db.put_item(TableName=self._table, Item={**OPEN_BACKFILLED_KEY, "at": {"S": utc_now()}})
        self._open_complete = True
        return indexed

    def _open_index_complete(self) -> bool:
        if not self._open_complete:
            item = self._db.get_item(TableName=self._table, Key=OPEN_BACKFILLED_KEY).get("Item")
            self._open_complete = bool(item)
        return self._open_complete

    def list(self, *, limit: int | None = 50, site: str | None = None) -> list[Run]:
        """Runs newest first; with `site`, only that site's; with `limit=None`, every one (paged)."""
        runs: list[Run] = []
        for run in self.each(site=site):
            runs.append(run)
            if limit is not None and len(runs) >= limit:
                break
        return runs

    def each(self, *, site: str | None = None) -> Iterator[Run]:
        """Every run newest first (with `site`, only that site's), read page by page as it is consumed:
        for sweeps and histories that must not stop at a count."""
        for item in self._query_items(self._listing(LIST_INDEX, "list_pk", LIST_PARTITION, site)):
            yield _run_of(item)

    def _listing(self, index: str, key: str, partition: str, site: str | None = None) -> dict[str, Any]:
        """The query of one index's partition, newest first; with `site`, only that site's runs."""
        query: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": f"{key} = :pk",
            "ExpressionAttributeValues": {":pk": {"S": partition}},
            "ScanIndexForward": False,
        }
        if site:
            query["FilterExpression"] = "site = :site"
            query["ExpressionAttributeValues"][":site"] = {"S": site}
        return query

    def _query_items(self, kwargs: dict[str, Any]) -> Iterable[dict[str, Any]]:
        while True:
            response = self._db.query(**kwargs)
            yield from response.get("Items", [])
            if "LastEvaluatedKey" not in response:
                return
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _run_of(item: dict[str, Any]) -> Run:
    return Run.from_dict(json.loads(item["doc"]["S"]), version=int(item["version"]["N"]))


def _write(run: Run) -> dict[str, Any]:
    """The update that stores `run` at its next version, keeping the open-runs index in step."""
    values = {
        ":doc": {"S": json.dumps(run.to_dict(), sort_keys=True)},
        ":new": {"N": str(run.version + 1)},
        ":old": {"N": str(run.version)},
    }
    if run.finished:
        expression = "SET #doc = :doc, #version = :new REMOVE open_pk"
    else:
        expression = "SET #doc = :doc, #version = :new, open_pk = :open"
        values[":open"] = {"S": OPEN_PARTITION}
    return {
        "UpdateExpression": expression,
        "ExpressionAttributeNames": {"#doc": "doc", "#version": "version"},
        "ExpressionAttributeValues": values,
    }


def _index(name: str, hash_key: str) -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": [
            {"AttributeName": hash_key, "KeyType": "HASH"},
            {"AttributeName": "list_sk", "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    }


def table_definition(name: str) -> dict[str, Any]:
    """The table's schema, shared by the local cloud and the deployment template's checks."""
    return {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "list_pk", "AttributeType": "S"},
            {"AttributeName": "list_sk", "AttributeType": "S"},
            {"AttributeName": "open_pk", "AttributeType": "S"},
        ],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            _index(LIST_INDEX, "list_pk"),
            _index(OPEN_INDEX, "open_pk"),
        ],
    }
