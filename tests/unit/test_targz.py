"""Tar.gz files whose compressed members are stored: any gzip and tar reader gets every byte back."""

from __future__ import annotations

import gzip
import io
import os
import subprocess
import tarfile
from pathlib import Path
from typing import Literal

import pytest

from chalicelib.targz import STORED_LEVEL, TEXT_LEVEL, level_for, write_tar_gz

TEXT = b"<html><body>" + b"<p>the same words again and again</p>" * 4000 + b"</body></html>"
NOISE = os.urandom(300_000)  # like a PNG's or a JPEG's bytes: nothing left to deflate


def members() -> dict[str, bytes]:
    return {
        "index.html": TEXT,
        "images/photo.png": NOISE,
        "posts/a/index.html": TEXT[:1000],
        "images/PHOTO.JPG": NOISE[:70_001],
        "pagefind/fragment/en_1.pf_fragment": NOISE[:513],
        "empty.txt": b"",
        "css/site.css": b"body { margin: 0 }\n" * 300,
    }


def write(path: Path, files: dict[str, bytes]) -> Path:
    with write_tar_gz(path) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            tar.add(info, io.BytesIO(data))
    return path


ReadMode = Literal["r:gz", "r|gz", "r:*"]


def read(path: Path, mode: ReadMode) -> dict[str, bytes]:
    found = {}
    with tarfile.open(path, mode=mode) as tar:
        for member in tar:
            body = tar.extractfile(member)
            assert body is not None
            found[member.name] = body.read()
    return found


@pytest.mark.parametrize("mode", ["r:gz", "r|gz", "r:*"])
def test_every_member_reads_back_whole_and_in_order(tmp_path: Path, mode: ReadMode) -> None:
    files = members()
    archive = write(tmp_path / "tree.tar.gz", files)
    got = read(archive, mode)
    assert list(got) == list(files)
    assert got == files


def test_the_gzip_and_tar_tools_read_it_and_its_crc_holds(tmp_path: Path) -> None:
    archive = write(tmp_path / "tree.tar.gz", members())
    subprocess.run(["gzip", "--test", str(archive)], check=True)
    listed = subprocess.run(["tar", "-tzf", str(archive)], check=True, capture_output=True, text=True)
    assert listed.stdout.split() == list(members())
    # gzip's own reader checks the trailer: the CRC and length cover the whole tar, padded to records.
    assert len(gzip.decompress(archive.read_bytes())) % tarfile.RECORDSIZE == 0


def test_text_is_deflated_and_compressed_files_are_stored(tmp_path: Path) -> None:
    text_only = write(tmp_path / "text.tar.gz", {"index.html": TEXT}).stat().st_size
    assert text_only < len(TEXT) / 20  # deflated
    noise_only = write(tmp_path / "noise.tar.gz", {"photo.png": NOISE}).stat().st_size
    # Stored blocks cost 5 bytes per 64 KB; deflating noise costs more than that and gains nothing.
    assert len(NOISE) < noise_only < len(NOISE) + 512 + 10240 + 100


def test_files_from_disk_keep_their_mode_and_time(tmp_path: Path) -> None:
    script = tmp_path / "run.sh"
    script.write_bytes(b"#!/bin/sh\n")
    script.chmod(0o755)
    os.utime(script, (1_700_000_000.75, 1_700_000_000.75))
    archive = tmp_path / "a.tar.gz"
    with write_tar_gz(archive) as tar:
        tar.add_file(script, "bin/run.sh")
    with tarfile.open(archive, "r:gz") as opened:
        (member,) = opened.getmembers()
    assert (member.name, member.mode, member.mtime) == ("bin/run.sh", 0o755, 1_700_000_000)
    assert member.pax_headers == {}  # whole seconds: no extended header per member


def test_links_and_folders_from_disk_are_members_without_a_body(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "link").symlink_to("folder")
    archive = tmp_path / "a.tar.gz"
    with write_tar_gz(archive) as tar:
        tar.add_file(tmp_path / "folder", "folder")
        tar.add_file(tmp_path / "link", "link")
    with tarfile.open(archive, "r:gz") as opened:
        folder, link = opened.getmembers()
    assert folder.isdir() and (link.issym(), link.linkname) == (True, "folder")


def test_an_empty_archive_is_a_valid_tar_gz(tmp_path: Path) -> None:
    archive = write(tmp_path / "empty.tar.gz", {})
    assert read(archive, "r:gz") == {}


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("a/b.png", STORED_LEVEL),
        ("a/B.JPEG", STORED_LEVEL),
        ("fonts/x.woff2", STORED_LEVEL),
        ("pagefind/index/en_1.pf_index", STORED_LEVEL),
        ("a/index.html", TEXT_LEVEL),
        ("image.svg", TEXT_LEVEL),
        ("png", TEXT_LEVEL),
        ("a.png/index.html", TEXT_LEVEL),
    ],
)
def test_the_level_follows_the_name(name: str, level: int) -> None:
    assert level_for(name) == level
