"""post_status against the local GitHub server."""

from __future__ import annotations

import pytest

from chalicelib.errors import InputError, NotFoundError, UnauthorizedError
from chalicelib.github import post_status
from standins.github import LocalGitHub

REPO = "acme/site"


@pytest.fixture
def sha(github: LocalGitHub) -> str:
    github.add_repo(REPO, tokens=["t0ken"])
    return github.add_commit(REPO, {"a.md": b"a"})


def test_pending_then_success_are_recorded(github: LocalGitHub, sha: str) -> None:
    url = "http://127.0.0.1:8000/api/runs/20261129-1"
    post_status(github.url, REPO, sha, "pending", target_url=url, description="Building", token="t0ken")
    answer = post_status(
        github.url, REPO, sha, "success", target_url=url, description="On staging", token="t0ken"
    )
    assert answer["state"] == "success"
    recorded = github.statuses(REPO, sha)
    assert [(s.state, s.context, s.target_url) for s in recorded] == [
        ("pending", "presslift", url),
        ("success", "presslift", url),
    ]
    sent = github.requests[-1]
    assert sent.method == "POST" and sent.path == f"/repos/{REPO}/statuses/{sha}"
    assert sent.headers["authorization"] == "Bearer t0ken"


def test_long_descriptions_are_shortened_to_githubs_limit(github: LocalGitHub, sha: str) -> None:
    post_status(github.url, REPO, sha, "failure", description="error: " + "x" * 500, token="t0ken")
    (status,) = github.statuses(REPO, sha)
    assert status.description is not None and len(status.description) == 140


@pytest.mark.parametrize(
    ("state", "commit", "words"),
    [
        ("done", None, "must be one of pending, success, failure, error"),
        ("success", "abc1234", "40-character"),
    ],
)
def test_bad_arguments_are_refused_before_calling_github(
    github: LocalGitHub, sha: str, state: str, commit: str | None, words: str
) -> None:
    with pytest.raises(InputError, match=words):
        post_status(github.url, REPO, commit or sha, state, token="t0ken")
    assert github.requests == []


def test_a_wrong_token_is_unauthorized(github: LocalGitHub, sha: str) -> None:
    with pytest.raises(UnauthorizedError, match="Bad credentials"):
        post_status(github.url, REPO, sha, "pending", token="nope")


def test_an_unknown_repository_is_not_found(github: LocalGitHub, sha: str) -> None:
    with pytest.raises(NotFoundError):
        post_status(github.url, "acme/missing", sha, "pending", token="t0ken")


def test_an_unknown_commit_is_refused(github: LocalGitHub, sha: str) -> None:
    with pytest.raises(InputError, match="422"):
        post_status(github.url, REPO, "f" * 40, "pending", token="t0ken")
