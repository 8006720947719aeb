"""The publish record standing in for a listing: an edit reads no listing, and nothing goes unnoticed
that Presslift could know about (a crashed publish, an asked-for verification, a day without a listing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.errors import PublishError
from chalicelib.manifest import Manifest
from tests.functional.publish.conftest import BUCKET, SITE_V1, bucket_contents, publish, target, write_tree
from tests.functional.publish.test_publish_faults import V2_EDIT, CountingS3, FaultyS3


def as_bytes(files: dict[str, bytes | str]) -> dict[str, bytes]:
    return {path: body.encode() if isinstance(body, str) else body for path, body in files.items()}


def marker_exists(s3: Any) -> bool:
    try:
        s3.head_object(Bucket=BUCKET, Key=target().applying_key)
    except ClientError:
        return False
    return True


def published_site(clients: dict[str, Any], tmp_path: Path) -> tuple[Any, Manifest]:
    """The test bucket with SITE_V1 published (and so recorded), and that build's manifest."""
    manifest = write_tree(tmp_path / "site", SITE_V1)
    publish(clients["s3"], tmp_path / "site", manifest)
    return clients["s3"], manifest


def test_an_edit_after_a_complete_publish_compares_with_the_record_and_lists_nothing(
    clients: dict[str, Any], tmp_path: Path
) -> None:
    s3 = CountingS3(clients["s3"])
    first = publish(s3, tmp_path / "site", write_tree(tmp_path / "site", SITE_V1))
    listings_for_first = s3.listings

    edit = publish(s3, tmp_path / "site", write_tree(tmp_path / "site", V2_EDIT))

    assert listings_for_first >= 1 and "no publish record yet" in first.summary["compared_with"]
    assert s3.listings == listings_for_first, "the edit listed the bucket"
    assert edit.summary["compared_with"].startswith("the publish record (confirmed by a listing")
    assert (edit.uploaded, edit.deleted) == (3, 1)
    assert bucket_contents(clients["s3"]) == as_bytes(V2_EDIT)
    assert not marker_exists(clients["s3"])
    assert edit.plan is not None and "compared with the publish record" in edit.plan.describe()


def test_a_crashed_publish_makes_the_next_one_list_so_republishing_the_old_site_restores_it(
    clients: dict[str, Any], tmp_path: Path
) -> None:
    s3 = clients["s3"]
    publish(s3, tmp_path / "v1", write_tree(tmp_path / "v1", SITE_V1))
    with pytest.raises(PublishError):
        publish(
            FaultyS3(s3, fail_on={3}), tmp_path / "v2", write_tree(tmp_path / "v2", V2_EDIT), concurrency=1
        )
    assert marker_exists(s3) and bucket_contents(s3) != as_bytes(SITE_V1)

    # The record still says "v1", and v1 is what we publish: only the marker shows the bucket moved.
    restored = publish(s3, tmp_path / "v1", write_tree(tmp_path / "v1", SITE_V1))

    assert "did not finish" in restored.summary["compared_with"]
    assert restored.uploaded == 2
    assert bucket_contents(s3) == as_bytes(SITE_V1)
    assert not marker_exists(s3)
    settled = publish(s3, tmp_path / "v1", write_tree(tmp_path / "v1", SITE_V1))
    assert settled.summary["compared_with"].startswith("the publish record")
    assert settled.uploaded == 0


def test_a_hand_edit_of_the_bucket_is_found_when_verifying_or_once_the_record_is_a_day_old(
    clients: dict[str, Any], tmp_path: Path
) -> None:
    s3, manifest = published_site(clients, tmp_path)
    s3.put_object(Bucket=BUCKET, Key="blog/css/main.css", Body=b"body { color: red }")
    s3.put_object(Bucket=BUCKET, Key="blog/stray.html", Body=b"left by hand")

    # With no sample, the spot check covers only the entry points, and the home page links no CSS:
    # what it does not look at, the record stands for until the next listing.
    trusting = publish(s3, tmp_path / "site", manifest, dry_run=True, spot_check_sample=0)
    verified = publish(s3, tmp_path / "site", manifest, verify=True)

    assert trusting.summary["uploads"] == 0, "the record stands for the bucket between verifications"
    assert "3 of its objects checked now" in trusting.summary["compared_with"]
    assert "verification asked for" in verified.summary["compared_with"]
    assert (verified.uploaded, verified.deleted) == (1, 1)
    assert bucket_contents(s3) == as_bytes(SITE_V1)

    s3.put_object(Bucket=BUCKET, Key="blog/css/main.css", Body=b"body { color: red }")
    stale = publish(s3, tmp_path / "site", manifest, verify_every_seconds=0)
    assert "last confirmed by a listing" in stale.summary["compared_with"]
    assert stale.uploaded == 1 and bucket_contents(s3) == as_bytes(SITE_V1)


def test_publishing_nothing_new_writes_nothing_at_all(clients: dict[str, Any], tmp_path: Path) -> None:
    s3, manifest = published_site(clients, tmp_path)
    record_before = s3.head_object(Bucket=BUCKET, Key=target().record_key)["ETag"]
    faulty = FaultyS3(s3, fail_on=set(range(1, 100)))

    again = publish(faulty, tmp_path / "site", manifest)

    assert (again.uploaded, faulty.puts) == (0, 0)
    assert s3.head_object(Bucket=BUCKET, Key=target().record_key)["ETag"] == record_before
    assert not marker_exists(s3)


def test_a_marker_left_behind_is_cleared_by_the_next_publish_even_when_it_changes_nothing(
    clients: dict[str, Any], tmp_path: Path
) -> None:
    s3, manifest = published_site(clients, tmp_path)
    # As a publish that died after its uploads leaves the bucket:
    s3.put_object(Bucket=BUCKET, Key=target().applying_key, Body=b"{}")

    caught_up = publish(s3, tmp_path / "site", manifest)
    after = publish(s3, tmp_path / "site", manifest)

    assert "did not finish" in caught_up.summary["compared_with"] and caught_up.uploaded == 0
    assert not marker_exists(s3)
    assert after.summary["compared_with"].startswith("the publish record")
