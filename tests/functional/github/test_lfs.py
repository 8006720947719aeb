"""Git LFS files of a fetched repository, against the local GitHub server's LFS batch API: pointers in
the archive are noticed, replaced by their checked objects, and what cannot be fetched is named."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from chalicelib.github import download_tarball
from chalicelib.github.additions import Reach
from chalicelib.github.lfs import fetch_lfs_files, lfs_endpoint
from standins.github import LocalGitHub

REPO = "acme/photos"
PHOTO = bytes(range(256)) * 40  # an "image" of 10,240 bytes


def fetch(github: LocalGitHub, sha: str, dest: Path, *, token: str | None = None, within: str = ""):
    source = download_tarball(github.url, REPO, sha, dest, token=token)
    result = fetch_lfs_files(
        REPO,
        source.root,
        source.root / within if within else source.root,
        source.lfs,
        Reach(token, lambda what: 10.0, github.url),
        (source.files, source.bytes),
    )
    return source, result


def test_pointers_are_replaced_by_their_objects(github: LocalGitHub, tmp_path: Path) -> None:
    pointer = github.add_lfs_object(REPO, PHOTO)
    small = github.add_lfs_object(REPO, b"tiny")
    sha = github.add_commit(
        REPO,
        {"static/img/harbour.jpg": pointer, "static/img/tiny.bin": small, "content/_index.md": "# Home\n"},
    )
    source, result = fetch(github, sha, tmp_path / "src")
    assert [p.path for p in source.lfs] == ["static/img/harbour.jpg", "static/img/tiny.bin"]
    assert (source.root / "static/img/harbour.jpg").read_bytes() == PHOTO
    assert (source.root / "static/img/tiny.bin").read_bytes() == b"tiny"
    assert result.done == ["static/img/harbour.jpg", "static/img/tiny.bin"] and result.skipped == []
    assert result.summary() == "2 Git LFS files fetched"
    assert result.bytes == source.bytes + len(PHOTO) + 4
    (batch,) = [r for r in github.requests if r.path.endswith("/objects/batch")]
    assert batch.method == "POST" and batch.path == f"/{REPO}.git/info/lfs/objects/batch"
    assert batch.headers["accept"] == "application/vnd.git-lfs+json"
    assert "authorization" not in batch.headers  # a public repository: anonymous, as git-lfs tries first
    downloads = [r for r in github.requests if r.path.startswith("/_lfs/")]
    assert all(r.headers["authorization"].startswith("RemoteAuth ") for r in downloads)
    assert not list(source.root.rglob(".lfs-*"))


def test_a_private_repository_sends_the_token_as_basic_password_and_never_to_the_download(
    github: LocalGitHub, tmp_path: Path
) -> None:
    github.add_repo(REPO, private=True, tokens=["t0ken"])
    sha = github.add_commit(REPO, {"static/a.jpg": github.add_lfs_object(REPO, PHOTO)})
    _, result = fetch(github, sha, tmp_path / "src", token="t0ken")
    assert result.done == ["static/a.jpg"]
    (batch,) = [r for r in github.requests if r.path.endswith("/objects/batch")]
    assert base64.b64decode(batch.headers["authorization"].removeprefix("Basic ")) == b"x-access-token:t0ken"
    download = next(r for r in github.requests if r.path.startswith("/_lfs/"))
    assert "t0ken" not in json.dumps(download.headers)


def test_missing_or_mismatched_objects_are_named_and_their_pointers_stay(
    github: LocalGitHub, tmp_path: Path
) -> None:
    good = github.add_lfs_object(REPO, PHOTO)
    missing = b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"ab" * 32 + b"\nsize 99\n"
    lying = github.add_lfs_object(REPO, b"real bytes").replace(b"size 10", b"size 11")
    tampered = github.add_lfs_object(REPO, b"the original")
    oid = tampered.split(b"sha256:")[1][:64].decode()
    github._repos[REPO].lfs[oid] = b"the tampered"  # same size, other bytes: the SHA-256 tells
    files = {"a.jpg": good, "b.jpg": missing, "c.jpg": lying, "d.jpg": tampered, "e.txt": "not a pointer"}
    source, result = fetch(github, github.add_commit(REPO, files), tmp_path / "src")
    assert result.done == ["a.jpg"]
    assert result.skipped == [
        "b.jpg: GitHub has no Git LFS object for it (404: Object does not exist)",
        "c.jpg: GitHub has no Git LFS object for it (404: Object does not exist)",
        "d.jpg: its Git LFS object does not match its pointer (size or SHA-256)",
    ]
    assert (source.root / "b.jpg").read_bytes() == missing  # the pointer stays: nothing is half-written
    assert (source.root / "d.jpg").read_bytes() == tampered
    assert result.summary() == "1 Git LFS file fetched, 3 Git LFS files not fetched"
    assert result.bytes == source.bytes + len(PHOTO)
    assert not list(source.root.rglob(".lfs-*"))


def test_only_files_inside_the_site_folder_are_fetched(github: LocalGitHub, tmp_path: Path) -> None:
    sha = github.add_commit(
        REPO,
        {
            "site/static/a.jpg": github.add_lfs_object(REPO, PHOTO),
            "design/huge.psd": github.add_lfs_object(REPO, b"x"),
        },
    )
    source, result = fetch(github, sha, tmp_path / "src", within="site")
    assert result.done == ["site/static/a.jpg"]
    assert (source.root / "design/huge.psd").read_bytes().startswith(b"version https://git-lfs")


def test_a_repository_without_lfs_asks_nothing(github: LocalGitHub, tmp_path: Path) -> None:
    sha = github.add_commit(REPO, {"a.txt": "version https://git-lfs.github.com/spec/v1 is a link in prose"})
    source, result = fetch(github, sha, tmp_path / "src")
    assert source.lfs == () and result.done == [] and result.summary() == ""
    assert not [r for r in github.requests if "lfs" in r.path]


def test_the_batch_endpoint_is_githubs_own_host() -> None:
    assert (
        lfs_endpoint("https://api.github.com", "a/b") == "https://github.com/a/b.git/info/lfs/objects/batch"
    )
    assert (
        lfs_endpoint("https://ghe.example/api/v3", "a/b")
        == "https://ghe.example/a/b.git/info/lfs/objects/batch"
    )
    assert lfs_endpoint("http://127.0.0.1:9/", "a/b") == "http://127.0.0.1:9/a/b.git/info/lfs/objects/batch"
