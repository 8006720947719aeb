"""Writing one release: hard-link unchanged files from the current release, copy the rest from the
bundle, verify every copied file's md5 against the manifest, then publish the folder by one rename.

The release is built in a dot-named scratch folder beside the releases, so a reader listing releases
or following `current` never sees a half-written one, and a crash leaves only scratch that a later
prune removes. This module never writes into an existing release and never touches `current`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from chalicelib.codedrop.layout import AppTree
from chalicelib.codedrop.plan import DropPlan
from chalicelib.errors import PublishError
from chalicelib.manifest import Manifest, ManifestEntry, file_md5

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
        if plan.link_from is not None:
            source = tree.release_dir(plan.link_from)
            for entry in plan.links:
                if _link(source / entry.path, scratch / entry.path, entry):
                    linked += 1
                else:
                    to_copy.append(entry)
        for entry in to_copy:
            _copy(bundle, scratch, entry, plan.run_id)
        _verify(scratch, to_copy, plan.links)
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
    folders = {str(Path(entry.path).parent) for entry in manifest.files} - {"."}
    for folder in sorted(folders):
        try:
            (scratch / folder).mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as exc:
            raise PublishError(
                f"run {manifest.run_id}: {folder!r} is both a file and a folder in the manifest"
            ) from exc


def _link(source: Path, target: Path, entry: ManifestEntry) -> bool:
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


def _copy(bundle: Path, scratch: Path, entry: ManifestEntry, run_id: str) -> None:
    source = bundle / entry.path
    try:
        shutil.copyfile(source, scratch / entry.path, follow_symlinks=False)
        shutil.copymode(source, scratch / entry.path, follow_symlinks=False)
    except FileNotFoundError as exc:
        raise PublishError(
            f"bundle {bundle} lacks {entry.path}, which the manifest of run {run_id} lists; "
            "rebuild the bundle"
        ) from exc


def _verify(scratch: Path, copied: list[ManifestEntry], linked: tuple[ManifestEntry, ...]) -> None:
    """Every written file must hash to its manifest md5; a linked file shares the verified inode of
    the release it came from, so its size is checked (from the inode, without reading the file)."""
    bad = []
    for entry in copied:
        path = scratch / entry.path
        if path.stat().st_size != entry.size or file_md5(path) != entry.md5:
            bad.append(entry.path)
    for entry in linked:
        path = scratch / entry.path
        if path.exists() and path.stat().st_size != entry.size:
            bad.append(entry.path)
    if bad:
        listed = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise PublishError(
            f"{len(bad)} files written for the release do not match the manifest: {listed}; "
            "the bundle changed after it was built or the disk is failing, so nothing was switched"
        )


def _write_manifest(tree: AppTree, run_id: str, manifest: Manifest) -> int:
    """Write the release's manifest with an mtime later than every other release's, so release order
    is drop order even when the clock is coarse or two drops land in the same tick."""
    newest = max((release.dropped_at_ns for release in tree.releases()), default=0)
    stamp = max(time.time_ns(), newest + 1)
    data = manifest.to_json().encode()
    path = tree.manifest_path(run_id)
    scratch = path.with_name(f"{SCRATCH_PREFIX}{path.name}-{secrets.token_hex(4)}")
    scratch.write_bytes(data)
    os.utime(scratch, ns=(stamp, stamp))
    os.replace(scratch, path)
    return len(data)


def touch_release(tree: AppTree, run_id: str) -> None:
    """Make an existing release the newest (dropped again), without writing its contents."""
    newest = max((release.dropped_at_ns for release in tree.releases()), default=0)
    stamp = max(time.time_ns(), newest + 1)
    os.utime(tree.manifest_path(run_id), ns=(stamp, stamp))
