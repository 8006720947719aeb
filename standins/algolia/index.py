"""The local Algolia's in-memory indexes and what it observes of them (states, failures to inject)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DEFAULT_APP_ID = "LOCALAPP"
DEFAULT_ADMIN_KEY = "local-admin-key"
DEFAULT_SEARCH_KEY = "local-search-key"
TEMPORARY = re.compile(r"_tmp(_|$)|_temp(_|$)")
WORD = re.compile(r"\w+", re.UNICODE)
SEARCH_KINDS = frozenset({"query", "queries"})


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def record_digest(record: dict[str, Any]) -> int:
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def is_temporary(name: str) -> bool:
    return bool(TEMPORARY.search(name))


@dataclass
class Index:
    """One in-memory index; `fingerprint` is the XOR of its records' digests, kept as they change."""

    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    digests: dict[str, int] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)
    synonyms: dict[str, Any] = field(default_factory=dict)
    fingerprint: int = 0

    def put(self, record: dict[str, Any]) -> None:
        object_id = record["objectID"]
        self.remove(object_id)
        digest = record_digest(record)
        self.records[object_id] = record
        self.digests[object_id] = digest
        self.fingerprint ^= digest

    def remove(self, object_id: str) -> None:
        if object_id in self.records:
            del self.records[object_id]
            self.fingerprint ^= self.digests.pop(object_id)

    def clear(self) -> None:
        self.records.clear()
        self.digests.clear()
        self.fingerprint = 0


@dataclass(frozen=True)
class State:
    """What searchers of a live index could see from `at` until the next state."""

    at: float
    exists: bool
    count: int
    fingerprint: int
    request: int
    cause: str
    empty: bool
    partial: bool


@dataclass
class Watch:
    """Per live index: its states and whether a clear/delete left it rebuilding toward `target`."""

    states: list[State] = field(default_factory=list)
    high_water: int = 0
    rebuilding_target: int = 0


@dataclass
class Failure:
    remaining: int
    status: int
    path_contains: str


class AlgoliaError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
