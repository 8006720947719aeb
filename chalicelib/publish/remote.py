"""What the bucket holds, as plain data: listed objects, their headers, and the publish record.

S3's listing gives each key's size and ETag but not its headers, and a multipart upload's ETag is not
an MD5. After each publish we store a record (key -> ETag, MD5, headers, size) beside the site. When
the bucket is listed, an entry is trusted only while the listed ETag still equals the recorded one, so
an object changed by anyone else (or by a crashed run) falls back to "unknown" and is looked at again.
When the record can stand in for the listing (basis.py decides), its entries are the bucket. Pure
functions only: no I/O.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

# Version 2 added each object's size and the time of the last full listing (so the record can stand in
# for a listing); a version 1 record reads as none, which costs one listing.
RECORD_VERSION = 2


@dataclass(frozen=True)
class ObjectHeaders:
    """The headers publish controls; `redirect` is the S3 website redirect location, "" for none;
    `extra` the object's metadata beyond our MD5, as sorted (key, value) pairs: the site's own headers
    (`h-<name>`) and a page's script digests, which the stack's viewer-response function reads."""

    content_type: str
    cache_control: str
    redirect: str = ""
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RemoteObject:
    """One object in the bucket. `md5` and `headers` are None while unknown."""

    key: str
    size: int
    etag: str
    md5: str | None = None
    headers: ObjectHeaders | None = None

    @classmethod
    def listed(cls, key: str, size: int, etag: str) -> RemoteObject:
        """From a ListObjectsV2 entry: a single-part ETag is the MD5; a multipart one ("...-N") is not."""
        etag = etag.strip('"')
        return cls(key=key, size=size, etag=etag, md5=None if "-" in etag else etag)


@dataclass(frozen=True)
class RecordEntry:
    etag: str
    md5: str
    headers: ObjectHeaders
    size: int


@dataclass(frozen=True)
class PublishRecord:
    """What the last complete publish left under a prefix: every object, exactly.

    `verified_at` (seconds since the epoch) is when a full listing of the bucket last confirmed it;
    publishes planned from the record carry it forward unchanged.
    """

    entries: Mapping[str, RecordEntry] = field(default_factory=dict)
    verified_at: float | None = None

    def objects(self) -> list[RemoteObject]:
        """The record as the bucket's objects, for planning without a listing."""
        return [
            RemoteObject(key, entry.size, entry.etag, entry.md5, entry.headers)
            for key, entry in sorted(self.entries.items())
        ]


def merge_record(listing: Iterable[RemoteObject], record: Mapping[str, RecordEntry]) -> list[RemoteObject]:
    """Fill in MD5 and headers from the record wherever the object is still the one we recorded."""
    merged = []
    for obj in listing:
        entry = record.get(obj.key)
        if entry is not None and entry.etag == obj.etag and entry.size == obj.size:
            obj = replace(obj, md5=entry.md5, headers=entry.headers)
        merged.append(obj)
    return merged


def encode_record(record: PublishRecord) -> bytes:
    objects = {
        key: [e.etag, e.md5, e.headers.content_type, e.headers.cache_control, e.headers.redirect, e.size]
        + ([[list(pair) for pair in e.headers.extra]] if e.headers.extra else [])
        for key, e in sorted(record.entries.items())
    }
    data = {"version": RECORD_VERSION, "verified_at": record.verified_at, "objects": objects}
    return gzip.compress(json.dumps(data, separators=(",", ":")).encode(), mtime=0)


def decode_record(blob: bytes) -> PublishRecord | None:
    """The record; None when it is unreadable or of another version (the bucket is listed instead)."""
    try:
        data = json.loads(gzip.decompress(blob))
        if data.get("version") != RECORD_VERSION:
            return None
        verified_at = data.get("verified_at")
        entries = {key: _entry(*fields) for key, fields in data["objects"].items()}
        return PublishRecord(entries, float(verified_at) if verified_at is not None else None)
    except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _entry(
    etag: str, md5: str, content_type: str, cache_control: str, redirect: str, size: int, extra: Any = ()
) -> RecordEntry:
    """One record entry; `extra` (the site's own headers) is written only when there are some."""
    pairs = tuple((str(name), str(value)) for name, value in extra)
    return RecordEntry(etag, md5, ObjectHeaders(content_type, cache_control, redirect, pairs), int(size))
