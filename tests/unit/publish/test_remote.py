"""The bucket as data: listed ETags, and the publish record trusted only while the ETag holds."""

from __future__ import annotations

import gzip

import pytest

from chalicelib.publish.remote import (
    ObjectHeaders,
    RecordEntry,
    RemoteObject,
    decode_record,
    encode_record,
    merge_record,
)

HTML = ObjectHeaders("text/html; charset=utf-8", "no-cache")


@pytest.mark.parametrize(("etag", "md5"), [('"0123abcd"', "0123abcd"), ('"0123abcd-4"', None)])
def test_a_multipart_etag_is_not_an_md5(etag: str, md5: str | None) -> None:
    assert RemoteObject.listed("k", 1, etag).md5 == md5


def test_record_round_trips() -> None:
    entries = {
        "blog/a.html": RecordEntry("e1", "m1", HTML),
        "blog/old/": RecordEntry("e2", "m2", ObjectHeaders("t", "c", "/new/")),
    }

    assert decode_record(encode_record(entries)) == entries


@pytest.mark.parametrize(
    "blob",
    [
        b"not gzip",
        gzip.compress(b"{}", mtime=0),
        gzip.compress(b'{"version": 99, "objects": {}}', mtime=0),
        gzip.compress(b"[1]", mtime=0),
    ],
)
def test_an_unreadable_record_counts_as_empty(blob: bytes) -> None:
    assert decode_record(blob) == {}


def test_record_fills_in_only_objects_whose_etag_still_matches() -> None:
    record = {"a": RecordEntry("e1", "m1", HTML), "b": RecordEntry("old", "m2", HTML)}
    listing = [
        RemoteObject.listed("a", 1, '"e1"'),
        RemoteObject.listed("b", 1, '"new-2"'),
        RemoteObject.listed("c", 1, '"e3"'),
    ]

    merged = {obj.key: obj for obj in merge_record(listing, record)}

    assert (merged["a"].md5, merged["a"].headers) == ("m1", HTML)
    assert (merged["b"].md5, merged["b"].headers) == (None, None)
    assert (merged["c"].md5, merged["c"].headers) == ("e3", None)
