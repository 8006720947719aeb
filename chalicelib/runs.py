"""Runs and their stages, kept in DynamoDB.

A run is one trip through the pipeline for one site. Its record is one item whose `doc` attribute holds
the run as JSON and whose `version` attribute guards every write: an update reads, changes and writes
back on the condition that nobody else wrote in between (optimistic locking), so concurrent Lambda
invocations never lose each other's changes. Run ids sort by creation time, so the newest-first
listing is one query on a global secondary index.

This module knows how to store a run (its shape and transitions are `runmodel`'s, its record's format
`runformat`'s); what happens after each stage is decided in `pipeline`, never here.
"""

from __future__ import annotations

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
#: Items with this attribute (epoch seconds) are deleted by DynamoDB's TTL: webhook deliveries.
TTL_ATTRIBUTE = "expires_at"
LIST_PARTITION = "RUNS"


class RunStore:
    """Run records in one DynamoDB table (pk/sk, plus the `runs-by-time` index)."""

    def __init__(self, dynamodb: Any, table: str) -> None:
        self._db = dynamodb
        self._table = table

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
        return Run.from_dict(json.loads(item["doc"]["S"]), version=int(item["version"]["N"]))

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
                    UpdateExpression="SET #doc = :doc, #version = :new",
                    ConditionExpression="#version = :old",
                    ExpressionAttributeNames={"#doc": "doc", "#version": "version"},
                    ExpressionAttributeValues={
                        ":doc": {"S": json.dumps(run.to_dict(), sort_keys=True)},
                        ":new": {"N": str(run.version + 1)},
                        ":old": {"N": str(run.version)},
                    },
                )
            except self._db.exceptions.ConditionalCheckFailedException:
                continue
            run.version += 1
            return run
        raise ConflictError(f"run {run_id} changed under us {attempts} times in a row; try again")

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
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": LIST_INDEX,
            "KeyConditionExpression": "list_pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": LIST_PARTITION}},
            "ScanIndexForward": False,
        }
        if site:
            kwargs["FilterExpression"] = "site = :site"
            kwargs["ExpressionAttributeValues"][":site"] = {"S": site}
        for item in self._query_items(kwargs):
            yield Run.from_dict(json.loads(item["doc"]["S"]), version=int(item["version"]["N"]))

    def _query_items(self, kwargs: dict[str, Any]) -> Iterable[dict[str, Any]]:
        while True:
            response = self._db.query(**kwargs)
            yield from response.get("Items", [])
            if "LastEvaluatedKey" not in response:
                return
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]


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
        ],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": LIST_INDEX,
                "KeySchema": [
                    {"AttributeName": "list_pk", "KeyType": "HASH"},
                    {"AttributeName": "list_sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    }
