"""The uploads archive's caps (entries, bytes expanded, compression ratio: zip bombs), .zip and .tar.gz."""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from chalicelib.errors import ConversionError, InputError
from chalicelib.wordpress.media import UPLOADS_LIMITS, ArchiveLimits, UploadsArchive

MB = 1024 * 1024


def make_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return path


def make_tar(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz", compresslevel=9) as archive:
        for name, body in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
    return path


MAKERS: dict[str, Callable[[Path, dict[str, bytes]], Path]] = {
    "uploads.zip": make_zip,
    "uploads.tar.gz": make_tar,
}


@pytest.fixture(params=sorted(MAKERS))
def make(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[dict[str, bytes]], Path]:
    def made(files: dict[str, bytes]) -> Path:
        return MAKERS[request.param](tmp_path / request.param, files)

    return made


def test_the_defaults_are_5_gb_100_000_entries_and_100_to_1() -> None:
    limits = UPLOADS_LIMITS

    assert (limits.max_bytes, limits.max_members, limits.max_ratio) == (5_000_000_000, 100_000, 100)


def test_a_zip_bomb_is_refused_by_its_compression_ratio(make: Callable[[dict[str, bytes]], Path]) -> None:
    # 32 MB of zeros packs into a few tens of kB: a thousand times its size, where media barely compress.
    bomb = make({"wp-content/uploads/2025/03/a.png": bytes(32 * MB)})

    with pytest.raises(ConversionError) as refused:
        UploadsArchive(bomb)

    message = str(refused.value)
    assert bomb.stat().st_size < 256 * 1024
    assert message.startswith(f"{bomb.name}: the uploads archive was refused")
    assert "more than 100 times its size" in message and "compression ratio" in message
    assert isinstance(refused.value, InputError)


def test_an_archive_with_too_many_entries_is_refused(make: Callable[[dict[str, bytes]], Path]) -> None:
    crowded = make({f"2025/03/{n}.png": b"png" for n in range(11)})

    with pytest.raises(
        ConversionError, match=r"more than 10 entries, the cap on an uploads archive's entries"
    ):
        UploadsArchive(crowded, ArchiveLimits(max_members=10))
    assert UploadsArchive(crowded, ArchiveLimits(max_members=11)).files == {
        f"2025/03/{n}.png" for n in range(11)
    }


def test_an_archive_that_expands_past_the_total_is_refused(make: Callable[[dict[str, bytes]], Path]) -> None:
    big = make({f"2025/03/{n}.jpg": bytes(range(256)) * 1024 for n in range(3)})  # 3 x 256 kB

    with pytest.raises(
        ConversionError, match=r"expands to more than 500\.0 kB, the cap on .* uncompressed size"
    ):
        UploadsArchive(big, ArchiveLimits(max_bytes=500_000))
    assert len(UploadsArchive(big, ArchiveLimits(max_bytes=768 * 1024)).files) == 3


def test_skipped_entries_count_toward_the_caps(make: Callable[[dict[str, bytes]], Path]) -> None:
    # Scripts are never copied, but a million of them would still be read: they count.
    noisy = make({"2025/03/a.png": b"png", **{f"plugins/{n}.php": b"<?php" for n in range(5)}})

    with pytest.raises(ConversionError, match="entries"):
        UploadsArchive(noisy, ArchiveLimits(max_members=5))


def test_a_small_archive_of_text_is_not_judged_by_its_ratio(make: Callable[[dict[str, bytes]], Path]) -> None:
    text = make({"2025/03/notes.txt": b"a" * 512 * 1024})  # compresses well past 100:1, but is small

    assert UploadsArchive(text).files == {"2025/03/notes.txt"}


def test_a_media_library_within_the_caps_is_read(
    make: Callable[[dict[str, bytes]], Path], tmp_path: Path
) -> None:
    library = make(
        {f"wp-content/uploads/2025/{n:02d}/photo.jpg": bytes(range(256)) * 64 for n in range(1, 13)}
    )

    archive = UploadsArchive(library)
    archive.copy("2025/07/photo.jpg", tmp_path / "out.jpg")
    archive.close()

    assert len(archive.files) == 12
    assert (tmp_path / "out.jpg").read_bytes() == bytes(range(256)) * 64
