"""The local Algolia's indexes and the REST protocol it speaks (served by `standins.algolia.api`)."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import threading
import time
from collections import Counter
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from chalicelib.search.algolia import AlgoliaTarget
from standins.algolia.api import algolia_api
from standins.algolia.index import (
    DEFAULT_ADMIN_KEY,
    DEFAULT_APP_ID,
    DEFAULT_SEARCH_KEY,
    SEARCH_KINDS,
    WORD,
    AlgoliaError,
    Failure,
    Index,
    State,
    Watch,
    is_temporary,
    now_iso,
)
from standins.algolia.ranking import (
    all_text,
    attribute_name,
    match_rank,
    values,
    with_highlights,
)
from standins.serving import Served, StandIn


class LocalAlgolia(StandIn):
    """The server and its in-memory indexes. Use as a context manager, or `start()` / `stop()`."""

    def __init__(
        self,
        *,
        app_id: str = DEFAULT_APP_ID,
        admin_key: str = DEFAULT_ADMIN_KEY,
        search_key: str = DEFAULT_SEARCH_KEY,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.app_id = app_id
        self.admin_key = admin_key
        self.search_key = search_key
        self.indexes: dict[str, Index] = {}
        self.requests: Counter[str] = Counter()
        self.record_operations: Counter[str] = Counter()
        self.log: list[tuple[str, str, int]] = []
        self._watches: dict[str, Watch] = {}
        self._failures: list[Failure] = []
        self._lock = threading.RLock()
        self._task = 0
        self._request_number = 0
        self._served = Served(algolia_api(self), host, port, name="local-algolia")

    # -- lifecycle -----------------------------------------------------------------------------

    @property
    def hosts(self) -> tuple[str, ...]:
        return (self.url,)

    def target(self, index_name: str) -> AlgoliaTarget:
        """An AlgoliaTarget for `index_name` on this server, with the admin key."""
        return AlgoliaTarget(self.app_id, index_name, self.admin_key, self.hosts)

    # -- test controls and observations ----------------------------------------------------------

    def fail_next(self, count: int, status: int = 503, *, path_contains: str = "") -> None:
        """Answer the next `count` requests whose path contains `path_contains` with `status`."""
        with self._lock:
            self._failures.append(Failure(count, status, path_contains))

    def clear_failures(self) -> None:
        with self._lock:
            self._failures.clear()

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.record_operations.clear()
            self.log.clear()

    def records(self, index: str) -> dict[str, dict[str, Any]]:
        with self._lock:
            found = self.indexes.get(index)
            return copy.deepcopy(found.records) if found else {}

    def settings(self, index: str) -> dict[str, Any]:
        with self._lock:
            found = self.indexes.get(index)
            return copy.deepcopy(found.settings) if found else {}

    def history(self, index: str) -> list[State]:
        """Every state the live index `index` went through, oldest first."""
        with self._lock:
            watch = self._watches.get(index)
            return list(watch.states) if watch else []

    def report(self, index: str, *, since: float = 0.0) -> dict[str, Any]:
        """How long (seconds) and how often the live `index` was empty or partial since `since`."""
        with self._lock:
            states = self.history(index)
            now = time.monotonic()
        empty_seconds = partial_seconds = 0.0
        empty_moments = partial_moments = 0
        for number, state in enumerate(states):
            end = states[number + 1].at if number + 1 < len(states) else now
            if end < since:
                continue
            seconds = end - max(state.at, since)
            if state.empty:
                empty_seconds += seconds
                empty_moments += 1
            elif state.partial:
                partial_seconds += seconds
                partial_moments += 1
        return {
            "empty_seconds": empty_seconds,
            "partial_seconds": partial_seconds,
            "empty_moments": empty_moments,
            "partial_moments": partial_moments,
            "dark_seconds": empty_seconds + partial_seconds,
        }

    # -- the protocol ----------------------------------------------------------------------------

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        """One request: (status, JSON body). Called by the HTTP handler; usable directly in tests."""
        parts = urlsplit(raw_path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        path = parts.path
        with self._lock:
            self._request_number += 1
            for failure in self._failures:
                if failure.remaining > 0 and failure.path_contains in path:
                    failure.remaining -= 1
                    self.log.append((method, path, failure.status))
                    return failure.status, {"message": "injected failure", "status": failure.status}
        try:
            kind, index, rest = _route(method, path)
            key = headers.get("x-algolia-api-key") or query.get("x-algolia-api-key", "")
            app_id = headers.get("x-algolia-application-id") or query.get("x-algolia-application-id", "")
            self._authorize(app_id, key, kind)
            payload = json.loads(body) if body else {}
            with self._lock:
                self.requests[kind] += 1
                status, answer = 200, self._dispatch(kind, index, rest, payload, query)
        except AlgoliaError as error:
            status, answer = error.status, {"message": error.message, "status": error.status}
        except ValueError as error:
            status, answer = 400, {"message": f"invalid JSON: {error}", "status": 400}
        with self._lock:
            self.log.append((method, path, status))
        return status, answer

    def _authorize(self, app_id: str, key: str, kind: str) -> None:
        if app_id != self.app_id or key not in (self.admin_key, self.search_key):
            raise AlgoliaError(403, "Invalid Application-ID or API key")
        if key == self.search_key and kind not in SEARCH_KINDS:
            raise AlgoliaError(403, "Method not allowed with this API key")

    def _next_task(self) -> int:
        self._task += 1
        return self._task

    def _index(self, name: str, *, create: bool = False) -> Index:
        found = self.indexes.get(name)
        if found is None:
            if not create:
                raise AlgoliaError(404, "Index does not exist")
            found = self.indexes[name] = Index()
        return found

    def _dispatch(
        self, kind: str, index: str, rest: str, payload: dict[str, Any], query: dict[str, str]
    ) -> Any:
        if kind == "list":
            items = [
                {"name": name, "entries": len(found.records), "updatedAt": now_iso()}
                for name, found in sorted(self.indexes.items())
            ]
            return {"items": items, "nbPages": 1}
        if kind == "task":
            return {"status": "published", "pendingTask": False}
        if kind == "batch":
            return self._batch(index, payload.get("requests", []))
        if kind == "browse":
            return self._browse(index, payload or query)
        if kind == "settings_get":
            return {"hitsPerPage": 20, **self._index(index).settings}
        if kind == "settings_set":
            found = self._index(index, create=True)
            for key, value in payload.items():
                if value is None:
                    found.settings.pop(key, None)
                else:
                    found.settings[key] = value
            self._observe(index, "settings")
            return {"taskID": self._next_task(), "updatedAt": now_iso()}
        if kind == "operation":
            return self._operation(index, payload)
        if kind == "delete_index":
            self._watch_clear(index)
            self.indexes.pop(index, None)
            self._observe(index, "delete index")
            return {"taskID": self._next_task(), "deletedAt": now_iso()}
        if kind == "clear":
            self._watch_clear(index)
            self._index(index, create=True).clear()
            self._observe(index, "clear")
            return {"taskID": self._next_task(), "updatedAt": now_iso()}
        if kind == "get_object":
            record = self._index(index).records.get(unquote(rest))
            if record is None:
                raise AlgoliaError(404, "ObjectID does not exist")
            return record
        if kind == "query":
            return self._search(index, payload, query)
        if kind == "queries":
            results = [self._search(item["indexName"], item, {}) for item in payload.get("requests", [])]
            return {"results": results}
        raise AlgoliaError(404, f"no such endpoint: {kind}")

    def _batch(self, index: str, requests: list[dict[str, Any]]) -> dict[str, Any]:
        found = self._index(index, create=True)
        object_ids: list[str] = []
        for request in requests:
            action, body = request.get("action"), dict(request.get("body") or {})
            self.record_operations[str(action)] += 1
            if action in ("addObject", "updateObject"):
                if "objectID" not in body:
                    if action == "updateObject":
                        raise AlgoliaError(400, "updateObject needs an objectID")
                    body["objectID"] = hashlib.sha1(json.dumps(body).encode()).hexdigest()
                found.put(body)
            elif action in ("partialUpdateObject", "partialUpdateObjectNoCreate"):
                current = found.records.get(body["objectID"])
                if current is None and action == "partialUpdateObjectNoCreate":
                    continue
                found.put({**(current or {}), **body})
            elif action == "deleteObject":
                found.remove(str(body.get("objectID")))
            elif action == "clear":
                self._watch_clear(index)
                found.clear()
            else:
                raise AlgoliaError(400, f"unknown batch action {action!r}")
            object_ids.append(str(body.get("objectID", "")))
        self._observe(index, f"batch of {len(requests)}")
        return {"taskID": self._next_task(), "objectIDs": object_ids}

    def _browse(self, index: str, params: dict[str, Any]) -> dict[str, Any]:
        found = self._index(index)
        if isinstance(params.get("params"), str):
            params = {**params, **{k: v[-1] for k, v in parse_qs(params["params"]).items()}}
        per_page = min(int(params.get("hitsPerPage", 1000)), 1000)
        offset = 0
        if params.get("cursor"):
            offset = int(json.loads(base64.b64decode(params["cursor"]))["offset"])
        ids = sorted(found.records)
        page = [copy.deepcopy(found.records[object_id]) for object_id in ids[offset : offset + per_page]]
        answer: dict[str, Any] = {
            "hits": page,
            "nbHits": len(ids),
            "page": 0,
            "nbPages": 1,
            "hitsPerPage": per_page,
            "processingTimeMS": 1,
            "query": "",
            "params": "",
        }
        if offset + per_page < len(ids):
            answer["cursor"] = base64.b64encode(json.dumps({"offset": offset + per_page}).encode()).decode()
        return answer

    def _operation(self, source: str, payload: dict[str, Any]) -> dict[str, Any]:
        operation, destination = payload.get("operation"), payload.get("destination")
        if operation not in ("copy", "move") or not isinstance(destination, str):
            raise AlgoliaError(400, "operation must be copy or move, with a destination")
        origin = self.indexes.get(source)
        scope = payload.get("scope")
        if operation == "move":
            if origin is not None:  # Algolia ignores a move from a missing index
                self.indexes[destination] = self.indexes.pop(source)
                self._rebuilt(destination)
                self._observe(destination, f"move from {source}")
                self._observe(source, f"moved to {destination}")
        elif scope:
            target = self._index(destination, create=True)
            for part in scope:
                if part in ("settings", "rules", "synonyms"):
                    setattr(target, part, copy.deepcopy(getattr(origin, part)) if origin else {})
            self._observe(destination, f"copy of {','.join(scope)} from {source}")
        else:
            self.indexes[destination] = copy.deepcopy(origin) if origin else Index()
            self._rebuilt(destination)
            self._observe(destination, f"copy from {source}")
        return {"taskID": self._next_task(), "updatedAt": now_iso()}

    # -- observing live indexes ------------------------------------------------------------------

    def _watch_clear(self, index: str) -> None:
        """A clear or delete: if the live index held records, it is partial until it holds them again."""
        found = self.indexes.get(index)
        if found is not None and found.records and not is_temporary(index):
            watch = self._watches.setdefault(index, Watch())
            watch.rebuilding_target = max(watch.rebuilding_target, len(found.records))

    def _rebuilt(self, index: str) -> None:
        """A whole index landed at once (move, full copy): whatever it holds is complete."""
        if index in self._watches:
            self._watches[index].rebuilding_target = 0

    def _observe(self, index: str, cause: str) -> None:
        if is_temporary(index):
            return
        watch = self._watches.setdefault(index, Watch())
        found = self.indexes.get(index)
        count = len(found.records) if found else 0
        if watch.rebuilding_target and count >= watch.rebuilding_target:
            watch.rebuilding_target = 0
        empty = count == 0 and watch.high_water > 0
        partial = not empty and 0 < count < watch.rebuilding_target
        watch.high_water = max(watch.high_water, count)
        watch.states.append(
            State(
                at=time.monotonic(),
                exists=found is not None,
                count=count,
                fingerprint=found.fingerprint if found else 0,
                request=self._request_number,
                cause=cause,
                empty=empty,
                partial=partial,
            )
        )

    # -- search ----------------------------------------------------------------------------------

    def _search(self, index: str, payload: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
        found = self._index(index)
        params = {**query, **payload}
        if isinstance(params.get("params"), str):
            params.update({k: v[-1] for k, v in parse_qs(params["params"]).items()})
        text = str(params.get("query", ""))
        per_page = int(params.get("hitsPerPage", found.settings.get("hitsPerPage", 20)))
        page = int(params.get("page", 0))
        words = [word.lower() for word in WORD.findall(text)]
        searchable = [attribute_name(a) for a in found.settings.get("searchableAttributes") or []]
        distinct_attribute = found.settings.get("attributeForDistinct")
        distinct = params.get("distinct", found.settings.get("distinct", False))
        scored: list[tuple[int, int, str, dict[str, Any]]] = []
        for object_id, record in found.records.items():
            fields = [values(record, name) for name in searchable] if searchable else [all_text(record)]
            haystack = [set(WORD.findall(" ".join(values).lower())) for values in fields]
            rank = match_rank(words, haystack)
            if rank is not None:
                scored.append((rank, int(record.get("level") or 0), object_id, record))
        scored.sort(key=lambda item: item[:3])
        hits: list[dict[str, Any]] = []
        seen: set[Any] = set()
        for _, _, _, record in scored:
            if distinct and distinct_attribute:
                key = record.get(distinct_attribute)
                if key in seen:
                    continue
                seen.add(key)
            hits.append(with_highlights(record, words))
        start = page * per_page
        return {
            "hits": hits[start : start + per_page],
            "nbHits": len(hits),
            "page": page,
            "nbPages": (len(hits) + per_page - 1) // per_page if per_page else 0,
            "hitsPerPage": per_page,
            "processingTimeMS": 1,
            "exhaustiveNbHits": True,
            "query": text,
            "params": "",
            "index": index,
        }


def _route(method: str, path: str) -> tuple[str, str, str]:
    """(kind of request, index name, the rest of the path) for an Algolia REST path."""
    segments = [unquote(part) for part in path.strip("/").split("/")]
    if segments[:1] != ["1"]:
        raise AlgoliaError(404, f"no such path: {path}")
    if segments[1:2] == ["task"] and len(segments) == 3:
        return "task", "", segments[2]
    if segments[1:2] != ["indexes"]:
        raise AlgoliaError(404, f"no such path: {path}")
    if len(segments) == 2:
        return "list", "", ""
    index = segments[2]
    tail = segments[3:]
    if index == "*" and tail == ["queries"] and method == "POST":
        return "queries", "", ""
    if not tail:
        if method == "DELETE":
            return "delete_index", index, ""
        if method in ("GET", "POST"):
            return "query", index, ""
    routes = {
        ("POST", "batch"): "batch",
        ("POST", "browse"): "browse",
        ("GET", "browse"): "browse",
        ("GET", "settings"): "settings_get",
        ("PUT", "settings"): "settings_set",
        ("POST", "operation"): "operation",
        ("POST", "clear"): "clear",
        ("POST", "query"): "query",
    }
    if len(tail) == 1 and (method, tail[0]) in routes:
        return routes[(method, tail[0])], index, ""
    if len(tail) == 2 and tail[0] == "task" and method == "GET":
        return "task", index, tail[1]
    if len(tail) == 1 and method == "GET":
        return "get_object", index, tail[0]
    raise AlgoliaError(404, f"no such endpoint: {method} {path}")
