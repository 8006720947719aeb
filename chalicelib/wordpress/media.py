"""The uploads archive (a .zip or .tar.gz of wp-content/uploads) as a read-only source of media files.

Only media are taken: files whose type a static site serves as content (images, audio, video,
documents, fonts). Scripts and PHP that attackers drop into uploads folders are never copied.
Entry names are checked so that nothing can land outside the uploads folder.

The archive is refused before anything is copied out of it when it is past one of its caps
(`ArchiveLimits`, like the GitHub source tarball's): its entries, the bytes they expand to, and how
many times its own size that is (a zip bomb: 597 kB that writes 600 MB). The declared sizes are what
the copies write, never more: zipfile stops a member at its declared size (and checks its CRC), and a
tar member's data is exactly its size.

This module must never extract an archive wholesale or follow links inside it; fetching from the old
host is `fetchmedia.py`'s, and happens only when asked.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import stat
import tarfile
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from chalicelib.errors import ConversionError
from chalicelib.units import human_size

IMAGE_SUFFIXES = {
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".webp",
    ".avif",
    ".svg",
    ".ico",
    ".bmp",
    ".tif",
    ".tiff",
    ".heic",
}
AUDIO_SUFFIXES = {".mp3", ".m4a", ".ogg", ".oga", ".wav", ".flac", ".aac", ".wma"}
VIDEO_SUFFIXES = {".mp4", ".m4v", ".mov", ".webm", ".ogv", ".avi", ".wmv", ".flv", ".mkv", ".3gp"}
DOCUMENT_SUFFIXES = {
    ".pdf",
    ".txt",
    ".csv",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".odt",
    ".ods",
    ".odp",
    ".rtf",
    ".epub",
    ".zip",
    ".key",
    ".pages",
    ".numbers",
    ".vtt",
    ".srt",
    ".json",
}
FONT_SUFFIXES = {".woff", ".woff2", ".ttf", ".otf"}
MEDIA_SUFFIXES = frozenset(
    IMAGE_SUFFIXES | AUDIO_SUFFIXES | VIDEO_SUFFIXES | DOCUMENT_SUFFIXES | FONT_SUFFIXES
)
UPLOAD_ROOTS = ("wp-content/uploads/", "uploads/", "wp-content/blogs.dir/", "blogs.dir/")
# A multisite subsite's own folder below the uploads root, as its URLs name it (links.uploads_relative).
SUBSITE_FOLDER = re.compile(r"^(?:sites/\d+/|\d+/files/)(?=.)")


@dataclass(frozen=True)
class ArchiveLimits:
    """Caps on an uploads archive, checked as its entries are read.

    The defaults hold a large WordPress site's media (tens of thousands of images, a few GB) within
    Lambda's largest /tmp (10 GB) beside the export and the site. Media barely compress (JPEG, PNG,
    MP4 are compressed already), so an archive expanding past `max_ratio` times its size is not a
    media library; below `ratio_floor_bytes` expanded, the ratio is not judged, so a small archive of
    text documents never trips it.
    """

    max_bytes: int = 5_000_000_000  # decimal, as messages print sizes (human_size): "5.0 GB"
    max_members: int = 100_000
    max_ratio: int = 100
    ratio_floor_bytes: int = 16_000_000


UPLOADS_LIMITS = ArchiveLimits()


def uploads_key(name: str) -> str | None:
    """The uploads-relative path of an archive entry ("2025/03/x.png"), or None if it must be skipped."""
    name = name.replace("\\", "/")
    if name.startswith("/") or ":" in name.split("/", 1)[0]:
        return None
    norm = posixpath.normpath(name)
    if norm.startswith("..") or norm == ".":
        return None
    for root in UPLOAD_ROOTS:
        index = (norm + "/").find(root)
        if index >= 0:
            norm = (norm + "/")[index + len(root) :].rstrip("/")
            break
    norm = SUBSITE_FOLDER.sub("", norm, count=1)
    parts = norm.split("/")
    if not norm or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        return None
    if posixpath.splitext(norm)[1].lower() not in MEDIA_SUFFIXES:
        return None
    return norm


class UploadsArchive:
    """A read-only view of an uploads archive: which media it holds, and copying one out."""

    def __init__(self, path: Path, limits: ArchiveLimits = UPLOADS_LIMITS) -> None:
        self.path = path
        self.limits = limits
        self.skipped: list[str] = []
        self._entries: dict[str, str] = {}
        self._zip: zipfile.ZipFile | None = None
        self._tar: tarfile.TarFile | None = None
        self._members = 0
        self._expanded = 0
        try:
            self._size = path.stat().st_size
            if zipfile.is_zipfile(path):
                self._zip = zipfile.ZipFile(path)
                for info in self._zip.infolist():
                    self._count(info.file_size)
                    if stat.S_ISLNK(info.external_attr >> 16):
                        self.skipped.append(info.filename)  # a Unix zip's link: its "content" is a path
                    elif not info.is_dir():
                        self._add(info.filename)
            elif tarfile.is_tarfile(path):
                self._tar = tarfile.open(path, "r:*")  # noqa: SIM115 - kept open for copy(), closed by close()
                # Member by member, so a bomb is refused at its first cap, not after decompressing it whole.
                for member in self._tar:
                    self._count(member.size if member.isfile() else 0)
                    if member.isfile():
                        self._add(member.name)
                    elif not member.isdir():  # a link, device or pipe is never copied: said, not hidden
                        self.skipped.append(member.name)
            else:
                raise ConversionError("the uploads archive is neither a .zip nor a .tar.gz", source=path.name)
        except ConversionError:
            self.close()
            raise
        except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError) as error:
            self.close()
            raise ConversionError(f"the uploads archive cannot be read ({error})", source=path.name) from None

    def _count(self, size: int) -> None:
        """One more entry of `size` bytes expanded: refuse the archive as soon as it passes a cap."""
        self._members += 1
        self._expanded += size
        limits = self.limits
        if self._members > limits.max_members:
            self._refuse(
                f"it has more than {limits.max_members:,} entries, the cap on an uploads archive's entries"
            )
        if self._expanded > limits.max_bytes:
            self._refuse(
                f"it expands to more than {human_size(limits.max_bytes)}, the cap on an uploads archive's "
                "uncompressed size"
            )
        if self._expanded > limits.ratio_floor_bytes and self._expanded > limits.max_ratio * self._size:
            self._refuse(
                f"it expands to more than {limits.max_ratio} times its size ({human_size(self._expanded)} "
                f"so far from {human_size(self._size)}), the cap on an uploads archive's compression "
                "ratio; media barely compress, so this is not a media library (a zip bomb?)"
            )

    def _refuse(self, why: str) -> None:
        raise ConversionError(
            f"the uploads archive was refused: {why}. Nothing was taken from it; an uploads archive "
            "holds the site's wp-content/uploads (its media) and nothing else",
            source=self.path.name,
        )

    def _add(self, name: str) -> None:
        key = uploads_key(name)
        if key is None:
            self.skipped.append(name)
        else:
            self._entries.setdefault(key, name)

    @property
    def files(self) -> set[str]:
        return set(self._entries)

    def copy(self, key: str, dest: Path) -> None:
        name = self._entries[key]
        dest.parent.mkdir(parents=True, exist_ok=True)
        with self._open(name) as src, dest.open("wb") as out:
            shutil.copyfileobj(src, out)

    @contextmanager
    def _open(self, name: str) -> Iterator[IO[bytes]]:
        if self._zip is not None:
            with self._zip.open(name) as handle:
                yield handle
        else:
            assert self._tar is not None
            member = self._tar.extractfile(name)
            if member is None:
                raise ConversionError(f"{name} is not a regular file", source=self.path.name)
            with member:
                yield member

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
        if self._tar is not None:
            self._tar.close()


def fetch(url: str, dest: Path, *, timeout: float, max_bytes: int) -> bool:
    """Downloads one media file from the old host; False when it is unreachable or too large."""
    if not url.startswith(("http://", "https://")):
        return False
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = response.read(max_bytes + 1)
    except (OSError, ValueError):
        return False
    if len(data) > max_bytes:
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    return True
