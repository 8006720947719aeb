"""Preview records: which previews a site has, what each shows and where it stands, in DynamoDB.

Same table as the runs and the sites (`chalicelib/sites.py`'s layout): one item per preview, pk
`SITE#<site>`, sk `PREVIEW#<path>`, the preview as JSON in `doc` (with its record `format`) and a
`version` that guards every change: `update` reads, changes and writes back on the condition that
nobody wrote in between, and runs the change again when someone did (as `RunStore.update` does), so a
change function must be safe to run twice. Every preview is also on the `runs-by-time` index under
`PREVIEWS`, so the sweep reads every site's previews with one paged query.

A record must never stop a listing: unknown attributes are ignored (a newer release may add some), and
a record this release cannot read is skipped with a logged warning. Listings page through DynamoDB:
they never stop at a count.

Never: decide what happens to a preview here (the preview runs and `removal`/`expiry` do).
"""

from __future__ import annotations

import builtins
import json
import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import MISSING, asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from chalicelib.errors import ConflictError, InputError, NotFoundError
from chalicelib.previews.naming import check_path
from chalicelib.runs import LIST_INDEX

log = logging.getLogger(__name__)

PreviewStatus = Literal["building", "live", "failed", "not built", "removed"]
PreviewKind = Literal["pull_request", "branch"]
PREVIEW_STATUSES: tuple[str, ...] = get_args(PreviewStatus)
PREVIEW_KINDS: tuple[str, ...] = get_args(PreviewKind)
#: The version of a record's `doc` (a later one may add fields: this release ignores them).
FORMAT = 1
PREVIEWS_PARTITION = "PREVIEWS"
SORT_PREFIX = "PREVIEW#"
#: Items per page of a listing: DynamoDB's own 1 MB page holds thousands of previews, and a sweep
#: acting on each as it reads should not hold them all.
PAGE_SIZE = 100


def timestamp(moment: datetime) -> str:
    """`2026-11-30T12:00:00.000Z`: how a preview records a time (as runs do)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class UnreadableRecord(ValueError):
    """A stored preview this release cannot read (a hand edit, a bug): skipped, never fatal."""


@dataclass(frozen=True)
class Preview:
    """One preview of one site: a pull request's head or a branch, published under its own path."""

    site: str
    path: str  # "previews/pr-12/" or "branches/feature-x/": the id within the site
    kind: PreviewKind
    repository: str  # the base repository OWNER/REPO (the site's)
    head_sha: str
    url: str
    status: PreviewStatus
    updated_at: str  # ISO-8601 UTC, the last push / change: idle expiry counts from here
    number: int | None = None  # pull request number
    branch: str = ""  # the head branch
    title: str = ""
    author: str = ""
    fork: bool = False
    run_id: str = ""  # the newest run building it (latest wins: only this run may publish it)
    comment_id: int | None = None  # the one pull-request comment Presslift edits
    reason: str = ""  # why not built / why removed / failure summary

    def __post_init__(self) -> None:
        if not self.site:
            raise ValueError("a preview needs a site")
        check_path(self.path)  # the path is what removal deletes under: never anything else
        if self.kind not in PREVIEW_KINDS:
            raise ValueError(f"preview kind must be one of {', '.join(PREVIEW_KINDS)}, not {self.kind!r}")
        if self.status not in PREVIEW_STATUSES:
            raise ValueError(
                f"preview status must be one of {', '.join(PREVIEW_STATUSES)}, not {self.status!r}"
            )

    @property
    def short_sha(self) -> str:
        return self.head_sha[:7]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Preview:
        """The preview a stored or sent doc describes; UnreadableRecord when a field is missing or of
        the wrong type. Keys this release does not know are ignored."""
        values: dict[str, Any] = {}
        for spec in fields(cls):
            if spec.name not in data:
                if spec.default is MISSING and spec.default_factory is MISSING:
                    raise UnreadableRecord(f"preview record has no {spec.name!r}")
                continue
            values[spec.name] = _checked(spec.name, data[spec.name])
        try:
            return cls(**values)
        except (ValueError, InputError) as exc:  # InputError: check_path's, a path that is no preview's
            raise UnreadableRecord(str(exc)) from exc


_OPTIONAL_INTS = {"number", "comment_id"}
_BOOLS = {"fork"}


def _checked(name: str, value: Any) -> Any:
    if name in _OPTIONAL_INTS:
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise UnreadableRecord(f"preview field {name!r} must be a whole number or null, not {value!r}")
    if name in _BOOLS:
        if isinstance(value, bool):
            return value
        raise UnreadableRecord(f"preview field {name!r} must be true or false, not {value!r}")
    if isinstance(value, str):
        return value
    raise UnreadableRecord(f"preview field {name!r} must be text, not {value!r}")


class PreviewStore:
    """Preview records in the pipeline's DynamoDB table (see the module docstring for the layout)."""

    def __init__(self, dynamodb: Any, table: str) -> None:
        self._db = dynamodb
        self._table = table

    @staticmethod
    def _key(site: str, path: str) -> dict[str, Any]:
        return {"pk": {"S": f"SITE#{site}"}, "sk": {"S": f"{SORT_PREFIX}{path}"}}

    def save(self, preview: Preview) -> Preview:
        """Store `preview` as it is, whatever was stored for its (site, path) before (an upsert). The
        version still moves, so an `update` that read the old record writes nothing over this one."""
        self._db.update_item(
            TableName=self._table,
            Key=self._key(preview.site, preview.path),
            UpdateExpression="SET #doc = :doc, list_pk = :lpk, list_sk = :lsk ADD #version :one",
            ExpressionAttributeNames={"#doc": "doc", "#version": "version"},
            ExpressionAttributeValues={**_listed(preview), ":doc": _doc(preview), ":one": {"N": "1"}},
        )
        return preview

    def get(self, site: str, path: str) -> Preview | None:
        """The preview of `site` at `path`; None when there is none (or it cannot be read: logged)."""
        found = self._read(site, path)
        return found[0] if found else None

    def _read(self, site: str, path: str) -> tuple[Preview, int] | None:
        item = self._db.get_item(TableName=self._table, Key=self._key(site, path), ConsistentRead=True).get(
            "Item"
        )
        if not item:
            return None
        preview = _readable(item)
        return (preview, int(item["version"]["N"])) if preview else None

    def list(self, site: str, *, include_removed: bool = False) -> builtins.list[Preview]:
        """The site's previews, by path; removed ones only when asked. Every page is read."""
        query = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :sk)",
            "ExpressionAttributeValues": {":pk": {"S": f"SITE#{site}"}, ":sk": {"S": SORT_PREFIX}},
            "ConsistentRead": True,
        }
        previews = (_readable(item) for item in self._pages(query))
        return [p for p in previews if p and (include_removed or p.status != "removed")]

    def update(
        self,
        site: str,
        path: str,
        change: Callable[[Preview], Preview | None],
        *,
        attempts: int = 8,
    ) -> Preview:
        """Apply `change` to the stored preview and write the result back unless it is None (nothing to
        change), retrying the change when another writer won; NotFoundError when there is no preview."""
        for attempt in range(attempts):
            if attempt:
                # Another writer won the race: back off a little, with jitter, before reading again.
                time.sleep(random.uniform(0, 0.01 * min(attempt, 10)))
            found = self._read(site, path)
            if found is None:
                raise NotFoundError(f"site {site} has no preview at {path!r}")
            current, version = found
            changed = change(current)
            if changed is None or changed == current:
                return current
            if (changed.site, changed.path) != (site, path):
                raise ValueError(f"a change of preview {site} {path} may not move it to {changed.path}")
            try:
                self._db.update_item(
                    TableName=self._table,
                    Key=self._key(site, path),
                    UpdateExpression="SET #doc = :doc, list_pk = :lpk, list_sk = :lsk, #version = :new",
                    ConditionExpression="#version = :old",
                    ExpressionAttributeNames={"#doc": "doc", "#version": "version"},
                    ExpressionAttributeValues={
                        **_listed(changed),
                        ":doc": _doc(changed),
                        ":old": {"N": str(version)},
                        ":new": {"N": str(version + 1)},
                    },
                )
            except self._db.exceptions.ConditionalCheckFailedException:
                continue
            return changed
        raise ConflictError(f"preview {site} {path} changed under us {attempts} times in a row; try again")

    def every(self) -> Iterator[Preview]:
        """Every preview of every site, removed ones included, read page by page as it is consumed."""
        query = {
            "TableName": self._table,
            "IndexName": LIST_INDEX,
            "KeyConditionExpression": "list_pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": PREVIEWS_PARTITION}},
        }
        for item in self._pages(query):
            preview = _readable(item)
            if preview:
                yield preview

    def _pages(self, query: dict[str, Any]) -> Iterable[dict[str, Any]]:
        pages = self._db.get_paginator("query").paginate(**query, PaginationConfig={"PageSize": PAGE_SIZE})
        for page in pages:
            yield from page.get("Items", [])


def _doc(preview: Preview) -> dict[str, str]:
    return {"S": json.dumps({**preview.to_dict(), "format": FORMAT}, sort_keys=True)}


def _listed(preview: Preview) -> dict[str, Any]:
    """The `runs-by-time` index entry that `every` reads."""
    return {":lpk": {"S": PREVIEWS_PARTITION}, ":lsk": {"S": f"{preview.site}#{preview.path}"}}


def _readable(item: Mapping[str, Any]) -> Preview | None:
    """The preview an item holds, or None (with a warning naming the item) when it cannot be read."""
    where = f"{item.get('pk', {}).get('S')} {item.get('sk', {}).get('S')}"
    try:
        data = json.loads(item["doc"]["S"])
        if not isinstance(data, dict):
            raise UnreadableRecord(f"its doc is {type(data).__name__}, not an object")
        return Preview.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:  # UnreadableRecord and JSON errors are ValueErrors
        log.warning("preview record %s skipped: it cannot be read (%s)", where, exc)
        return None
