"""What the bucket holds, as plain data: listed objects, their headers, and the publish record.

S3's listing gives each key's size and ETag but not its headers, and a multipart upload's ETag is not
an MD5. After each publish we store a record (key -> ETag, MD5, headers) beside the site; an entry is
trusted only while the listed ETag still equals the recorded one, so an object changed by anyone else
(or by a crashed run) falls back to "unknown" and is looked at again. Pure functions only: no I/O.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

RECORD_VERSION = 1


@dataclass(frozen=True)
class ObjectHeaders:
    """The headers publish controls; `redirect` is the S3 website redirect location, "" for none."""

    content_type: str
    cache_control: str
    redirect: str = ""


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


def merge_record(listing: Iterable[RemoteObject], record: Mapping[str, RecordEntry]) -> list[RemoteObject]:
    """Fill in MD5 and headers from the record wherever the object is still the one we recorded."""
    merged = []
    for obj in listing:
        entry = record.get(obj.key)
        if entry is not None and entry.etag == obj.etag:
            obj = replace(obj, md5=entry.md5, headers=entry.headers)
        merged.append(obj)
    return merged


def encode_record(entries: Mapping[str, RecordEntry]) -> bytes:
    objects = {
        key: [e.etag, e.md5, e.headers.content_type, e.headers.cache_control, e.headers.redirect]
        for key, e in sorted(entries.items())
    }
    text = json.dumps({"version": RECORD_VERSION, "objects": objects}, separators=(",", ":"))
    return gzip.compress(text.encode(), mtime=0)


def decode_record(blob: bytes) -> dict[str, RecordEntry]:
    """The record's entries; an unreadable or foreign record is treated as empty (everything unknown)."""
    try:
        data = json.loads(gzip.decompress(blob))
        if data.get("version") != RECORD_VERSION:
            return {}
        return {
            key: RecordEntry(etag, md5, ObjectHeaders(content_type, cache_control, redirect))
            for key, (etag, md5, content_type, cache_control, redirect) in data["objects"].items()
        }
    except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError):
        return {}
