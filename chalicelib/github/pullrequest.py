"""GitHub's `pull_request` webhook event, parsed and checked: what a preview needs of it.

Only after the delivery's signature was checked (`webhook.receive_webhook`). Every field is read with
its type checked; a payload missing one the preview needs is an InputError naming the field. The head
commit of a pull request from a fork is fetched from the base repository (GitHub serves it there), so
nothing here ever points the pipeline at the fork.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import InputError

#: The actions that publish (or update) a preview, and the one that removes it. Others (edited,
#: labeled, assigned, review_requested ...) change nothing a preview shows.
BUILDS = ("opened", "synchronize", "reopened")
REMOVES = ("closed",)
_SHA = re.compile(r"^[0-9a-f]{40}$")
_REPO = re.compile(r"^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$")


@dataclass(frozen=True)
class PullRequestEvent:
    """One `pull_request` delivery: the action and the pull request's head and base."""

    repository: str  # the base repository, OWNER/REPO: the one registered
    action: str
    number: int
    head_sha: str
    head_ref: str
    head_repository: str  # the fork's OWNER/REPO for a pull request from a fork
    base_ref: str
    title: str
    author: str
    html_url: str
    merged: bool = False
    private: bool = False
    #: An `edited` delivery that moved the pull request to another base branch (`changes.base`).
    base_changed: bool = False

    @property
    def fork(self) -> bool:
        """Whether the head lives in another repository than the base (a fork)."""
        return self.head_repository.lower() != self.repository.lower()

    @property
    def short_sha(self) -> str:
        return self.head_sha[:7]

    @property
    def ref(self) -> str:
        """The ref GitHub keeps in the base repository for the pull request's head."""
        return f"refs/pull/{self.number}/head"


#: Whose head a pull request from a deleted fork has (GitHub sends `head.repo: null`).
DELETED_FORK = "(a deleted fork)"


def parse_pull_request(data: Mapping[str, Any]) -> PullRequestEvent:
    action = _text(data, "action")
    pr = _object(data, "pull_request")
    number = data.get("number", pr.get("number"))
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise InputError("pull_request payload: number is missing or not a positive integer")
    head, base = _object(pr, "head", "pull_request."), _object(pr, "base", "pull_request.")
    repository = _repo_name(_object(data, "repository"), "repository")
    head_repo = head.get("repo")
    # A fork that was deleted leaves `head.repo` null. Closing such a pull request removes its preview,
    # read as the base repository's; anything else is taken for a fork's, whose it cannot tell, so a
    # site that builds no forks' pull requests never builds its code.
    if isinstance(head_repo, dict):
        head_repository = _repo_name(head_repo, "pull_request.head.repo")
    else:
        head_repository = repository if action == "closed" else DELETED_FORK
    sha = _text(head, "sha", "pull_request.head.")
    if not _SHA.match(sha):
        raise InputError(f"pull_request payload: pull_request.head.sha {sha[:60]!r} is not a commit SHA")
    user = pr.get("user") if isinstance(pr.get("user"), dict) else {}
    return PullRequestEvent(
        repository=repository,
        action=action,
        number=number,
        head_sha=sha,
        head_ref=_text(head, "ref", "pull_request.head."),
        head_repository=head_repository,
        base_ref=_text(base, "ref", "pull_request.base."),
        title=str(pr.get("title") or "")[:300],
        author=str((user or {}).get("login") or ""),
        html_url=str(pr.get("html_url") or ""),
        merged=pr.get("merged") is True,
        private=bool(_object(data, "repository").get("private", False)),
        base_changed=action == "edited"
        and isinstance(data.get("changes"), dict)
        and isinstance(data["changes"].get("base"), dict),
    )


def _object(data: Mapping[str, Any], name: str, where: str = "") -> Mapping[str, Any]:
    value = data.get(name)
    if not isinstance(value, dict):
        raise InputError(f"pull_request payload: {where}{name} is missing or not an object")
    return value


def _text(data: Mapping[str, Any], name: str, where: str = "") -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise InputError(f"pull_request payload: {where}{name} is missing or not a string")
    return value


def _repo_name(repo: Mapping[str, Any], where: str) -> str:
    name = repo.get("full_name")
    if not isinstance(name, str) or not _REPO.match(name):
        raise InputError(f"pull_request payload: {where}.full_name is missing or not OWNER/REPO")
    return name
