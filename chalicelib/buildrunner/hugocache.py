"""A site's kept Hugo caches: restored before a build, kept after it, so Hugo does not redo its work.

Hugo keeps its file caches in two folders (gohugo.io/configuration/caches): `:resourceDir/_gen` (the
`images` and `assets` caches: every resized image and processed asset) and `:cacheDir` (`modules`, and
`getresource`/`getjson`/`getcsv`/`misc` under `:cacheDir/:project`). The runner gives Hugo both as
folders of its scratch directory (`hugo.CACHE_DIR`, `hugo.RESOURCE_DIR`); this module packs the
resource folder and the module cache (`KEPT`), with a marker naming the Hugo version that wrote them,
into one tarball that the build stage keeps per site. What `resources.GetRemote` fetched is not kept:
Hugo never refetches a cached remote resource (`maxAge` -1), and a build must see today's data, as a
fresh checkout would.

A kept cache was written by an earlier run of the same site's code, so it is checked, never trusted: an
archive that cannot be read, that holds anything but regular files and folders under those two
folders (an absolute path, `..`, a link, a device), that unpacks to more than `MAX_BYTES`, or that
another Hugo version wrote is ignored as a whole, with the reason, and the build goes on without it.
Nothing here may fail a build. This module runs inside the runner: it never reads the environment and
never sends anything anywhere but the job's own URLs.
"""

from __future__ import annotations

import json
import shutil
import tarfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from chalicelib.errors import PipelineError
from chalicelib.hugo import CACHE_DIR, RESOURCE_DIR
from chalicelib.targz import write_tar_gz

#: Past this (unpacked, or as a tarball) a cache is neither restored nor kept.
MAX_BYTES = 1024 * 1024 * 1024
#: The archive's own member naming the Hugo version that wrote it.
MARKER = "presslift-cache.json"
FOLDERS = (CACHE_DIR, RESOURCE_DIR)
#: What a kept cache may hold, as paths under the runner's scratch directory.
KEPT = (RESOURCE_DIR, f"{CACHE_DIR}/modules")
#: Where Hugo's `images` cache writes a processed image, inside the resource folder.
IMAGES = f"{RESOURCE_DIR}/_gen/images/"
_CHUNK = 1024 * 1024

#: {path under the work folder: (bytes, modification time in ns)}: what the cache folders hold.
Snapshot = dict[str, tuple[int, int]]


class CacheRefused(Exception):
    """Why a kept cache is not used (one line, for the build's detail)."""


@dataclass(frozen=True)
class Restored:
    """What restoring found (`note`: "cache restored (N MB)", "no cache yet", "cache ignored: ...")
    and what the cache folders held once it was restored."""

    note: str
    before: Snapshot = field(default_factory=dict)


def megabytes(size: int) -> str:
    """A size for a person: "12.3 MB", or "40 KB" below a megabyte."""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} KB"
    return f"{size / 1_000_000:.1f} MB"


def restore(url: str, work: Path, version: str) -> Restored:
    """Fetch the site's kept cache from `url` ("" when there is none yet) and unpack it into `work`'s
    cache folders; any problem leaves them empty and says why."""
    for folder in FOLDERS:
        (work / folder).mkdir(parents=True, exist_ok=True)
    if not url:
        return Restored("no cache yet", snapshot(work))
    archive = work / "kept-cache.tar.gz"
    try:
        _fetch(url, archive)
        size = archive.stat().st_size  # as stored, like "cache kept (N MB)"
        unpack_cache(archive, work, version)
    except CacheRefused as exc:
        _empty(work)
        return Restored(f"cache ignored: {exc}", snapshot(work))
    finally:
        archive.unlink(missing_ok=True)
    return Restored(f"cache restored ({megabytes(size)})", snapshot(work))


def keep(url: str, work: Path, version: str, restored: Restored, upload: Callable[[Path], None]) -> str:
    """Pack the cache folders and `upload` them (a PUT to the job's URL) when they changed; what
    happened, in a few words ("" when the job keeps no cache). A failed upload is reported, never
    raised."""
    if not url:
        return ""
    now = snapshot(work)
    if now == restored.before and not restored.note.startswith("cache ignored"):
        return "cache unchanged" if now else "nothing to keep"
    total = sum(size for size, _ in now.values())
    if total > MAX_BYTES:
        return f"cache not kept: {megabytes(total)} is over the {megabytes(MAX_BYTES)} limit"
    archive = pack_cache(work, version, work / "new-cache.tar.gz")
    size = archive.stat().st_size
    try:
        upload(archive)
    except PipelineError as exc:
        return f"cache not kept: {exc}"
    finally:
        archive.unlink()
    return f"cache kept ({megabytes(size)})"


def written(before: Snapshot, after: Snapshot) -> str:
    """What Hugo wrote into its caches during the build: files new or rewritten since the restore."""
    changed = [path for path, stat in after.items() if before.get(path) != stat]
    images = sum(1 for path in changed if path.startswith(IMAGES))
    return f"Hugo wrote {len(changed)} cache files ({images} processed images)"


def snapshot(work: Path) -> Snapshot:
    found: Snapshot = {}
    for folder in KEPT:
        for path in sorted((work / folder).rglob("*")):
            if path.is_file() and not path.is_symlink():
                stat = path.stat()
                found[path.relative_to(work).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return found


def pack_cache(work: Path, version: str, archive: Path) -> Path:
    """The cache folders and the marker as one tar.gz (modification times kept: `maxAge` reads them)."""
    marker = work / MARKER
    marker.write_text(json.dumps({"hugo": version}), encoding="utf-8")
    with write_tar_gz(archive) as tar:  # processed images are stored, not deflated again
        tar.add_file(marker, MARKER)
        for name in snapshot(work):
            tar.add_file(work / name, name)
    marker.unlink()
    return archive


def unpack_cache(archive: Path, work: Path, version: str) -> int:
    """Check every member of a kept cache, then unpack it into `work`; its unpacked bytes.
    CacheRefused (nothing unpacked) when it is unreadable, hostile, too big or another Hugo's."""
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            total = 0
            for member in tar:  # one at a time: a bomb is refused at its first oversized member
                total = _check_member(member, total)
            _check_marker(tar, version)
            files = [member for member in tar.getmembers() if member.name != MARKER]
            tar.extractall(work, members=files, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise CacheRefused(f"it cannot be read ({type(exc).__name__}: {exc})") from exc
    return total


def _check_member(member: tarfile.TarInfo, total: int) -> int:
    """The bytes unpacked so far with `member`; CacheRefused when it is no cache file."""
    if not (member.isfile() or member.isdir()):
        raise CacheRefused(f"{member.name!r} is not a file or a folder")
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts or "\\" in member.name:
        raise CacheRefused(f"{member.name!r} is outside the cache")
    if member.name == MARKER:
        return total
    if not any(path.is_relative_to(kept) for kept in KEPT):
        raise CacheRefused(f"{member.name!r} is not in Hugo's cache folders")
    if total + member.size > MAX_BYTES:
        raise CacheRefused(f"it unpacks to more than {megabytes(MAX_BYTES)}")
    return total + member.size


def _check_marker(tar: tarfile.TarFile, version: str) -> None:
    try:
        member = tar.getmember(MARKER)
    except KeyError:
        raise CacheRefused(f"it has no {MARKER}") from None
    body = tar.extractfile(member)
    try:
        made_by = json.loads(body.read(4096) if body else b"").get("hugo")
    except (ValueError, AttributeError):
        raise CacheRefused(f"its {MARKER} is not JSON with a Hugo version") from None
    if made_by != version:
        raise CacheRefused(f"Hugo {str(made_by)[:40]} wrote it, this build has Hugo {version}")


def _fetch(url: str, into: Path) -> None:
    """GET the archive, stopping past `MAX_BYTES` (a presigned URL; `file://` from a child process)."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response, into.open("wb") as out:
            size = 0
            while chunk := response.read(_CHUNK):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise CacheRefused(f"it is over {megabytes(MAX_BYTES)}")
                out.write(chunk)
    except (OSError, urllib.error.URLError) as exc:
        raise CacheRefused(f"it could not be fetched ({exc})") from exc


def _empty(work: Path) -> None:
    """Leave the cache folders empty: nothing of a refused archive stays behind."""
    for folder in FOLDERS:
        shutil.rmtree(work / folder, ignore_errors=True)
        (work / folder).mkdir(parents=True)
