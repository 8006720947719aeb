"""Safe extraction of repository tarballs: what GitHub sends works, every known attack is refused."""

from __future__ import annotations

import errno
import io
import os
import shutil
import stat
import subprocess
import tarfile
from pathlib import Path

import pytest

from chalicelib.errors import DiskFullError, InputError
from chalicelib.github import extract_tarball
from standins.github import build_tarball

TOP = "acme-site-abc1234"


def archive(*members: tuple[str, str, bytes | str], compress: bool = True) -> io.BytesIO:
    """members: (name, kind, data); kind is file, dir, sym, hard, fifo, chr; data is a body or a link."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz" if compress else "w") as tar:
        for name, kind, data in members:
            info = tarfile.TarInfo(name)
            body = None
            if kind == "file":
                raw = data.encode() if isinstance(data, str) else data
                info.size, body = len(raw), io.BytesIO(raw)
                info.mode = 0o644
            else:
                info.type = {
                    "dir": tarfile.DIRTYPE,
                    "sym": tarfile.SYMTYPE,
                    "hard": tarfile.LNKTYPE,
                    "fifo": tarfile.FIFOTYPE,
                    "chr": tarfile.CHRTYPE,
                }[kind]
                info.linkname = data if isinstance(data, str) else ""
            tar.addfile(info, body)
    buffer.seek(0)
    return buffer


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    return tmp_path / "source"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file next to the destination that no archive may reach."""
    path = tmp_path / "outside.txt"
    path.write_text("untouched")
    return path


def test_github_layout_is_extracted_without_its_top_folder(dest: Path) -> None:
    files = {"hugo.toml": b"title = 'x'", "content/posts/a.md": b"# A", "static/img/b.png": b"\x89PNG"}
    source = extract_tarball(io.BytesIO(build_tarball(TOP, files, commit="f" * 40)), dest)
    assert {str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file()} == set(files)
    assert (dest / "content/posts/a.md").read_bytes() == b"# A"
    assert (source.top_folder, source.files, source.bytes, source.commit) == (
        TOP,
        3,
        sum(map(len, files.values())),
        "f" * 40,
    )


def test_in_tree_symlinks_are_kept(dest: Path) -> None:
    source = extract_tarball(
        archive(
            (f"{TOP}/", "dir", ""),
            (f"{TOP}/content/a.md", "file", "hi"),
            (f"{TOP}/alias.md", "sym", "content/a.md"),
        ),
        dest,
    )
    assert (dest / "alias.md").is_symlink() and (dest / "alias.md").read_text() == "hi"
    assert source.symlinks == 1


def test_modes_keep_only_the_execute_bit(dest: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, mode in (("run.sh", 0o4755), ("data.txt", 0o666)):
            info = tarfile.TarInfo(f"{TOP}/{name}")
            info.size, info.mode = 1, mode
            tar.addfile(info, io.BytesIO(b"x"))
    buffer.seek(0)
    extract_tarball(buffer, dest)
    assert stat.S_IMODE((dest / "run.sh").stat().st_mode) == 0o755
    assert stat.S_IMODE((dest / "data.txt").stat().st_mode) == 0o644


ATTACKS = [
    ("dot-dot", [(f"{TOP}/../evil.txt", "file", "x")], "climbs out"),
    ("deep dot-dot", [(f"{TOP}/a/../../../outside.txt", "file", "x")], "climbs out"),
    ("absolute path", [("/tmp/evil.txt", "file", "x")], "absolute path"),
    ("second top folder", [(f"{TOP}/a", "file", "x"), ("other/b", "file", "x")], "single top folder"),
    ("file at the top", [("README.md", "file", "x"), (f"{TOP}/b", "file", "x")], "single top folder"),
    ("absolute symlink", [(f"{TOP}/passwd", "sym", "/etc/passwd")], "absolute path"),
    ("symlink out", [(f"{TOP}/up", "sym", "../../outside.txt")], "points outside"),
    (
        "symlink chain out",
        [(f"{TOP}/a/b/", "dir", ""), (f"{TOP}/a/b/s", "sym", "../.."), (f"{TOP}/x", "sym", "a/b/s/..")],
        "outside the source",
    ),
    (
        "link made first, target later",
        [(f"{TOP}/x", "sym", "a/b/s/.."), (f"{TOP}/a/b/", "dir", ""), (f"{TOP}/a/b/s", "sym", "../..")],
        "outside the source",
    ),
    ("write through a link", [(f"{TOP}/d", "sym", ".."), (f"{TOP}/d/outside.txt", "file", "x")], "link"),
    ("hard link", [(f"{TOP}/a", "file", "x"), (f"{TOP}/b", "hard", f"{TOP}/a")], "hard link"),
    ("hard link out", [(f"{TOP}/b", "hard", "/etc/passwd")], "hard link"),
    ("fifo", [(f"{TOP}/pipe", "fifo", "")], "FIFO"),
    ("device", [(f"{TOP}/tty", "chr", "")], "device"),
    ("duplicate file", [(f"{TOP}/a", "file", "x"), (f"{TOP}/a", "file", "y")], "appears twice"),
    ("file then folder", [(f"{TOP}/a", "file", "x"), (f"{TOP}/a/b", "file", "y")], "below a file"),
]


@pytest.mark.parametrize(("name", "members", "words"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_attacks_are_refused_and_leave_nothing(
    dest: Path, outside: Path, name: str, members: list[tuple[str, str, str]], words: str
) -> None:
    with pytest.raises(InputError, match=words) as raised:
        extract_tarball(archive(*members), dest)
    assert "nothing was extracted" in str(raised.value)
    assert outside.read_text() == "untouched"
    assert list(dest.iterdir()) == []
    assert sorted(p.name for p in outside.parent.iterdir()) == ["outside.txt", "source"]


def test_links_can_be_refused_altogether(dest: Path) -> None:
    with pytest.raises(InputError, match="links are not allowed"):
        extract_tarball(archive((f"{TOP}/a", "sym", "b")), dest, allow_symlinks=False)


def test_declared_size_over_the_cap_is_refused(dest: Path) -> None:
    with pytest.raises(InputError, match="limit of 1000 bytes"):
        extract_tarball(archive((f"{TOP}/big.bin", "file", b"x" * 2000)), dest, max_bytes=1000)
    assert list(dest.iterdir()) == []


def test_a_compression_bomb_stops_at_the_cap(dest: Path) -> None:
    bomb = build_tarball(TOP, {f"zeros{i}.bin": bytes(4 * 1024 * 1024) for i in range(4)})
    assert len(bomb) < 100_000  # 16 MiB of zeros compress to almost nothing
    with pytest.raises(InputError, match="limit of 5000000 bytes"):
        extract_tarball(io.BytesIO(bomb), dest, max_bytes=5_000_000)
    assert list(dest.iterdir()) == []


def test_too_many_entries_are_refused(dest: Path) -> None:
    files = {f"f{i}.txt": b"x" for i in range(30)}
    with pytest.raises(InputError, match="limit of 20 entries"):
        extract_tarball(io.BytesIO(build_tarball(TOP, files)), dest, max_files=20)


@pytest.mark.parametrize(
    ("data", "words"),
    [(b"not a tarball", "not a readable gzip tarball"), (b"", "not a readable gzip tarball")],
)
def test_garbage_is_an_input_error(dest: Path, data: bytes, words: str) -> None:
    with pytest.raises(InputError, match=words):
        extract_tarball(io.BytesIO(data), dest)


def test_an_uncompressed_tarball_is_refused(dest: Path) -> None:
    with pytest.raises(InputError, match="gzip"):
        extract_tarball(archive((f"{TOP}/a", "file", "x"), compress=False), dest)


def test_a_truncated_download_is_refused(dest: Path) -> None:
    whole = build_tarball(TOP, {"a.txt": os.urandom(50_000)})
    with pytest.raises(InputError):
        extract_tarball(io.BytesIO(whole[: len(whole) // 2]), dest)
    assert list(dest.iterdir()) == []


def test_destination_must_be_empty(dest: Path) -> None:
    dest.mkdir()
    (dest / "old.txt").write_text("x")
    with pytest.raises(InputError, match="not an empty folder"):
        extract_tarball(io.BytesIO(build_tarball(TOP, {"a": b"x"})), dest)
    assert (dest / "old.txt").exists()


def test_empty_archive_is_refused(dest: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz"):
        pass
    buffer.seek(0)
    with pytest.raises(InputError, match="empty"):
        extract_tarball(buffer, dest)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to make an archive as GitHub does")
def test_a_git_archive_like_githubs_is_extracted(tmp_path: Path, dest: Path) -> None:
    """GitHub's tarballs are `git archive` output: pax header with the commit, links, modes."""
    repo = tmp_path / "repo"
    (repo / "content").mkdir(parents=True)
    (repo / "content" / "a.md").write_text("# A\n")
    (repo / "build.sh").write_text("#!/bin/sh\n")
    (repo / "build.sh").chmod(0o755)
    (repo / "index.md").symlink_to("content/a.md")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "first"], check=True)
    sha = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    archive_path = tmp_path / "repo.tar.gz"
    prefix = f"acme-site-{sha[:7]}/"
    subprocess.run(
        [*git, "archive", "--format=tar.gz", f"--prefix={prefix}", "-o", str(archive_path), sha], check=True
    )
    with archive_path.open("rb") as stream:
        source = extract_tarball(stream, dest)
    assert (source.commit, source.top_folder, source.files, source.symlinks) == (sha, prefix[:-1], 2, 1)
    assert (dest / "index.md").read_text() == "# A\n"
    assert stat.S_IMODE((dest / "build.sh").stat().st_mode) == 0o755


def test_a_full_disk_is_an_input_error_and_leaves_nothing_behind(
    dest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_chmod = os.chmod
    written: list[str] = []

    def disk_full(path: str | Path, mode: int) -> None:
        # The first file is on disk; writing the second finds /tmp full.
        written.append(str(path))
        if len(written) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real_chmod(path, mode)

    monkeypatch.setattr(os, "chmod", disk_full)
    source = archive((f"{TOP}/a.md", "file", "a"), (f"{TOP}/b.md", "file", "b"))

    with pytest.raises(DiskFullError, match=r"the tarball needs more than the function's /tmp \(ephemeral"):
        extract_tarball(source, dest, name="the tarball")
    assert isinstance(DiskFullError("x"), InputError)
    assert list(dest.iterdir()) == []
