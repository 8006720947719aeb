"""A kept Hugo cache as an archive: what packs, what unpacks, and what is refused before anything is."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from chalicelib.buildrunner import hugocache
from chalicelib.buildrunner.hugocache import CacheRefused, pack_cache, snapshot, unpack_cache

IMAGE = "hugo-resources/_gen/images/posts/p0/photo_hu123.jpg"
MODULE = "hugo-cache/modules/filecache/modules/pkg/mod/x.txt"
REMOTE = "hugo-cache/source/filecache/getresource/abc"
SECOND = 1_600_000_000 * 10**9


def cache_folder(root: Path) -> Path:
    for name in (IMAGE, MODULE, REMOTE):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"0123456789")
        os.utime(root / name, ns=(SECOND, SECOND))  # a tarball keeps whole seconds
    return root


def test_a_cache_round_trips_with_its_times_and_without_remote_fetches(tmp_path):
    archive = pack_cache(cache_folder(tmp_path / "a"), "0.168.0", tmp_path / "c.tar.gz")
    assert unpack_cache(archive, tmp_path / "b", "0.168.0") == 20
    assert snapshot(tmp_path / "b") == {
        IMAGE: (10, SECOND),
        MODULE: (10, SECOND),
    }
    assert not (tmp_path / "b" / REMOTE).exists()


def test_a_cache_that_unpacks_too_big_is_refused_before_anything_is_unpacked(tmp_path, monkeypatch):
    archive = pack_cache(cache_folder(tmp_path / "a"), "0.168.0", tmp_path / "c.tar.gz")
    monkeypatch.setattr(hugocache, "MAX_BYTES", 15)
    with pytest.raises(CacheRefused, match="unpacks to more than"):
        unpack_cache(archive, tmp_path / "b", "0.168.0")
    assert not (tmp_path / "b").exists()


def test_a_cache_from_another_hugo_version_is_refused(tmp_path):
    archive = pack_cache(cache_folder(tmp_path / "a"), "0.168.0", tmp_path / "c.tar.gz")
    with pytest.raises(CacheRefused, match=re.escape("Hugo 0.168.0 wrote it, this build has Hugo 0.169.0")):
        unpack_cache(archive, tmp_path / "b", "0.169.0")
