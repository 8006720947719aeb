"""A stored tree's archive is read in place, member by member, as an unpacked folder would be."""

from __future__ import annotations

import gzip
import threading
from pathlib import Path

import pytest

from chalicelib.artifacts import pack
from chalicelib.errors import InputError
from chalicelib.publish.treefiles import ArchiveFiles, FolderFiles, files_of

DEEP = "posts/" + "a-very-long-slug-" * 8 + "/index.html"  # past tar's 100-character names
FILES = {"index.html": b"<html>home</html>", DEEP: b"<p>deep</p>", "img/photo.png": bytes(range(256)) * 999}


def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    for name, body in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(body)
    return root


def test_an_archive_reads_as_its_folder_does_and_leaves_no_file_behind(tmp_path: Path) -> None:
    folder = tree(tmp_path)
    archive = pack(folder, tmp_path / "tree.tar.gz")
    plain = tmp_path / "tree.tar"
    with ArchiveFiles(archive, plain) as files:
        for name, body in FILES.items():
            assert files.read_bytes(name) == body == FolderFiles(folder).read_bytes(name)
            assert files.size(name) == len(body) == FolderFiles(folder).size(name)
        assert files.read_bytes("missing.html") is None and files.size("missing.html") is None
        assert files.read_bytes("posts") is None  # a folder is no file
        # The upload pool reads from several threads at once.
        read: list[bytes | None] = []
        threads = [threading.Thread(target=lambda: read.append(files.read_bytes(DEEP))) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert read == [FILES[DEEP]] * 8
    assert not plain.exists()
    assert isinstance(files_of(folder), FolderFiles) and files_of(files) is files


def test_a_damaged_archive_is_an_error_that_names_it(tmp_path: Path) -> None:
    archive = pack(tree(tmp_path), tmp_path / "tree.tar.gz")
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[:600])
    with pytest.raises(InputError, match="artifact archive cannot be read"):
        ArchiveFiles(cut, tmp_path / "cut.tar")
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(gzip.compress(b"not a tar at all" * 100))
    with pytest.raises(InputError, match="artifact archive cannot be read"):
        ArchiveFiles(garbage, tmp_path / "garbage.tar")


def test_a_folder_reads_only_its_regular_files(tmp_path: Path) -> None:
    folder = tree(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"key")
    (folder / "leak.txt").symlink_to(secret)
    files = FolderFiles(folder)
    for path in ("leak.txt", "posts", "index.html/under-a-file", "missing.html", "nul\0byte"):
        assert files.read_bytes(path) is None and files.size(path) is None, path
    assert files.size("img/photo.png") == len(FILES["img/photo.png"])
