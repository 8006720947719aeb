"""The files of a built tree, read by path: from a folder, or straight from the stored tree's archive.

A deploy used to unpack the whole tree (thousands of files and folders created, then removed) only to
upload what its plan names, often a handful. `ArchiveFiles` decompresses the stored tar.gz into one
plain tar file and reads each member at its offset: nothing else is written, and a one-post edit reads
one post. Reads are thread-safe (`os.pread`), for the upload pool.
"""

from __future__ import annotations

import gzip
import os
import shutil
import stat
import tarfile
from pathlib import Path
from typing import Protocol

from chalicelib.errors import InputError


class TreeFiles(Protocol):
    """What publishing reads of a tree."""

    def read_bytes(self, path: str) -> bytes | None:
        """The file at `path` (relative, forward slashes), or None when the tree has no such file."""
        ...

    def size(self, path: str) -> int | None: ...

    def where(self, path: str) -> str:
        """How a message names the file."""
        ...


class FolderFiles:
    """A tree unpacked in a folder (a local build, `presslift publish` of a folder)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._root = str(root)

    def _regular(self, path: str) -> os.stat_result | None:
        """The status of the regular file (not a link to one) at `path`, in one system call: a publish
        asks for thousands, before its first upload."""
        try:
            status = os.lstat(os.path.join(self._root, path))
        except (OSError, ValueError):
            return None
        return status if stat.S_ISREG(status.st_mode) else None

    def read_bytes(self, path: str) -> bytes | None:
        if self._regular(path) is None:
            return None
        with open(os.path.join(self._root, path), "rb") as file:
            return file.read()

    def size(self, path: str) -> int | None:
        status = self._regular(path)
        return status.st_size if status is not None else None

    def where(self, path: str) -> str:
        return str(self.root / path)


class ArchiveFiles:
    """A stored tree's archive, read in place. Use as a context manager: closing removes its file."""

    def __init__(self, archive: Path, scratch: Path) -> None:
        """Decompress `archive` (a tar.gz of the tree) into `scratch` and index its regular files."""
        self._plain = scratch
        try:
            with gzip.open(archive, "rb") as packed, scratch.open("wb") as plain:
                shutil.copyfileobj(packed, plain, 1 << 20)
            self._members: dict[str, tuple[int, int]] = {}
            with tarfile.open(scratch, mode="r:") as tar:
                for member in tar:
                    if member.isreg():
                        self._members[member.name] = (member.offset_data, member.size)
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise InputError(f"artifact archive cannot be read: {exc}") from exc
        self._fd = os.open(scratch, os.O_RDONLY)
        self._name = archive.name

    def __enter__(self) -> ArchiveFiles:
        return self

    def __exit__(self, *_: object) -> None:
        os.close(self._fd)
        self._plain.unlink(missing_ok=True)

    def read_bytes(self, path: str) -> bytes | None:
        found = self._members.get(path)
        if found is None:
            return None
        offset, size = found
        data = os.pread(self._fd, size, offset)
        if len(data) != size:
            raise InputError(f"artifact archive {self._name} ends inside {path}")
        return data

    def size(self, path: str) -> int | None:
        found = self._members.get(path)
        return found[1] if found is not None else None

    def where(self, path: str) -> str:
        return f"{path} (in {self._name})"


def files_of(tree: Path | TreeFiles) -> TreeFiles:
    """`tree` as files to read: a folder is read as one."""
    return FolderFiles(tree) if isinstance(tree, Path) else tree
