"""Artifacts go to and from S3 through files, never whole in memory: a multi-megabyte tree round-trips
through multipart upload with its CRC32, and packing 50 MB traces far less than 50 MB."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from pathlib import Path

import pytest

from chalicelib.artifacts import ArtifactStore, pack, tree_key
from chalicelib.errors import NotFoundError
from chalicelib.manifest import Manifest, scan_tree

MB = 1024 * 1024


def random_tree(folder: Path, megabytes: int) -> Path:
    """Incompressible files (1 MB each, in a few folders), so the tarball is as large as the tree."""
    for n in range(megabytes):
        path = folder / f"part-{n % 4}" / f"blob-{n}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(MB))
    return folder


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.md5(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_a_multi_megabyte_tree_round_trips_through_s3_with_its_checksum(provisioned, tmp_path):
    tree = random_tree(tmp_path / "tree", 20)  # past the 8 MB multipart threshold: three parts
    store = ArtifactStore(provisioned.s3, provisioned.settings.artifacts_bucket)
    manifest = Manifest(site="demo", run_id="r1", stage="staging", base_url="/", files=scan_tree(tree))

    key = store.put_tree(tree, manifest)

    head = provisioned.s3.head_object(Bucket=store.bucket, Key=key, ChecksumMode="ENABLED")
    assert head["ContentType"] == "application/gzip" and "ChecksumCRC32" in head
    back = tmp_path / "back"
    assert store.get_tree("demo", "r1", "staging", back).files == manifest.files
    assert digests(back) == digests(tree)


def test_a_missing_tree_is_named(provisioned, tmp_path):
    store = ArtifactStore(provisioned.s3, provisioned.settings.artifacts_bucket)
    provisioned.s3.put_object(
        Bucket=store.bucket,
        Key="artifacts/demo/r2/staging.manifest.json",
        Body=Manifest(site="demo", run_id="r2", stage="staging", base_url="/", files=[]).to_json().encode(),
    )
    with pytest.raises(NotFoundError, match=tree_key("demo", "r2", "staging")):
        store.get_tree("demo", "r2", "staging", tmp_path / "x")


def test_packing_memory_does_not_grow_with_the_artifact(tmp_path):
    tree = random_tree(tmp_path / "tree", 50)
    tracemalloc.start()
    try:
        archive = pack(tree, tmp_path / "tree.tar.gz")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert archive.stat().st_size > 50 * MB  # random bytes do not compress
    assert peak < 10 * MB
