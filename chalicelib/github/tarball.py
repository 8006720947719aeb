"""A repository at one commit, from GitHub's tarball API, extracted safely into a folder.

GitHub's archive has one top-level folder (`owner-repo-sha7/`) that we strip. The archive is read as
a stream (nothing is buffered whole) and every member is checked before it touches the disk: no
absolute paths, no `..`, no hard links, devices or FIFOs, and caps on the number of entries and the
bytes written (an import's uploads archive has caps of the same kind: wordpress/media.py). Symbolic
links are made last, after every regular file, each one checked against the real (resolved) paths on
disk, so no file is ever written through a link and no link may resolve outside the source. On any
refusal the destination is removed, so a half-extracted tree never builds; a full /tmp is an input
error too (DiskFullError), so the stage fails at once instead of retrying into the same wall.

Never: follow a link while writing, trust a member's declared size, or leave a partial tree behind.
"""

from __future__ import annotations

import os
import re
import shutil
import tarfile
import time
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from chalicelib.errors import DiskFullError, InputError, is_disk_full
from chalicelib.github.api import GitHubUnavailable, api_base, check_repo, headers, open_url

# A repository's files, extracted: a 50,000-page site with its theme and a few thousand images fits
# four times over in files, and the build function's 10 GB of /tmp holds it with its stored archive
# and the runner's output beside it.
MAX_SOURCE_BYTES = 2 * 1024 * 1024 * 1024
MAX_SOURCE_FILES = 200_000
_CHUNK = 1024 * 1024
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$")


#: A Git LFS pointer file, as git-lfs writes it in place of the file (spec v1): its object id and size.
_LFS_POINTER = re.compile(
    rb"\Aversion https://git-lfs\.github\.com/spec/v1\n(?:ext-[^\n]*\n)*"
    rb"oid sha256:([0-9a-f]{64})\nsize ([0-9]{1,15})\n\Z"
)
_LFS_POINTER_MAX = 1024


@dataclass(frozen=True)
class LfsPointer:
    """A file the archive holds as a Git LFS pointer: its path in the source, and the object it names."""

    path: str
    oid: str
    size: int


@dataclass(frozen=True)
class Source:
    """What `extract_tarball` wrote: the tree's root and what it holds."""

    root: Path
    top_folder: str
    files: int
    bytes: int
    symlinks: int
    commit: str | None  # the commit id git-archive records in the pax header, when present
    #: Files that are Git LFS pointers, not their content (GitHub's archives leave LFS objects out
    #: unless the repository's settings include them).
    lfs: tuple[LfsPointer, ...] = ()


def download_tarball(
    api: str | None,
    repo: str,
    sha: str,
    dest: Path,
    *,
    token: str | None = None,
    max_bytes: int = MAX_SOURCE_BYTES,
    max_files: int = MAX_SOURCE_FILES,
    timeout: float = 60.0,
) -> Source:
    """Fetch `GET /repos/{repo}/tarball/{sha}` (following its redirect) and extract it into `dest`.

    `api` None means `PRESSLIFT_GITHUB_API` or api.github.com. `timeout` bounds the whole download.
    """
    check_repo(repo)
    if not _REF.match(sha) or ".." in sha:
        raise InputError(f"commit must be a SHA or a ref name, not {sha!r}")
    url = f"{(api or api_base()).rstrip('/')}/repos/{repo}/tarball/{sha}"
    # A commit by its first 12 hex digits; a ref (a module's tag, modules/wowchemy/v5.7.1) whole.
    what = f"tarball of {repo} at {sha[:12] if re.fullmatch(r'[0-9a-f]{40}', sha) else sha}"
    request = urllib.request.Request(url, headers=headers(token), method="GET")
    deadline = time.monotonic() + timeout
    with open_url(request, timeout=timeout, what=what) as response:
        stream = _CappedStream(response, limit=max_bytes, deadline=deadline, what=what)
        return extract_tarball(stream, dest, max_bytes=max_bytes, max_files=max_files, name=what)


def extract_tarball(
    fileobj: IO[bytes] | Any,
    dest: Path,
    *,
    max_bytes: int = MAX_SOURCE_BYTES,
    max_files: int = MAX_SOURCE_FILES,
    allow_symlinks: bool = True,
    name: str = "the archive",
) -> Source:
    """Extract a gzip tarball with one top folder into `dest` (which must be missing or empty)."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise InputError(f"cannot extract {name} into {dest}: it exists and is not an empty folder")
    dest.mkdir(parents=True, exist_ok=True)
    try:
        return _Extraction(dest, max_bytes, max_files, allow_symlinks, name).run(fileobj)
    except BaseException as exc:
        _empty(dest)
        if is_disk_full(exc):
            # The same source fills the same disk again: an input error, not a fault to retry.
            megabytes = shutil.disk_usage(dest).total // 2**20
            raise DiskFullError(
                f"{name} needs more than the function's /tmp (ephemeral storage, {megabytes:,} MB); "
                "nothing was extracted"
            ) from exc
        raise


def _empty(folder: Path) -> None:
    """Remove what we wrote, but keep the folder: the caller may own it (a TemporaryDirectory)."""
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


class _Extraction:
    def __init__(self, dest: Path, max_bytes: int, max_files: int, allow_symlinks: bool, name: str) -> None:
        self.dest = dest
        self.real_dest = os.path.realpath(dest)
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.allow_symlinks = allow_symlinks
        self.name = name
        self.top: str | None = None
        self.entries = 0
        self.files = 0
        self.bytes = 0
        self.links: list[tuple[PurePosixPath, str]] = []
        self.lfs: list[LfsPointer] = []
        self.folders: set[PurePosixPath] = {PurePosixPath(".")}

    def refuse(self, member: str, why: str) -> InputError:
        return InputError(f"{self.name}: {member!r} {why}; nothing was extracted")

    def run(self, fileobj: Any) -> Source:
        try:
            with tarfile.open(fileobj=fileobj, mode="r|gz") as tar:
                for member in tar:
                    self.member(tar, member)
                commit = tar.pax_headers.get("comment")
        except (TimeoutError, ConnectionError) as exc:
            raise GitHubUnavailable(f"reading the {self.name} failed: {exc}") from exc
        except (tarfile.TarError, EOFError, zlib.error) as exc:
            raise InputError(f"{self.name} is not a readable gzip tarball: {exc}") from exc
        if self.top is None:
            raise InputError(f"{self.name} is empty")
        for path, target in self.links:
            self.symlink(path, target)
        # A later link can change where an earlier one resolves, so look at all of them once they exist.
        for path, target in self.links:
            if not _inside(os.path.realpath(self.dest.joinpath(*path.parts)), self.real_dest):
                raise self.refuse(
                    str(path), f"is a symbolic link that resolves outside the source ({target!r})"
                )
        return Source(self.dest, self.top, self.files, self.bytes, len(self.links), commit, tuple(self.lfs))

    def member(self, tar: tarfile.TarFile, member: tarfile.TarInfo) -> None:
        relative = self.relative(member.name)
        self.entries += 1
        if self.entries > self.max_files:
            raise self.refuse(member.name, f"is past the limit of {self.max_files} entries")
        if relative is None:
            return
        if member.isdir():
            self.folder(relative, member.name)
        elif member.isfile():
            self.file(tar, member, relative)
        elif member.issym():
            if not self.allow_symlinks:
                raise self.refuse(member.name, "is a symbolic link, and links are not allowed here")
            if member.linkname.startswith("/") or not member.linkname:
                raise self.refuse(
                    member.name, f"is a symbolic link to an absolute path ({member.linkname!r})"
                )
            self.links.append((relative, member.linkname))
        elif member.islnk():
            raise self.refuse(member.name, "is a hard link, which a source tree never needs")
        else:
            raise self.refuse(member.name, "is a device, FIFO or other special file")

    def relative(self, name: str) -> PurePosixPath | None:
        """The member's path below the top folder; None for the top folder itself."""
        if name.startswith("/") or name.startswith("\\"):
            raise self.refuse(name, "has an absolute path")
        parts = [p for p in name.split("/") if p not in ("", ".")]
        if ".." in parts:
            raise self.refuse(name, "climbs out with '..'")
        if not parts:
            raise self.refuse(name, "has an empty path")
        if self.top is None:
            self.top = parts[0]
        elif parts[0] != self.top:
            raise self.refuse(name, f"is outside the archive's single top folder {self.top!r}")
        if len(parts) == 1:
            return None
        return PurePosixPath(*parts[1:])

    def folder(self, folder: PurePosixPath, member: str) -> None:
        if folder in self.folders:
            return  # made already: one syscall less per file, which is most of the time on big trees
        path = self.dest.joinpath(*folder.parts)
        # Links are made only after every file, so a real path differing from the plain one means
        # something on disk was not made by us; refuse rather than write through it.
        if os.path.realpath(path) != os.path.join(self.real_dest, *folder.parts):
            raise self.refuse(member, "would be written through a link")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as exc:
            raise self.refuse(member, "is below a file, or is a folder where the archive put a file") from exc
        self.folders.update((folder, *folder.parents))

    def file(self, tar: tarfile.TarFile, member: tarfile.TarInfo, relative: PurePosixPath) -> None:
        if self.bytes + member.size > self.max_bytes:
            raise self.refuse(member.name, f"takes the source past the limit of {self.max_bytes} bytes")
        self.folder(relative.parent, member.name)
        path = self.dest.joinpath(*relative.parts)
        try:
            out = open(path, "xb")  # noqa: SIM115 - closed below; "x" refuses a second member of the same name
        except (FileExistsError, IsADirectoryError) as exc:
            raise self.refuse(member.name, "appears twice") from exc
        with out:
            source = tar.extractfile(member)
            assert source is not None  # a regular file always has a body
            if member.size <= _LFS_POINTER_MAX:
                self.note_lfs_pointer(relative, source.read(_LFS_POINTER_MAX + 1), out)
            while chunk := source.read(_CHUNK):
                self.bytes += len(chunk)
                if self.bytes > self.max_bytes:
                    raise self.refuse(
                        member.name, f"takes the source past the limit of {self.max_bytes} bytes"
                    )
                out.write(chunk)
        os.chmod(path, 0o755 if member.mode & 0o111 else 0o644)
        self.files += 1

    def note_lfs_pointer(self, relative: PurePosixPath, data: bytes, out: IO[bytes]) -> None:
        """Write a small file's bytes, noting it when it is a Git LFS pointer."""
        self.bytes += len(data)
        if self.bytes > self.max_bytes:
            raise self.refuse(str(relative), f"takes the source past the limit of {self.max_bytes} bytes")
        out.write(data)
        pointer = _LFS_POINTER.match(data)
        if pointer:
            self.lfs.append(LfsPointer(relative.as_posix(), pointer.group(1).decode(), int(pointer.group(2))))

    def symlink(self, relative: PurePosixPath, target: str) -> None:
        member = str(relative)
        path = self.dest.joinpath(*relative.parts)
        parent = os.path.realpath(path.parent)
        if not _inside(parent, self.real_dest):
            raise self.refuse(member, "is below a link that points outside the source")
        if not _inside(os.path.realpath(os.path.join(parent, target)), self.real_dest):
            raise self.refuse(member, f"is a symbolic link that points outside the source ({target!r})")
        try:
            os.makedirs(parent, exist_ok=True)
            os.symlink(target, os.path.join(parent, relative.name))
        except FileExistsError as exc:
            raise self.refuse(member, "is a link where the archive already put a file") from exc


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class _CappedStream:
    """The HTTP body, refused past `limit` bytes or after the deadline (urllib's timeout is per read)."""

    def __init__(self, response: Any, *, limit: int, deadline: float, what: str) -> None:
        self._response = response
        self._limit = limit
        self._deadline = deadline
        self._what = what
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        if time.monotonic() > self._deadline:
            raise GitHubUnavailable(f"downloading the {self._what} took too long")
        chunk: bytes = self._response.read(size if size and size > 0 else _CHUNK)
        self.read_bytes += len(chunk)
        if self.read_bytes > self._limit:
            raise InputError(f"the {self._what} is over the limit of {self._limit} bytes")
        return chunk
