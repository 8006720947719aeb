"""Writing one release: hard-link unchanged files from the current release, copy the rest from the
bundle, verify every copied file's md5 against the manifest, then publish the folder by one rename.

Linked files are not read: a link writes no bytes, it names the inode that was verified when the
release it comes from was dropped, and the plan matched its md5 and size in the two manifests.

The release is built in a dot-named scratch folder beside the releases, so a reader listing releases
or following `current` never sees a half-written one, and a crash leaves only scratch that a later
prune removes. This module never writes into an existing release and never touches `current`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import posixpath
import secrets
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

from chalicelib.codedrop.layout import AppTree
from chalicelib.codedrop.plan import DropPlan
from chalicelib.errors import PublishError
from chalicelib.manifest import MANIFEST_VERSION, Manifest, ManifestEntry
from chalicelib.pool import ContextPool

# EFS answers each file operation over the network in about a millisecond; its throughput comes from
# many operations in flight, so links and copies run on a pool of threads (they wait in the kernel).
WORKERS = 16
CHUNK = 1 << 20
Item = TypeVar("Item")
Result = TypeVar("Result")
SCRATCH_PREFIX = ".new-"
TRASH_PREFIX = ".trash-"


@dataclass(frozen=True)
class WriteStats:
    files_copied: int
    files_linked: int
    bytes_written: int
    manifest_bytes: int


def write_release(tree: AppTree, plan: DropPlan, bundle: Path, manifest: Manifest) -> WriteStats:
    """Make `releases/<run>` and its manifest; raises PublishError and leaves no trace on failure."""
    tree.releases_dir.mkdir(parents=True, exist_ok=True)
    scratch = tree.releases_dir / f"{SCRATCH_PREFIX}{plan.run_id}-{secrets.token_hex(4)}"
    scratch.mkdir()
    try:
        _make_folders(scratch, manifest)
        to_copy = [copy.entry for copy in plan.copies]
        linked = 0
        with ContextPool(max_workers=WORKERS) as pool:
            if plan.link_from is not None:
                # Plain strings, not Path objects: these run once per file of the release.
                source, target = f"{tree.release_dir(plan.link_from)}/", f"{scratch}/"
                outcomes = _in_batches(
                    pool, lambda entry: _link(source + entry.path, target + entry.path), plan.links
                )
                for entry, was_linked in zip(plan.links, outcomes, strict=True):
                    if was_linked:
                        linked += 1
                    else:
                        to_copy.append(entry)
            copy = partial(_copy_verified, f"{bundle}/", f"{scratch}/", plan.run_id)
            _report_mismatches([path for path in _in_batches(pool, copy, to_copy) if path])
        manifest_bytes = _write_manifest(tree, plan.run_id, manifest)
        os.rename(scratch, tree.release_dir(plan.run_id))
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return WriteStats(
        files_copied=len(to_copy),
        files_linked=linked,
        bytes_written=sum(entry.size for entry in to_copy),
        manifest_bytes=manifest_bytes,
    )


def _in_batches(pool: ContextPool, work: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """`work` over `items` on the pool in a few contiguous batches: one task per file would cost more
    than a local link does, while EFS gains from having many operations in flight."""
    size = max(1, -(-len(items) // (WORKERS * 4)))
    batches = [items[start : start + size] for start in range(0, len(items), size)]
    results: list[Result] = []
    for done in pool.map(lambda batch: [work(item) for item in batch], batches):
        results.extend(done)
    return results


def remove_release(tree: AppTree, run_id: str) -> None:
    """Take a release away: first its folder vanishes in one rename, then the files go."""
    trash = tree.releases_dir / f"{TRASH_PREFIX}{run_id}-{secrets.token_hex(4)}"
    with contextlib.suppress(FileNotFoundError):
        os.rename(tree.release_dir(run_id), trash)
    tree.manifest_path(run_id).unlink(missing_ok=True)
    shutil.rmtree(trash, ignore_errors=True)


def remove_stale_scratch(tree: AppTree, older_than: float = 3600) -> list[str]:
    """Scratch and trash left by a drop that died (a Lambda timeout); an hour is far past any drop."""
    removed: list[str] = []
    cutoff = time.time() - older_than
    try:
        entries = list(os.scandir(tree.releases_dir))
    except FileNotFoundError:
        return removed
    for entry in entries:
        if not entry.name.startswith((SCRATCH_PREFIX, TRASH_PREFIX)):
            continue
        if entry.stat(follow_symlinks=False).st_mtime < cutoff:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
            removed.append(entry.name)
    return removed


def _make_folders(scratch: Path, manifest: Manifest) -> None:
    """Folders first, so the per-file loops only link and copy (the plan refused file/folder clashes)."""
    for folder in sorted({posixpath.dirname(entry.path) for entry in manifest.files} - {""}):
        (scratch / folder).mkdir(parents=True, exist_ok=True)


def _link(source: str, target: str) -> bool:
    """Hard-link one unchanged file; False means copy it instead.

    EFS allows 177 links to a file and links never cross file systems; a current release damaged by
    hand may lack the file. Each of those falls back to a copy from the bundle.
    """
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno in (errno.EMLINK, errno.EXDEV, errno.ENOENT, errno.EPERM, errno.ENOTSUP):
            return False
        raise
    return True


def _copy_verified(bundle: str, scratch: str, run_id: str, entry: ManifestEntry) -> str | None:
    """Copy one file from the bundle with its mode, then read back what landed and compare it with
    the manifest; returns the path when it does not match."""
    try:
        source = os.open(bundle + entry.path, os.O_RDONLY)
    except FileNotFoundError:
        raise PublishError(
            f"bundle {bundle.rstrip('/')} lacks {entry.path}, which the manifest of run {run_id} lists; "
            "rebuild the bundle"
        ) from None
    try:
        target = os.open(scratch + entry.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            while chunk := os.read(source, CHUNK):
                os.write(target, chunk)
            os.fchmod(target, os.fstat(source).st_mode & 0o7777)
            digest, size, offset = hashlib.md5(usedforsecurity=False), 0, 0
            while chunk := os.pread(target, CHUNK, offset):
                digest.update(chunk)
                offset += len(chunk)
            size = offset
        finally:
            os.close(target)
    finally:
        os.close(source)
    return None if (size, digest.hexdigest()) == (entry.size, entry.md5) else entry.path


def _report_mismatches(bad: list[str]) -> None:
    if bad:
        listed = ", ".join(sorted(bad)[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise PublishError(
            f"{len(bad)} files written for the release do not match the manifest: {listed}; "
            "the bundle changed after it was built or the disk is failing, so nothing was switched"
        )


def _write_manifest(tree: AppTree, run_id: str, manifest: Manifest) -> int:
    """Write the release's manifest with an mtime later than every other release's, so release order
    is drop order even when the clock is coarse or two drops land in the same tick."""
    newest = max((release.dropped_at_ns for release in tree.releases()), default=0)
    stamp = max(time.time_ns(), newest + 1)
    data = manifest_json(manifest)
    path = tree.manifest_path(run_id)
    scratch = path.with_name(f"{SCRATCH_PREFIX}{path.name}-{secrets.token_hex(4)}")
    scratch.write_bytes(data)
    os.utime(scratch, ns=(stamp, stamp))
    os.replace(scratch, path)
    return len(data)


def manifest_json(manifest: Manifest) -> bytes:
    """The manifest as `Manifest.from_json` reads it, written compactly: a release of 5,000 files
    gets a 0.5 MB manifest instead of 0.8 MB, in a fifth of the time `to_json` takes."""
    data = {
        "version": MANIFEST_VERSION,
        "site": manifest.site,
        "run_id": manifest.run_id,
        "stage": manifest.stage,
        "base_url": manifest.base_url,
        "redirects": manifest.redirects,
        "files": [
            {"path": e.path, "md5": e.md5, "size": e.size, "content_type": e.content_type}
            for e in manifest.files
        ],
    }
    return json.dumps(data, separators=(",", ":")).encode()


def touch_release(tree: AppTree, run_id: str) -> None:
    """Make an existing release the newest (dropped again), without writing its contents."""
    newest = max((release.dropped_at_ns for release in tree.releases()), default=0)
    stamp = max(time.time_ns(), newest + 1)
    os.utime(tree.manifest_path(run_id), ns=(stamp, stamp))
