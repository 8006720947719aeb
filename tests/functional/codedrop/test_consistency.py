"""Readers walking `current` while releases are dropped and rolled back never see a mixed tree.

Several reader processes each resolve `current` once per pass (as a fleet process does at start) and
read every file through the resolved release, checking each md5 against that release's manifest.
Meanwhile the writer drops releases that change, add and remove files and rolls back and forward:
more than 50 switches. A mixed read (a file whose bytes are not the resolved release's), a missing or
an extra file fails the test.

Pruning: with a small `keep`, a release a slow reader resolved can be pruned under it. A real process
then finds the release gone and restarts onto `current`; the reader does the same, counting files it
could not read as "pruned" only when the release folder it resolved no longer exists (prune renames
the folder away before deleting anything, so a file missing from a release that still exists is a
real failure). With a keep larger than the number of drops, nothing may be pruned at all.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import time
from pathlib import Path, PurePosixPath

import pytest

from chalicelib.codedrop import drop_release, rollback
from chalicelib.manifest import Manifest, ManifestEntry

READERS = 3
DROPS = 36
FILES = 300


def read_release(root: Path, manifests: dict[str, dict[str, str]]) -> dict[str, int | str]:
    """One pass: resolve `current` once, read every file under the resolved release."""
    target = os.readlink(root / "current")
    release = root / target
    run_id = PurePosixPath(target).name
    counts: dict[str, int | str] = {
        "run": run_id,
        "read": 0,
        "mixed": 0,
        "missing": 0,
        "extra": 0,
        "pruned": 0,
    }
    if run_id not in manifests:
        try:
            manifest = Manifest.from_json((root / "releases" / f"{run_id}.manifest.json").read_bytes())
        except FileNotFoundError:
            counts["pruned"] = 1 if not release.exists() else 0
            counts["missing"] = 0 if not release.exists() else 1
            return counts
        manifests[run_id] = {entry.path: entry.md5 for entry in manifest.files}
    expected = manifests[run_id]
    seen: set[str] = set()
    unreadable = 0
    for dirpath, _dirnames, filenames in os.walk(release):
        for name in filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(release).as_posix()
            seen.add(rel)
            if rel not in expected:
                counts["extra"] = int(counts["extra"]) + 1
                continue
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                unreadable += 1
                continue
            counts["read"] = int(counts["read"]) + 1
            if hashlib.md5(data).hexdigest() != expected[rel]:
                counts["mixed"] = int(counts["mixed"]) + 1
    unreadable += len(set(expected) - seen)
    if unreadable:
        counts["pruned" if not release.exists() else "missing"] = unreadable
    return counts


def reader(root: Path, stop, passes, index: int, results) -> None:
    manifests: dict[str, dict[str, str]] = {}
    totals = {"passes": 0, "read": 0, "mixed": 0, "missing": 0, "extra": 0, "pruned": 0}
    runs: set[str] = set()
    failures: list[str] = []
    while not stop.is_set():
        counts = read_release(root, manifests)
        runs.add(str(counts.pop("run")))
        for key, value in counts.items():
            totals[key] += int(value)
            if key in ("mixed", "missing", "extra") and value and len(failures) < 5:
                failures.append(f"{key} {value} in a pass over {sorted(runs)[-1]}")
        totals["passes"] += 1
        passes[index] += 1
    results.put({**totals, "runs": sorted(runs), "failures": failures})


def next_bundle(bundle: Path, version: int, rng: random.Random, files: dict[str, bytes]) -> dict[str, bytes]:
    """Change 20 files, remove 2 and add 2, in the one bundle folder the writer reuses: a drop never
    reads the bundle after it returns, and rewriting 300 files per drop would slow the writer."""
    files = dict(files)
    changed = {
        path: f"{path} changed by run {version}\n".encode() * rng.randint(1, 80)
        for path in rng.sample(sorted(files), 20)
    }
    for path in rng.sample(sorted(set(files) - set(changed)), 2):
        del files[path]
        (bundle / path).unlink()
    for extra in range(2):
        changed[f"added/r{version}-{extra}.py"] = f"new in run {version}\n".encode() * rng.randint(1, 40)
    files.update(changed)
    write_files(bundle, changed)
    return files


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)


def manifest_of(run_id: str, files: dict[str, bytes]) -> Manifest:
    entries = [
        ManifestEntry(path, hashlib.md5(data).hexdigest(), len(data), "text/x-python")
        for path, data in files.items()
    ]
    return Manifest("fleet", run_id, "code", "", sorted(entries, key=lambda entry: entry.path))


@pytest.mark.parametrize("keep", [1000, 3], ids=["nothing-pruned", "pruning-keep-3"])
def test_readers_never_see_a_mixed_or_missing_file_across_drops_and_rollbacks(tmp_path, keep):
    mount = tmp_path / "efs"
    root = mount / "prod" / "fleet"
    rng = random.Random(8)
    files = {
        f"pkg{i % 10}/mod{i}.py": f"module {i} of run 0\n".encode() * rng.randint(1, 80) for i in range(FILES)
    }
    bundle = tmp_path / "bundle"
    write_files(bundle, files)
    drop_release(mount, "prod", "fleet", "r00", bundle, manifest_of("r00", files))

    context = multiprocessing.get_context("fork")
    stop = context.Event()
    passes = context.Array("i", READERS)
    results = context.Queue()
    processes = [
        context.Process(target=reader, args=(root, stop, passes, i, results)) for i in range(READERS)
    ]
    for process in processes:
        process.start()
    try:
        _wait_for_passes(passes, 1)
        switches, latest = 0, "r00"
        for version in range(1, DROPS + 1):
            run_id = f"r{version:02d}"
            files = next_bundle(bundle, version, rng, files)
            drop_release(mount, "prod", "fleet", run_id, bundle, manifest_of(run_id, files), keep=keep)
            switches, latest = switches + 1, run_id
            if version % 2 == 0:
                rollback(mount, "prod", "fleet")
                rollback(mount, "prod", "fleet", latest)
                switches += 2
        _wait_for_passes(passes, min(passes) + 2)
    finally:
        stop.set()
        outcomes = [results.get(timeout=60) for _ in processes]
        for process in processes:
            process.join(timeout=30)

    assert switches >= 50
    assert os.readlink(root / "current") == f"releases/{latest}"
    for outcome in outcomes:
        assert outcome["failures"] == []
        assert (outcome["mixed"], outcome["missing"], outcome["extra"]) == (0, 0, 0)
        assert outcome["passes"] >= 3 and outcome["read"] > 0
    seen = set().union(*(outcome["runs"] for outcome in outcomes))
    assert len(seen) >= 5, f"readers saw only {sorted(seen)}: they did not overlap the switches"
    if keep >= DROPS:
        assert sum(outcome["pruned"] for outcome in outcomes) == 0


def _wait_for_passes(passes, at_least: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while min(passes) < at_least:
        if time.monotonic() > deadline:
            raise AssertionError(f"readers made only {list(passes)} passes in {timeout} s")
        time.sleep(0.01)


def test_the_reader_catches_writes_into_the_live_release(tmp_path):
    """The check above means something: an rsync-style write into the live tree is caught."""
    mount = tmp_path / "efs"
    files = {f"pkg/mod{i}.py": f"module {i}\n".encode() for i in range(10)}
    write_files(tmp_path / "bundle", files)
    drop_release(mount, "prod", "fleet", "r1", tmp_path / "bundle", manifest_of("r1", files))
    live = mount / "prod/fleet/releases/r1"
    (live / "pkg/mod1.py").write_bytes(b"module 1, half-way through an rsync\n")
    (live / "pkg/mod2.py").unlink()
    (live / "pkg/new.py").write_bytes(b"")
    counts = read_release(mount / "prod/fleet", {})
    assert (counts["mixed"], counts["missing"], counts["extra"], counts["pruned"]) == (1, 1, 1, 0)
