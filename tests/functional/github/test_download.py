"""download_tarball against the local GitHub server: redirects, headers, private repos, caps, slowness."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import pytest

from chalicelib.errors import InputError, NotFoundError, UnauthorizedError
from chalicelib.github import GitHubUnavailable, download_tarball
from standins.github import LocalGitHub

REPO = "acme/site"
FILES = {"hugo.toml": b"title = 'Acme'\n", "content/_index.md": b"# Home\n", "static/app.js": b"alert(1)\n"}


def test_downloads_and_extracts_the_pushed_commit(github: LocalGitHub, tmp_path: Path) -> None:
    sha = github.add_commit(REPO, FILES)
    source = download_tarball(github.url, REPO, sha, tmp_path / "src", max_bytes=10_000, max_files=100)
    assert {str(p.relative_to(source.root)) for p in source.root.rglob("*") if p.is_file()} == set(FILES)
    assert source.top_folder == f"acme-site-{sha[:7]}"
    assert source.commit == sha
    tarball, codeload = github.requests
    assert tarball.path == f"/repos/{REPO}/tarball/{sha}"
    assert codeload.path.startswith(f"/_codeload/{REPO}/legacy.tar.gz/{sha}?token=")


def test_sends_githubs_headers(github: LocalGitHub, tmp_path: Path) -> None:
    github.add_repo(REPO, private=True, tokens=["t0ken"])
    sha = github.add_commit(REPO, FILES)
    download_tarball(github.url, REPO, sha, tmp_path / "src", token="t0ken")
    sent = github.requests[0].headers
    assert sent["accept"] == "application/vnd.github+json"
    assert sent["x-github-api-version"] == "2022-11-28"
    assert sent["authorization"] == "Bearer t0ken"
    assert sent["user-agent"].startswith("presslift")


def test_the_token_does_not_follow_a_redirect_to_another_host(tmp_path: Path) -> None:
    with LocalGitHub(codeload_host="localhost") as github:
        github.add_repo(REPO, private=True, tokens=["t0ken"])
        sha = github.add_commit(REPO, FILES)
        assert download_tarball(github.url, REPO, sha, tmp_path / "src", token="t0ken").files == 3
        api, codeload = github.requests
    assert api.headers["authorization"] == "Bearer t0ken" and api.headers["host"].startswith("127.0.0.1")
    assert "authorization" not in codeload.headers and codeload.headers["host"].startswith("localhost")


def test_an_older_commit_is_still_served(github: LocalGitHub, tmp_path: Path) -> None:
    first = github.add_commit(REPO, {"a.txt": b"one"})
    github.add_commit(REPO, {"a.txt": b"two"})
    source = download_tarball(github.url, REPO, first, tmp_path / "src")
    assert (source.root / "a.txt").read_bytes() == b"one"


@pytest.mark.parametrize(
    ("token", "error", "words"),
    [
        (None, NotFoundError, "can read it"),
        ("other-repos-token", NotFoundError, "Not Found"),
        ("forged", UnauthorizedError, "Bad credentials"),
    ],
)
def test_private_repositories_answer_as_github_does(
    github: LocalGitHub, tmp_path: Path, token: str | None, error: type[Exception], words: str
) -> None:
    github.add_repo(REPO, private=True, tokens=["t0ken"])
    github.add_repo("acme/other", tokens=["other-repos-token"])
    sha = github.add_commit(REPO, FILES)
    with pytest.raises(error, match=words) as raised:
        download_tarball(github.url, REPO, sha, tmp_path / "src", token=token)
    assert "t0ken" not in str(raised.value) and "forged" not in str(raised.value)


def test_an_unknown_commit_is_not_found(github: LocalGitHub, tmp_path: Path) -> None:
    github.add_commit(REPO, FILES)
    with pytest.raises(NotFoundError, match=f"tarball of {REPO} at 000000000000 "):
        download_tarball(github.url, REPO, "0" * 40, tmp_path / "src")
    # A ref is named whole: a module's tag in a folder of its repository was cut to "modules/wowc".
    tag = "modules/wowchemy-plugin-netlify/v1.0.0"
    with pytest.raises(NotFoundError, match=f"tarball of {REPO} at {tag} "):
        download_tarball(github.url, REPO, tag, tmp_path / "src2")


def test_a_malicious_archive_is_refused_over_http(github: LocalGitHub, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("acme-site-1234567/../../escape.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    github.set_tarball(REPO, "1" * 40, buffer.getvalue())
    with pytest.raises(InputError, match="climbs out"):
        download_tarball(github.url, REPO, "1" * 40, tmp_path / "a" / "src")
    assert not (tmp_path / "escape.txt").exists()


def test_a_download_over_the_cap_is_refused(github: LocalGitHub, tmp_path: Path) -> None:
    sha = github.add_commit(REPO, {"noise.bin": os.urandom(200_000)})
    with pytest.raises(InputError, match="limit of 50000 bytes"):
        download_tarball(github.url, REPO, sha, tmp_path / "src", max_bytes=50_000)


def test_a_slow_repository_times_out_as_a_retryable_fault(github: LocalGitHub, tmp_path: Path) -> None:
    sha = github.add_commit(REPO, FILES)
    github.set_delay(REPO, 1.0)
    with pytest.raises(GitHubUnavailable, match=r"timed out|took too long") as caught:
        download_tarball(github.url, REPO, sha, tmp_path / "src", timeout=0.3)
    assert REPO in str(caught.value)  # says what it was fetching
    assert not (tmp_path / "src").exists()  # nothing half-written


def test_an_unreachable_api_is_a_retryable_fault(tmp_path: Path) -> None:
    from tests.conftest import free_port

    with pytest.raises(GitHubUnavailable, match="could not be reached"):
        download_tarball(f"http://127.0.0.1:{free_port()}", REPO, "a" * 40, tmp_path / "src", timeout=2)


@pytest.mark.parametrize("repo", ["acme", "acme/site/x", "../etc", "acme/.."])
def test_bad_repository_names_are_input_errors(tmp_path: Path, repo: str) -> None:
    with pytest.raises(InputError, match="OWNER/NAME"):
        download_tarball("http://127.0.0.1:9", repo, "a" * 40, tmp_path / "src")


def test_the_api_base_comes_from_the_environment(
    github: LocalGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESSLIFT_GITHUB_API", github.url + "/")
    sha = github.add_commit(REPO, FILES)
    assert download_tarball(None, REPO, sha, tmp_path / "src").files == 3
