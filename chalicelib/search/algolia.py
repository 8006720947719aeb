"""The Algolia client for a sync: hosts, the admin key, and one small retry policy, nothing else.

`Session` wraps the official `algoliasearch` v4 client for one sync: it counts requests, retries
transient faults (429, 5xx, unreachable hosts) with jittered backoff, and turns every other failure
into a SearchSyncError naming the index and the step. What to send is `plan.py`'s (pure) and the order
of sending is `apply.py`'s; this module decides neither.

Never: put the admin key in a result, a log line, an exception message or a repr; send it to any host
but Algolia's own for the app id (or the operator's override for the local cloud).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from algoliasearch.http.exceptions import AlgoliaException, AlgoliaUnreachableHostException, RequestException
from algoliasearch.http.hosts import Host, HostsCollection
from algoliasearch.search.client import SearchClientSync
from algoliasearch.search.config import SearchConfig

from chalicelib.errors import ConfigError, SearchSyncError
from chalicelib.retry import RetryPolicy, call_with_retries

log = logging.getLogger(__name__)
T = TypeVar("T")

BATCH_SIZE = 1000
TEMPORARY_SUFFIX = "_tmp_presslift"


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


#: Algolia's answers that mean "later" (429, 5xx, no host answering): tried again under this policy.
ALGOLIA_RETRIES = RetryPolicy(attempts=5, base_seconds=0.5, max_seconds=8.0)


def parse_host(address: str) -> Host:
    """`http://127.0.0.1:9300`, `127.0.0.1:9300` or a bare hostname as an algoliasearch Host."""
    parts = urlsplit(address if "://" in address else f"https://{address}")
    if not parts.hostname:
        raise ConfigError(f"Algolia host {address!r} is not a host name or URL")
    return Host(url=parts.hostname, scheme=parts.scheme or "https", port=parts.port)


def _transient(error: Exception) -> bool:
    return isinstance(error, AlgoliaUnreachableHostException) or (
        isinstance(error, RequestException) and (error.status_code == 429 or (error.status_code or 0) >= 500)
    )


class Session:
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
        tries = 0

        def attempt() -> T:
            nonlocal tries
            tries += 1
            self.requests += requests
            return request()

        def before_retry(error: Exception, attempt: int) -> None:
            log.warning(
                "Algolia %s on %s failed (%s), retry %d of %d",
                step,
                self.target.index_name,
                self._reason(error),
                attempt,
                self.policy.attempts - 1,
            )
            # The client marks a host that answered 5xx as down for minutes; with a single custom
            # host that would fail every later request at once.
            for host in self.hosts:
                host.reset()

        try:
            return call_with_retries(
                attempt, self.policy, _transient, sleep=self.sleep, before_retry=before_retry
            )
        except AlgoliaException as error:
            raise SearchSyncError(
                f"Algolia index {self.target.index_name!r} (application {self.target.app_id}): "
                f"{step} failed after {tries} attempt(s): {self._reason(error)}"
            ) from None

    def _reason(self, error: Exception) -> str:
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
