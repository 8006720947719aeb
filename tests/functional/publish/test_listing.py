"""Listing the bucket in parallel key ranges finds exactly what one plain listing finds."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.publish import bucket
from tests.functional.publish.conftest import BUCKET, target

LIVE = [f"blog/{name}" for name in ("a", "b/1", "b/2", "b/3", "c", "é", "z/9", "zz")] + ["other/x", "blog"]


def plain_listing(s3: Any) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="blog/")
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


@pytest.mark.parametrize(
    "expected",
    [
        [],
        LIVE,
        ["blog/a", "blog/c", "blog/zz"],
        ["blog/0", "blog/b/15", "blog/b/4", "blog/d", "blog/y", "blog/zzz"],
        [f"blog/b/{n}" for n in range(40)],
    ],
    ids=["no-hints", "exact", "some", "none-live", "clustered"],
)
def test_ranged_listing_finds_every_object_once(
    clients: dict[str, Any], monkeypatch: pytest.MonkeyPatch, expected: list[str]
) -> None:
    s3 = clients["s3"]
    for key in LIVE:
        s3.put_object(Bucket=BUCKET, Key=key, Body=key.encode())
    monkeypatch.setattr(bucket, "RANGE_KEYS", 2)  # many small ranges over a handful of keys

    found = bucket.list_objects(s3, target(), expected, workers=4)

    assert [obj.key for obj in found] == plain_listing(s3)
    assert len(found) == 8
