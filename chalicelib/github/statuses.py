"""Commit statuses: tell GitHub that a run for a commit is pending, succeeded or failed.

`POST /repos/{owner}/{repo}/statuses/{sha}` with a link to the run. Posting a status is a courtesy to
the people watching the pull request; callers should not fail a deploy because it failed.
Never: post without a token, or put the token in a message.
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.errors import InputError
from chalicelib.github.api import api_base, check_repo, request_json

STATES = ("pending", "success", "failure", "error")
DEFAULT_CONTEXT = "presslift"
# GitHub refuses longer descriptions with 422.
MAX_DESCRIPTION = 140
_SHA = re.compile(r"^[0-9a-f]{40}$")


def post_status(
    api: str | None,
    repo: str,
    sha: str,
    state: str,
    *,
    target_url: str | None = None,
    description: str = "",
    context: str = DEFAULT_CONTEXT,
    token: str,
    timeout: float = 10.0,
) -> dict[str, Any]:
    """Create a status on `sha`; returns GitHub's answer (its `id`, `state`, `url`, ...)."""
    check_repo(repo)
    if state not in STATES:
        raise InputError(f"commit status must be one of {', '.join(STATES)}, not {state!r}")
    if not _SHA.match(sha):
        raise InputError(f"commit status needs the full 40-character SHA, not {sha!r}")
    if not token:
        raise InputError(f"posting a commit status on {repo} needs a GitHub token")
    body: dict[str, Any] = {"state": state, "context": context}
    if description:
        body["description"] = _shorten(description)
    if target_url:
        body["target_url"] = target_url
    url = f"{(api or api_base()).rstrip('/')}/repos/{repo}/statuses/{sha}"
    return request_json(
        "POST", url, token=token, body=body, timeout=timeout, what=f"commit status on {repo} at {sha[:7]}"
    )


def _shorten(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MAX_DESCRIPTION else line[: MAX_DESCRIPTION - 1] + "…"
