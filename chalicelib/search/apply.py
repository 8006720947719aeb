"""Carry out a search sync against Algolia: read the live index, plan (`plan.py`), send the plan.

The order of sending is what keeps search working while it changes:
- a diff writes upserts before deletes, so a page whose sections were renamed is briefly found twice
  (distinct hides the duplicate), never not at all;
- a rebuild fills a temporary index and then moves it over the live one, so searchers see either the
  old index or the new one, never an empty or half-built one.

A plan made without Algolia (the deploy's, from the run records) is only an expectation: the sync
always plans against the live index it reads, and says so when that differs from what was expected.

Never: clear or delete the live index. Every write is idempotent (records carry their objectID), so a
re-run after a failure converges.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import SearchSyncError
from chalicelib.retry import RetryPolicy
from chalicelib.search.algolia import ALGOLIA_RETRIES, AlgoliaTarget, Session
from chalicelib.search.plan import REPLACE_RATIO, LiveIndex, SearchSyncPlan, plan_sync
from chalicelib.search.records import record_hash

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncResult:
    """What a sync did: the plan it carried out, the requests it made, how long it took, and (in
    `replanned`) how the live index differed from what was expected when the plan was made."""

    app_id: str
    index_name: str
    plan: SearchSyncPlan
    requests: int
    seconds: float
    replanned: str = ""

    def summary(self) -> dict[str, Any]:
        summary = {
            "app_id": self.app_id,
            "index": self.index_name,
            **self.plan.summary(),
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
        }
        if self.replanned:
            summary["replanned"] = self.replanned
        return summary

    def describe(self) -> str:
        text = (
            f"Algolia index {self.index_name} ({self.app_id}): {self.plan.describe()}; "
            f"{self.requests} requests in {self.seconds:.2f} s"
        )
        return text + (f"; re-planned: {self.replanned}" if self.replanned else "")


def read_live(session: Session, index: str) -> LiveIndex:
    """The live index's state: its settings and every record's hash (the records are not kept)."""
    settings = session.remote_settings(index)
    if settings is None:
        return LiveIndex.missing()
    return LiveIndex({item["objectID"]: record_hash(item) for item in session.browse(index)}, settings)


def sync_index(
    target: AlgoliaTarget,
    records: list[dict[str, Any]],
    *,
    settings: dict[str, Any] | None = None,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    replace_ratio: float = REPLACE_RATIO,
    expected: SearchSyncPlan | None = None,
) -> SyncResult:
    """Make `target`'s index hold exactly `records` (and `settings`), sending only what changed.

    `expected` is a plan made earlier without reading the index; the result's `replanned` says how the
    live index turned out different. Raises SearchSyncError when Algolia refuses or keeps failing; the
    live index is then left as it was or with a part of the diff applied (never empty), and a re-run
    finishes the job.
    """
    started = time.monotonic()
    session = Session(target, retry or ALGOLIA_RETRIES, sleep)
    try:
        live = read_live(session, target.index_name)
        plan = plan_sync(records, live, settings or {}, replace_ratio=replace_ratio)
        replanned = differs(expected, plan)
        log.info("Algolia index %s: %s", target.index_name, plan.describe())
        apply_sync(session, plan, live_exists=live.exists)
        return SyncResult(
            target.app_id, target.index_name, plan, session.requests, time.monotonic() - started, replanned
        )
    finally:
        session.close()


def differs(expected: SearchSyncPlan | None, found: SearchSyncPlan) -> str:
    """How the plan made against the live index differs from the one expected ("" when it does not)."""
    if expected is None or expected.counts() == found.counts():
        return ""
    return f"the live index differs from what was expected: expected {expected.describe()}"


def apply_sync(session: Session, plan: SearchSyncPlan, *, live_exists: bool) -> None:
    """Send `plan` to the session's index: a diff in place, or a rebuild aside."""
    if plan.full_replace:
        _replace(session, plan, live_exists=live_exists)
    else:
        _apply_diff(session, plan)


def _apply_diff(session: Session, plan: SearchSyncPlan) -> None:
    live = session.target.index_name
    if plan.settings_changed:
        session.set_settings(live, dict(plan.settings))
    # Upserts before deletes: see the module's docstring.
    requests = [{"action": "updateObject", "body": record} for record in plan.records]
    requests += [{"action": "deleteObject", "body": {"objectID": object_id}} for object_id in plan.deletes]
    if requests:
        session.batches(live, requests, "the record changes")


def _replace(session: Session, plan: SearchSyncPlan, *, live_exists: bool) -> None:
    """Build the new index aside and move it over the live one in one operation.

    Not the client's `replace_all_objects`: that helper copies the live settings onto the temporary
    index again after filling it, so new settings could only reach the live index after the move, and
    searchers would briefly get the new records with the old settings (no `distinct`).
    """
    live, temporary = session.target.index_name, session.target.temporary_index
    # A temporary index left by a failed run would otherwise leak its records into this one.
    session.delete_index(temporary)
    try:
        if live_exists:
            # Keep what the site owner configured by hand: their rules, synonyms and other settings.
            session.operation(live, "copy", temporary, ["settings", "rules", "synonyms"])
        if plan.settings:
            session.set_settings(temporary, dict(plan.settings))
        requests = [{"action": "addObject", "body": record} for record in plan.records]
        session.batches(temporary, requests, "the new index")
        session.operation(temporary, "move", live, None)
    except SearchSyncError:
        try:
            session.delete_index(temporary)
        except SearchSyncError as cleanup:
            log.warning("could not delete the temporary index %s: %s", temporary, cleanup)
        raise
