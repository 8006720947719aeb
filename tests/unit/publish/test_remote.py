"""The bucket as data: listed ETags, and the publish record (in a listing, trusted while its ETag holds)."""

from __future__ import annotations

import gzip

import pytest

from chalicelib.publish.remote import (
    ObjectHeaders,
    PublishRecord,
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


@pytest.mark.parametrize("verified_at", [None, 1_700_000_000.5])
def test_record_round_trips(verified_at: float | None) -> None:
    record = PublishRecord(
        {
            "blog/a.html": RecordEntry("e1", "m1", HTML, 12),
            "blog/old/index.html": RecordEntry("e2", "m2", ObjectHeaders("t", "c", "/new/"), 0),
            "blog/font.woff2": RecordEntry("e3", "m3", ObjectHeaders("t", "c", extra=(("x-a", "1"),)), 3),
        },
        verified_at,
    )

    assert decode_record(encode_record(record)) == record


def test_a_record_written_before_a_sites_own_headers_reads_as_having_none() -> None:
    blob = gzip.compress(b'{"version": 2, "objects": {"a": ["e", "m", "t", "c", "", 4]}}', mtime=0)
    record = decode_record(blob)
    assert record is not None and record.entries["a"] == RecordEntry("e", "m", ObjectHeaders("t", "c"), 4)


def test_a_record_stands_for_the_objects_it_lists() -> None:
    record = PublishRecord({"blog/a.html": RecordEntry("e1", "m1", HTML, 12)}, 1.0)

    assert record.objects() == [RemoteObject("blog/a.html", 12, "e1", "m1", HTML)]


@pytest.mark.parametrize(
    "blob",
    [
        b"not gzip",
        gzip.compress(b"{}", mtime=0),
        gzip.compress(b'{"version": 99, "objects": {}}', mtime=0),
        # Version 1 had no sizes and no verification time: it must be listed once, not trusted.
        gzip.compress(b'{"version": 1, "objects": {"a": ["e", "m", "t", "c", ""]}}', mtime=0),
        gzip.compress(b'{"version": 2, "objects": {"a": ["e", "m", "t", "c", ""]}}', mtime=0),
        gzip.compress(b"[1]", mtime=0),
    ],
)
def test_an_unreadable_record_counts_as_none(blob: bytes) -> None:
    assert decode_record(blob) is None


def test_record_fills_in_only_objects_whose_etag_and_size_still_match() -> None:
    record = {
        "a": RecordEntry("e1", "m1", HTML, 1),
        "b": RecordEntry("old", "m2", HTML, 1),
        "d": RecordEntry("e4-2", "m4", HTML, 5),
    }
    listing = [
        RemoteObject.listed("a", 1, '"e1"'),
        RemoteObject.listed("b", 1, '"new-2"'),
        RemoteObject.listed("c", 1, '"e3"'),
        RemoteObject.listed("d", 6, '"e4-2"'),
    ]

    merged = {obj.key: obj for obj in merge_record(listing, record)}

    assert (merged["a"].md5, merged["a"].headers) == ("m1", HTML)
    assert (merged["b"].md5, merged["b"].headers) == (None, None)
    assert (merged["c"].md5, merged["c"].headers) == ("e3", None)
    assert (merged["d"].md5, merged["d"].headers) == (None, None)
