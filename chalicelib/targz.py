"""Tar.gz files that deflate what compresses and store what is compressed already.

Every tree the pipeline moves (a run's source, the build runner's output, a stored stage tree, a
site's kept Hugo cache) is mostly images by bytes, and deflating a PNG or a JPEG again gains nothing:
on the 2,000-page scale site (62 MB of PNGs, 4 MB of text) it was 1.25 of the 1.3 s that packing its
source took, and every tree of the push road was packed so once or twice. Here an archive is still one
ordinary gzip stream (tarfile's `r:gz` and `r|gz`, `gzip -d`, any reader), but its deflate blocks
switch between level 1 (text) and stored blocks (level 0: a copy) at member boundaries. A switch ends
the blocks so far with a sync flush, which byte-aligns them without ending the stream, and a fresh
compressor carries on: its blocks refer to nothing before them, so the reader sees one valid deflate
stream (how pigz joins its chunks).

Never: end the deflate stream before `close`, or let the CRC and length cover anything but the bytes
written.
"""

from __future__ import annotations

import posixpath
import struct
import tarfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from _typeshed import SupportsRead

#: What the pipeline deflated its archives with before (fast; text still shrinks about 4x).
TEXT_LEVEL = 1
STORED_LEVEL = 0
#: Files whose format is compressed already (images, media, archives, fonts, Pagefind's index and
#: WebAssembly, which Pagefind gzips): their bytes are stored as they are.
COMPRESSED = frozenset(
    {
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".heic", ".heif", ".jxl",
        ".mp4", ".m4v", ".webm", ".mov", ".mp3", ".m4a", ".ogg", ".oga", ".opus", ".flac",
        ".zip", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".br", ".7z", ".rar",
        ".woff", ".woff2",
        ".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter", ".pagefind",
    }
)  # fmt: skip
_GZIP_HEADER = struct.pack("<BBBBIBB", 0x1F, 0x8B, 8, 0, 0, 0, 255)  # deflate, no name, mtime 0, OS unknown


def level_for(name: str) -> int:
    """The deflate level for an archive member named `name`."""
    extension = posixpath.splitext(name)[1].lower()
    return STORED_LEVEL if extension in COMPRESSED else TEXT_LEVEL


class _Deflate:
    """A write-only gzip stream whose deflate level can change between writes (tarfile's fileobj)."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._level = TEXT_LEVEL
        self._compressor = zlib.compressobj(TEXT_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        self._crc = 0
        self._size = 0
        raw.write(_GZIP_HEADER)

    def use_level(self, level: int) -> None:
        if level != self._level:
            self._raw.write(self._compressor.flush(zlib.Z_SYNC_FLUSH))
            self._compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
            self._level = level

    def write(self, data: bytes) -> int:
        self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)
        self._raw.write(self._compressor.compress(data))
        return len(data)

    def tell(self) -> int:
        return self._size  # tarfile's offset: the uncompressed bytes so far

    def finish(self) -> None:
        self._raw.write(self._compressor.flush(zlib.Z_FINISH))
        self._raw.write(struct.pack("<II", self._crc, self._size & 0xFFFFFFFF))


class TarGzWriter:
    """Members into a tar.gz, each deflated or stored by `level_for` its name."""

    def __init__(self, tar: tarfile.TarFile, deflate: _Deflate) -> None:
        self._tar = tar
        self._deflate = deflate

    def add_file(self, path: Path, arcname: str) -> None:
        """The file (not a folder's contents) at `path`, as `arcname`, with its mode and time."""
        info = self._tar.gettarinfo(path, arcname)
        if info.isreg():
            with open(path, "rb") as body:
                self.add(info, body)
        else:
            self.add(info)

    def add(self, info: tarfile.TarInfo, body: SupportsRead[bytes] | None = None) -> None:
        """A member described by `info`, its `info.size` bytes read from `body`. Its time is kept to
        the whole second, as tar's own field holds it: a fraction of a second cost every member a
        second (pax) header, written here and parsed by every reader (4,673 of them per stored tree)."""
        info.mtime = int(info.mtime)
        self._deflate.use_level(level_for(info.name))
        self._tar.addfile(info, body)


@contextmanager
def write_tar_gz(archive: Path) -> Iterator[TarGzWriter]:
    """A TarGzWriter writing the file `archive`; it is complete once the block ends without error."""
    with open(archive, "wb") as raw:
        deflate = _Deflate(raw)
        with tarfile.open(fileobj=deflate, mode="w") as tar:  # type: ignore[call-overload]
            yield TarGzWriter(tar, deflate)
        deflate.finish()
