"""Which commit a branch points at now, from GitHub's API: how the fetch stage tells a push that is
still current from a replayed or overtaken one.

Never: decide what happens to a run here (the fetch stage does), or put the token in a message.
"""

from __future__ import annotations

from urllib.parse import quote

from chalicelib.github.api import GitHubUnavailable, api_base, check_repo, request_json


def branch_head(
    api: str | None, repo: str, branch: str, *, token: str | None = None, timeout: float = 10.0
) -> str:
    """The SHA `branch` of `repo` points at; NotFoundError when the branch (or repository) is gone."""
    check_repo(repo)
    url = f"{(api or api_base()).rstrip('/')}/repos/{repo}/branches/{quote(branch, safe='')}"
    answer = request_json(
        "GET", url, token=token, body=None, timeout=timeout, what=f"branch {branch} of {repo}"
    )
    commit = answer.get("commit")
    sha = commit.get("sha") if isinstance(commit, dict) else None
    if not isinstance(sha, str) or not sha:
        raise GitHubUnavailable(f"GitHub's answer for branch {branch} of {repo} has no commit")
    return sha


def pull_request_head(
    api: str | None, repo: str, number: int, *, token: str | None = None, timeout: float = 10.0
) -> tuple[str, str]:
    """The head SHA of pull request `number` of `repo` now, and its state (`open`, `closed`);
    NotFoundError when there is no such pull request."""
    check_repo(repo)
    url = f"{(api or api_base()).rstrip('/')}/repos/{repo}/pulls/{int(number)}"
    answer = request_json(
        "GET", url, token=token, body=None, timeout=timeout, what=f"pull request #{number} of {repo}"
    )
    head = answer.get("head")
    sha = head.get("sha") if isinstance(head, dict) else None
    if not isinstance(sha, str) or not sha:
        raise GitHubUnavailable(f"GitHub's answer for pull request #{number} of {repo} has no head")
    return sha, str(answer.get("state") or "")
