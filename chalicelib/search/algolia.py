"""Algolia diff sync: browse the live index, diff by record hash, send only what changed.

Plan, then apply. `plan_sync` is pure: from the remote records and settings and the build's records it
decides adds, updates, deletes, whether settings changed, and whether to rebuild the index in a
temporary index and move it over the live one (first sync, or when most records change). `sync_index`
reads the remote state, plans, and applies through the official `algoliasearch` v4 client.

Rules this module keeps:
- The live index is never cleared and never deleted. A diff writes upserts before deletes, so every
  page stays findable; a full replace fills a temporary index and then moves it over the live one,
  so searchers see either the old index or the new one, never an empty or half-built one.
- The admin key never appears in a result, a log line, an exception message or a repr.
- Transient faults (429, 5xx, unreachable hosts) are retried with backoff; anything else fails at once
  as a SearchSyncError naming the index and the step. Every write is idempotent (records carry their
  objectID), so a re-run after a failure converges.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from algoliasearch.http.exceptions import AlgoliaException, AlgoliaUnreachableHostException, RequestException
from algoliasearch.http.hosts import Host, HostsCollection
from algoliasearch.search.client import SearchClientSync
from algoliasearch.search.config import SearchConfig

from chalicelib.errors import ConfigError, SearchSyncError
from chalicelib.search.records import record_hash

log = logging.getLogger(__name__)
T = TypeVar("T")

# When more than this share of the live index would change, a diff costs about as much as a rebuild
# and leaves the index a mix of old and new records for longer: rebuild it aside and move it over.
REPLACE_RATIO = 0.5
BATCH_SIZE = 1000
TEMPORARY_SUFFIX = "_tmp_presslift"
# Attributes Algolia adds to what it returns; they are not part of a record.
_RESERVED = ("_highlightResult", "_snippetResult", "_rankingInfo", "_distinctSeqID")


_APP_ID = re.compile(r"^[A-Za-z0-9]{1,32}$")


def default_hosts(app_id: str) -> tuple[str, ...]:
    """Algolia's own hosts for an application, as the algoliasearch client derives them: the admin key
    goes nowhere else (a site's operator registers the app id; the local cloud's operator environment
    may replace the hosts with `PRESSLIFT_ALGOLIA_HOSTS`)."""
    if not _APP_ID.match(app_id):
        raise ConfigError(f"Algolia application id {app_id!r} must be letters and digits")
    return (
        f"{app_id}-dsn.algolia.net",
        f"{app_id}.algolia.net",
        *(f"{app_id}-{n}.algolianet.com" for n in (1, 2, 3)),
    )


@dataclass(frozen=True)
class AlgoliaTarget:
    """One Algolia index to sync. `hosts` (like `http://127.0.0.1:9300`) replace Algolia's own, for tests."""

    app_id: str
    index_name: str
    admin_key: str = field(repr=False)
    hosts: tuple[str, ...] = ()

    @property
    def temporary_index(self) -> str:
        return self.index_name + TEMPORARY_SUFFIX

    @property
    def addresses(self) -> tuple[str, ...]:
        """Where requests go: the operator's override, else the hosts derived from the app id."""
        return self.hosts or default_hosts(self.app_id)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry one request that failed transiently."""

    attempts: int = 5
    base_seconds: float = 0.5
    max_seconds: float = 8.0


@dataclass
class SyncPlan:
    """What a sync will send: records to add, to update, objectIDs to delete, and settings."""

    adds: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    deletes: list[str]
    unchanged: int
    remote_count: int
    settings: dict[str, Any]
    settings_changed: bool
    full_replace: bool
    reason: str

    @property
    def changes(self) -> int:
        return len(self.adds) + len(self.updates) + len(self.deletes)

    @property
    def operations(self) -> int:
        """Record operations Algolia bills for: every record on a full replace, else the diff."""
        if self.full_replace:
            return len(self.adds) + len(self.updates) + self.unchanged
        return self.changes

    @property
    def records(self) -> list[dict[str, Any]]:
        """The records the index holds after the sync (a full replace sends all of them)."""
        return [*self.adds, *self.updates]

    def summary(self) -> dict[str, Any]:
        return {
            "adds": len(self.adds),
            "updates": len(self.updates),
            "deletes": len(self.deletes),
            "unchanged": self.unchanged,
            "remote_records": self.remote_count,
            "settings_changed": self.settings_changed,
            "full_replace": self.full_replace,
            "operations": self.operations,
            "reason": self.reason,
        }

    def describe(self) -> str:
        how = f"full replace ({self.reason})" if self.full_replace else "diff"
        settings = ", settings changed" if self.settings_changed else ""
        return (
            f"{how}: {len(self.adds)} to add, {len(self.updates)} to update, {len(self.deletes)} to delete, "
            f"{self.unchanged} unchanged{settings}; {self.operations} record operations"
        )


@dataclass
class SyncResult:
    """What a sync did: its plan, the requests it made, and how long it took."""

    app_id: str
    index_name: str
    plan: SyncPlan
    requests: int
    seconds: float

    def summary(self) -> dict[str, Any]:
        return {
            "app_id": self.app_id,
            "index": self.index_name,
            **self.plan.summary(),
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
        }

    def describe(self) -> str:
        return (
            f"Algolia index {self.index_name} ({self.app_id}): {self.plan.describe()}; "
            f"{self.requests} requests in {self.seconds:.2f} s"
        )


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def settings_changed(settings: dict[str, Any], remote_settings: dict[str, Any]) -> bool:
    """Whether any setting we manage differs from the remote's (settings we do not name are kept)."""
    return any(_canonical(value) != _canonical(remote_settings.get(key)) for key, value in settings.items())


def plan_sync(
    remote: Iterable[dict[str, Any]],
    records: list[dict[str, Any]],
    settings: dict[str, Any],
    remote_settings: dict[str, Any],
    *,
    replace_ratio: float = REPLACE_RATIO,
) -> SyncPlan:
    """The sync from `remote` (the live index's records; empty when it does not exist) to `records`.

    Pure. Raises SearchSyncError when two records share an objectID (the index would keep only one).
    """
    local: dict[str, dict[str, Any]] = {}
    for record in records:
        object_id = record.get("objectID")
        if not isinstance(object_id, str) or not object_id:
            raise SearchSyncError(f"a search record has no objectID (url {record.get('url')!r})")
        if object_id in local:
            raise SearchSyncError(f"two search records share the objectID {object_id!r}")
        local[object_id] = record
    remote_hashes = {item["objectID"]: record_hash(_visible(item)) for item in remote}
    if not local and remote_hashes:
        # A build that found no pages is far likelier broken than a site that deleted every page.
        raise SearchSyncError(
            f"the build has no search records but the index holds {len(remote_hashes)}: refusing to empty "
            "the live index (check that the site built its pages)"
        )
    adds = [record for object_id, record in local.items() if object_id not in remote_hashes]
    updates = [
        record
        for object_id, record in local.items()
        if object_id in remote_hashes and remote_hashes[object_id] != record_hash(record)
    ]
    deletes = sorted(object_id for object_id in remote_hashes if object_id not in local)
    unchanged = len(local) - len(adds) - len(updates)
    changes = len(adds) + len(updates) + len(deletes)
    reason = ""
    if not remote_hashes:
        reason = "first sync" if records else ""
    elif changes > replace_ratio * len(remote_hashes):
        reason = f"{changes} of {len(remote_hashes)} records change"
    if reason:
        # A rebuild sends every record: the unchanged ones are re-sent as part of the new index.
        updated = {record["objectID"] for record in updates}
        unchanged_records = [r for oid, r in local.items() if oid in remote_hashes and oid not in updated]
        return SyncPlan(
            adds=adds,
            updates=[*updates, *unchanged_records],
            deletes=deletes,
            unchanged=0,
            remote_count=len(remote_hashes),
            settings=settings,
            settings_changed=settings_changed(settings, remote_settings),
            full_replace=True,
            reason=reason,
        )
    return SyncPlan(
        adds=adds,
        updates=updates,
        deletes=deletes,
        unchanged=unchanged,
        remote_count=len(remote_hashes),
        settings=settings,
        settings_changed=settings_changed(settings, remote_settings),
        full_replace=False,
        reason="",
    )


def _visible(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key not in _RESERVED}


def parse_host(address: str) -> Host:
    """`http://127.0.0.1:9300`, `127.0.0.1:9300` or a bare hostname as an algoliasearch Host."""
    parts = urlsplit(address if "://" in address else f"https://{address}")
    if not parts.hostname:
        raise ConfigError(f"Algolia host {address!r} is not a host name or URL")
    return Host(url=parts.hostname, scheme=parts.scheme or "https", port=parts.port)


class _Session:
    """One sync's client, with retries, request counting and a redacting error boundary."""

    def __init__(
        self,
        target: AlgoliaTarget,
        policy: RetryPolicy,
        sleep: Callable[[float], None],
    ) -> None:
        if not target.app_id or not target.admin_key or not target.index_name:
            raise ConfigError("Algolia sync needs an application ID, an index name and an admin key")
        self.target = target
        self.policy = policy
        self.sleep = sleep
        self.requests = 0
        config = SearchConfig(target.app_id, target.admin_key)
        self.hosts = [parse_host(address) for address in target.addresses]
        config.hosts = HostsCollection(self.hosts)
        if target.hosts:
            config.proxies = {}  # the local cloud's stand-in is on this machine
        self.client = SearchClientSync.create_with_config(config)

    def close(self) -> None:
        self.client.close()

    def redact(self, text: str) -> str:
        return text.replace(self.target.admin_key, "[admin key]")

    def call(self, step: str, request: Callable[[], T], requests: int = 1) -> T:
        """`request()`, retried on 429, 5xx and unreachable hosts; SearchSyncError when it gives up."""
        for attempt in range(1, self.policy.attempts + 1):
            try:
                self.requests += requests
                return request()
            except AlgoliaException as error:
                transient = isinstance(error, AlgoliaUnreachableHostException) or (
                    isinstance(error, RequestException)
                    and (error.status_code == 429 or (error.status_code or 0) >= 500)
                )
                if transient and attempt < self.policy.attempts:
                    ceiling = min(self.policy.max_seconds, self.policy.base_seconds * 2 ** (attempt - 1))
                    log.warning(
                        "Algolia %s on %s failed (%s), retry %d of %d",
                        step,
                        self.target.index_name,
                        self._reason(error),
                        attempt,
                        self.policy.attempts - 1,
                    )
                    # The client marks a host that answered 5xx as down for minutes; with a single
                    # custom host that would fail every later request at once.
                    for host in self.hosts:
                        host.reset()
                    self.sleep(random.uniform(ceiling / 2, ceiling))
                    continue
                raise SearchSyncError(
                    f"Algolia index {self.target.index_name!r} (application {self.target.app_id}): "
                    f"{step} failed after {attempt} attempt(s): {self._reason(error)}"
                ) from None
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _reason(self, error: AlgoliaException) -> str:
        if isinstance(error, AlgoliaUnreachableHostException):
            # The client's own text points at Algolia's help center; say what happened instead.
            return "no Algolia host answered (server errors, timeouts or network failures)"
        status = getattr(error, "status_code", None)
        return f"HTTP {status}: {self.redact(str(error))}" if status else self.redact(str(error))

    def raw(self, response: Any) -> Any:
        return json.loads(response.raw_data) if response.raw_data else {}

    def remote_settings(self, index: str) -> dict[str, Any] | None:
        """The index's settings, or None when the index does not exist."""

        def read() -> Any:
            try:
                return self.raw(self.client.get_settings_with_http_info(index))
            except RequestException as error:
                if error.status_code == 404:
                    return None
                raise

        settings = self.call(f"reading the settings of {index}", read)
        return None if settings is None else dict(settings)

    def browse(self, index: str) -> Iterator[dict[str, Any]]:
        """Every record of `index` with every attribute, page by page (cursor), each page retried."""
        cursor: str | None = None
        page = 0
        while True:
            params: dict[str, Any] = {"hitsPerPage": 1000, "attributesToRetrieve": ["*"]}
            if cursor:
                params["cursor"] = cursor
            page += 1
            response = self.call(
                f"browsing {index} (page {page})",
                lambda params=params: self.client.browse_with_http_info(index, params),  # type: ignore[misc]
            )
            body = self.raw(response)
            yield from body.get("hits", [])
            cursor = body.get("cursor")
            if not cursor:
                return

    def wait(self, index: str, task_id: int, step: str) -> None:
        self.call(f"waiting for {step} on {index}", lambda: self.client.wait_for_task(index, task_id))

    def set_settings(self, index: str, settings: dict[str, Any]) -> None:
        response = self.call(
            f"setting the settings of {index}", lambda: self.client.set_settings(index, settings)
        )
        self.wait(index, response.task_id, "the settings")

    def batches(self, index: str, requests: list[dict[str, Any]], what: str) -> None:
        """Send `requests` ({action, body}) in batches of BATCH_SIZE, then wait for every task."""
        tasks: list[int] = []
        total = (len(requests) + BATCH_SIZE - 1) // BATCH_SIZE
        for number, start in enumerate(range(0, len(requests), BATCH_SIZE), start=1):
            chunk = requests[start : start + BATCH_SIZE]
            response = self.call(
                f"{what} batch {number} of {total}",
                lambda chunk=chunk: self.client.batch(index, {"requests": chunk}),  # type: ignore[misc]
            )
            tasks.append(response.task_id)
        for task in tasks:
            self.wait(index, task, what)

    def operation(self, source: str, operation: str, destination: str, scope: list[str] | None) -> None:
        params: dict[str, Any] = {"operation": operation, "destination": destination}
        if scope:
            params["scope"] = scope
        response = self.call(
            f"{operation} {source} to {destination}",
            lambda: self.client.operation_index(source, params),
        )
        self.wait(source, response.task_id, f"the {operation}")

    def delete_index(self, index: str) -> None:
        def delete() -> Any:
            try:
                return self.client.delete_index(index)
            except RequestException as error:
                if error.status_code == 404:  # already gone: that is what we wanted
                    return None
                raise

        response = self.call(f"deleting {index}", delete)
        if response is not None:
            self.wait(index, response.task_id, "the deletion")


def sync_index(
    target: AlgoliaTarget,
    records: list[dict[str, Any]],
    *,
    settings: dict[str, Any] | None = None,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    replace_ratio: float = REPLACE_RATIO,
) -> SyncResult:
    """Make `target`'s index hold exactly `records` (and `settings`), sending only what changed.

    Raises SearchSyncError when Algolia refuses or keeps failing; the live index is then left as it
    was or with a part of the diff applied (never empty), and a re-run finishes the job.
    """
    started = time.monotonic()
    session = _Session(target, retry or RetryPolicy(), sleep)
    try:
        live = target.index_name
        remote_settings = session.remote_settings(live)
        remote = list(session.browse(live)) if remote_settings is not None else []
        plan = plan_sync(remote, records, settings or {}, remote_settings or {}, replace_ratio=replace_ratio)
        log.info("Algolia index %s: %s", live, plan.describe())
        if plan.full_replace:
            _replace(session, plan, live_exists=remote_settings is not None)
        else:
            _apply_diff(session, plan)
        return SyncResult(target.app_id, live, plan, session.requests, time.monotonic() - started)
    finally:
        session.close()


def _apply_diff(session: _Session, plan: SyncPlan) -> None:
    live = session.target.index_name
    if plan.settings_changed:
        session.set_settings(live, plan.settings)
    # Upserts before deletes: a page whose sections were renamed is briefly found twice (distinct hides
    # the duplicate), never not at all.
    requests = [{"action": "updateObject", "body": record} for record in plan.records]
    requests += [{"action": "deleteObject", "body": {"objectID": object_id}} for object_id in plan.deletes]
    if requests:
        session.batches(live, requests, "the record changes")


def _replace(session: _Session, plan: SyncPlan, *, live_exists: bool) -> None:
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
            session.set_settings(temporary, plan.settings)
        requests = [{"action": "addObject", "body": record} for record in plan.records]
        session.batches(temporary, requests, "the new index")
        session.operation(temporary, "move", live, None)
    except SearchSyncError:
        try:
            session.delete_index(temporary)
        except SearchSyncError as cleanup:
            log.warning("could not delete the temporary index %s: %s", temporary, cleanup)
        raise
