"""The uploads archive (a .zip or .tar.gz of wp-content/uploads) as a read-only source of media files.

Only media are taken: files whose type a static site serves as content (images, audio, video,
documents, fonts). Scripts and PHP that attackers drop into uploads folders are never copied.
Entry names are checked so that nothing can land outside the uploads folder.

This module must never extract an archive wholesale or follow links inside it; fetching from the old
host happens only when asked, with a bounded timeout and size.
"""

from __future__ import annotations

import posixpath
import shutil
import tarfile
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from chalicelib.errors import ConversionError

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
UPLOAD_ROOTS = ("wp-content/uploads/", "uploads/")


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
    parts = norm.split("/")
    if not norm or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        return None
    if posixpath.splitext(norm)[1].lower() not in MEDIA_SUFFIXES:
        return None
    return norm


class UploadsArchive:
    """A read-only view of an uploads archive: which media it holds, and copying one out."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.skipped: list[str] = []
        self._entries: dict[str, str] = {}
        self._zip: zipfile.ZipFile | None = None
        self._tar: tarfile.TarFile | None = None
        try:
            if zipfile.is_zipfile(path):
                self._zip = zipfile.ZipFile(path)
                for info in self._zip.infolist():
                    if not info.is_dir():
                        self._add(info.filename)
            elif tarfile.is_tarfile(path):
                self._tar = tarfile.open(path, "r:*")  # noqa: SIM115 - kept open for copy(), closed by close()
                for member in self._tar.getmembers():
                    if member.isfile():
                        self._add(member.name)
            else:
                raise ConversionError("the uploads archive is neither a .zip nor a .tar.gz", source=path.name)
        except (OSError, zipfile.BadZipFile, tarfile.TarError) as error:
            raise ConversionError(f"the uploads archive cannot be read ({error})", source=path.name) from None

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
