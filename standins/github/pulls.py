"""Pull requests and their issue comments as the local GitHub keeps them, and the JSON GitHub answers
for them (`GET /repos/{o}/{r}/pulls/{n}`, `.../issues/comments/{id}`), with the fields a client reads.

A pull request follows its head branch, as on GitHub: while it is open its head commit is the branch's
head at the time of each read (kept in `head_sha`, which stays when the branch is deleted); closing it
freezes the head. A pull request from a fork names the fork (`fork_owner`) as its head repository, but
its commits are served from the base repository, as GitHub serves a fork's commits from `refs/pull/N/head`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


def now() -> str:
    """GitHub's timestamps: ISO-8601 UTC to the second, with `Z`."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class PullRequest:
    repo: str  # the base repository, OWNER/NAME
    number: int
    id: int
    title: str
    body: str
    head: str  # the head branch
    base: str  # the base branch
    user: str  # who opened it
    head_sha: str
    fork_owner: str | None = None
    state: str = "open"
    merged: bool = False
    created_at: str = ""
    updated_at: str = ""
    closed_at: str | None = None
    merged_at: str | None = None

    @property
    def head_owner(self) -> str:
        return self.fork_owner or self.repo.partition("/")[0]

    @property
    def head_repo(self) -> str:
        return f"{self.head_owner}/{self.repo.partition('/')[2]}"

    @property
    def head_label(self) -> str:
        """GitHub's `OWNER:BRANCH` for the head, as `head=` filters and 422 messages name it."""
        return f"{self.head_owner}:{self.head}"

    def close(self, *, merged: bool = False) -> None:
        self.state, self.merged = "closed", merged
        self.closed_at = self.updated_at = now()
        self.merged_at = self.closed_at if merged else None

    def reopen(self) -> None:
        self.state, self.closed_at, self.updated_at = "open", None, now()


@dataclass
class Comment:
    id: int
    repo: str
    number: int
    body: str
    user: str
    created_at: str
    updated_at: str


def user_json(login: str) -> dict[str, Any]:
    return {"login": login, "id": _user_id(login), "type": "User", "site_admin": False}


def repo_json(api: str, full_name: str, *, fork: bool = False, private: bool = False) -> dict[str, Any]:
    owner, _, name = full_name.partition("/")
    return {
        "name": name,
        "full_name": full_name,
        "owner": user_json(owner),
        "private": private,
        "fork": fork,
        "html_url": f"{api}/{full_name}",
        "url": f"{api}/repos/{full_name}",
    }


def pull_json(
    api: str, pr: PullRequest, *, head_sha: str, base_sha: str | None, private: bool = False
) -> dict[str, Any]:
    """The pull request as `GET /repos/{o}/{r}/pulls/{n}` answers (the fields clients read)."""
    base_owner = pr.repo.partition("/")[0]
    url = f"{api}/repos/{pr.repo}/pulls/{pr.number}"
    issue = f"{api}/repos/{pr.repo}/issues/{pr.number}"
    return {
        "url": url,
        "id": pr.id,
        "html_url": html_url(api, pr.repo, pr.number),
        "issue_url": issue,
        "comments_url": f"{issue}/comments",
        "statuses_url": f"{api}/repos/{pr.repo}/statuses/{head_sha}",
        "number": pr.number,
        "state": pr.state,
        "locked": False,
        "title": pr.title,
        "user": user_json(pr.user),
        "body": pr.body or None,
        "created_at": pr.created_at,
        "updated_at": pr.updated_at,
        "closed_at": pr.closed_at,
        "merged_at": pr.merged_at,
        "draft": False,
        "merged": pr.merged,
        "head": {
            "label": pr.head_label,
            "ref": pr.head,
            "sha": head_sha,
            "user": user_json(pr.head_owner),
            "repo": repo_json(api, pr.head_repo, fork=pr.fork_owner is not None, private=private),
        },
        "base": {
            "label": f"{base_owner}:{pr.base}",
            "ref": pr.base,
            "sha": base_sha,
            "user": user_json(base_owner),
            "repo": repo_json(api, pr.repo, private=private),
        },
        "author_association": "CONTRIBUTOR" if pr.fork_owner else "OWNER",
    }


def comment_json(api: str, comment: Comment) -> dict[str, Any]:
    """The comment as `GET /repos/{o}/{r}/issues/comments/{id}` answers."""
    return {
        "id": comment.id,
        "url": f"{api}/repos/{comment.repo}/issues/comments/{comment.id}",
        "html_url": f"{html_url(api, comment.repo, comment.number)}#issuecomment-{comment.id}",
        "issue_url": f"{api}/repos/{comment.repo}/issues/{comment.number}",
        "body": comment.body,
        "user": user_json(comment.user),
        "created_at": comment.created_at,
        "updated_at": comment.updated_at,
        "author_association": "NONE",
    }


def html_url(api: str, repo: str, number: int) -> str:
    return f"{api}/{repo}/pull/{number}"


def _user_id(login: str) -> int:
    return sum((i + 1) * ord(c) for i, c in enumerate(login.lower())) or 1
