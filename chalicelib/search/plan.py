"""The search sync plan: a pure diff of a build's search records against the live Algolia index.

Like `publish/plan.py`, every change carries its reason (add, update, delete, resend), settings carry
theirs, and how the sync happens (a diff on the live index, or a rebuild aside that is moved over it)
carries why. The live index comes in as its state (object ids, record hashes, settings), read by
`apply.py`; this module makes no HTTP calls and reads no files, so the same plan feeds a dry run, the
deploy's plan text and the apply.

Never: plan to empty a live index (a build with no records is far likelier broken than a site that
deleted every page), or keep two records with one objectID (the index would keep only one).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from chalicelib.errors import SearchSyncError
from chalicelib.search.records import record_hash

# When more than this share of the live index would change, a diff costs about as much as a rebuild
# and leaves the index a mix of old and new records for longer: rebuild it aside and move it over.
REPLACE_RATIO = 0.5


class ChangeReason(StrEnum):
    """Why one record is sent to (or removed from) the index."""

    ADD = "add"  # the build has it, the index does not
    UPDATE = "update"  # the index has it with other attributes
    DELETE = "delete"  # the index has it, the build does not
    RESEND = "resend"  # unchanged, but the index is rebuilt aside, so every record is sent


class ReplaceReason(StrEnum):
    """Why the index is rebuilt aside and moved over the live one instead of changed in place."""

    FIRST_SYNC = "first sync"  # there is no live index (or it holds nothing)
    MOST_CHANGE = "most records change"  # more than REPLACE_RATIO of the live records change


@dataclass(frozen=True)
class RecordChange:
    """One record to write (`record`) or to delete (`record` is None), and why."""

    object_id: str
    reason: ChangeReason
    record: dict[str, Any] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class LiveIndex:
    """What the live index holds, as far as a sync needs: each record's hash by objectID, and its
    settings; `exists` is False when there is no such index yet."""

    hashes: Mapping[str, str]
    settings: Mapping[str, Any]
    exists: bool = True

    @classmethod
    def missing(cls) -> LiveIndex:
        return cls({}, {}, exists=False)

    @classmethod
    def of_records(cls, records: Iterable[dict[str, Any]], settings: Mapping[str, Any]) -> LiveIndex:
        """The state of an index holding `records` (as browsed: Algolia's `_` attributes are ignored)."""
        return cls({record["objectID"]: record_hash(record) for record in records}, settings)


@dataclass(frozen=True)
class SearchSyncPlan:
    """What a sync will do to one index: the record changes with their reasons, the settings, and
    whether (and why) the index is rebuilt aside."""

    changes: tuple[RecordChange, ...]
    unchanged: int
    remote_count: int
    settings: Mapping[str, Any] = field(repr=False)
    settings_changed: bool
    replace: ReplaceReason | None = None

    @property
    def full_replace(self) -> bool:
        return self.replace is not None

    def _of(self, reason: ChangeReason) -> list[RecordChange]:
        return [change for change in self.changes if change.reason is reason]

    @property
    def adds(self) -> list[dict[str, Any]]:
        return [change.record for change in self._of(ChangeReason.ADD) if change.record is not None]

    @property
    def updates(self) -> list[dict[str, Any]]:
        return [change.record for change in self._of(ChangeReason.UPDATE) if change.record is not None]

    @property
    def deletes(self) -> list[str]:
        return [change.object_id for change in self._of(ChangeReason.DELETE)]

    @property
    def records(self) -> list[dict[str, Any]]:
        """The records the sync sends (a rebuild sends every record the index will hold)."""
        return [change.record for change in self.changes if change.record is not None]

    @property
    def reason(self) -> str:
        """Why the index is rebuilt aside, in a few words ("" for a diff)."""
        if self.replace is ReplaceReason.MOST_CHANGE:
            changed = len(self.changes) - len(self._of(ChangeReason.RESEND))
            return f"{changed} of {self.remote_count} records change"
        return self.replace.value if self.replace else ""

    @property
    def operations(self) -> int:
        """Record operations Algolia bills for: every record sent on a rebuild, else the diff."""
        if self.full_replace:
            return len(self.records)
        return len(self.changes)

    def counts(self) -> dict[str, int]:
        """How many records change for each reason (every reason, zero included)."""
        counts = {reason.value: 0 for reason in ChangeReason}
        for change in self.changes:
            counts[change.reason.value] += 1
        return counts

    def summary(self) -> dict[str, Any]:
        """Plain, JSON-serialisable figures for run records and dry runs."""
        counts = self.counts()
        return {
            "adds": counts[ChangeReason.ADD],
            "updates": counts[ChangeReason.UPDATE],
            "deletes": counts[ChangeReason.DELETE],
            "resends": counts[ChangeReason.RESEND],
            "unchanged": self.unchanged,
            "remote_records": self.remote_count,
            "settings_changed": self.settings_changed,
            "full_replace": self.full_replace,
            "operations": self.operations,
            "reason": self.reason,
        }

    def describe(self) -> str:
        """One line: how, what changes for each reason, and what it costs."""
        counts = self.counts()
        how = f"rebuild aside ({self.reason})" if self.full_replace else "diff"
        resent = f", {counts[ChangeReason.RESEND]} re-sent" if counts[ChangeReason.RESEND] else ""
        settings = ", settings changed" if self.settings_changed else ""
        return (
            f"{how}: {counts[ChangeReason.ADD]} to add, {counts[ChangeReason.UPDATE]} to update, "
            f"{counts[ChangeReason.DELETE]} to delete{resent}, {self.unchanged} unchanged{settings}; "
            f"{self.operations} record operations"
        )


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def settings_changed(settings: Mapping[str, Any], remote_settings: Mapping[str, Any]) -> bool:
    """Whether any setting we manage differs from the remote's (settings we do not name are kept)."""
    return any(_canonical(value) != _canonical(remote_settings.get(key)) for key, value in settings.items())


def plan_sync(
    records: list[dict[str, Any]],
    live: LiveIndex,
    settings: Mapping[str, Any],
    *,
    replace_ratio: float = REPLACE_RATIO,
) -> SearchSyncPlan:
    """The sync that makes the index in state `live` hold exactly `records` and `settings`. Pure.

    Raises SearchSyncError when a record has no objectID, two share one, or the build has no records
    while the live index has some.
    """
    local = _by_object_id(records)
    remote = live.hashes
    if not local and remote:
        raise SearchSyncError(
            f"the build has no search records but the index holds {len(remote)}: refusing to empty "
            "the live index (check that the site built its pages)"
        )
    changes: list[RecordChange] = []
    kept: list[RecordChange] = []
    for object_id, record in local.items():
        known = remote.get(object_id)
        if known is None:
            changes.append(RecordChange(object_id, ChangeReason.ADD, record))
        elif known != record_hash(record):
            changes.append(RecordChange(object_id, ChangeReason.UPDATE, record))
        else:
            kept.append(RecordChange(object_id, ChangeReason.RESEND, record))
    changes += [
        RecordChange(object_id, ChangeReason.DELETE) for object_id in sorted(remote) if object_id not in local
    ]
    replace: ReplaceReason | None = None
    if not remote and local:
        replace = ReplaceReason.FIRST_SYNC
    elif remote and len(changes) > replace_ratio * len(remote):
        replace = ReplaceReason.MOST_CHANGE
    changed = settings_changed(settings, live.settings)
    if replace is not None:
        # A rebuild sends every record: the unchanged ones go into the new index too.
        return SearchSyncPlan(tuple(changes + kept), 0, len(remote), dict(settings), changed, replace)
    return SearchSyncPlan(tuple(changes), len(kept), len(remote), dict(settings), changed)


def _by_object_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    local: dict[str, dict[str, Any]] = {}
    for record in records:
        object_id = record.get("objectID")
        if not isinstance(object_id, str) or not object_id:
            raise SearchSyncError(f"a search record has no objectID (url {record.get('url')!r})")
        if object_id in local:
            raise SearchSyncError(f"two search records share the objectID {object_id!r}")
        local[object_id] = record
    return local


@dataclass(frozen=True)
class SearchPlan:
    """What a deploy will sync to the stage's Algolia index: the artifact's records (read beside the
    tree, never from it). The diff against the live index needs Algolia, so it is made at apply time;
    `expected` is the diff against the records last synced there, when the run records say which."""

    index_name: str
    records: tuple[dict[str, Any], ...] = field(repr=False, compare=False)
    expected: SearchSyncPlan | None = field(default=None, compare=False)
    compared_with: str = ""

    def describe(self) -> str:
        head = f"{len(self.records)} records for index {self.index_name}"
        if self.expected is not None:
            return (
                f"{head}; expected {self.expected.describe()} (against {self.compared_with}; "
                "checked against the live index at apply time)"
            )
        return f"{head}; what changes is computed against the live index at apply time"

    def to_dict(self) -> dict[str, Any]:
        detail: dict[str, Any] = {"records": len(self.records), "describe": self.describe()}
        if self.expected is not None:
            detail["expected"] = self.expected.summary()
        return detail
