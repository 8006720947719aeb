"""Webhook deliveries shaped like GitHub's (see shared/fixtures/github-webhooks): push, pull_request
and ping payloads, the headers GitHub sends, and the `X-Hub-Signature-256` a site's secret gives them. For the
local GitHub road (`presslift push`) and tests; never imported by `chalicelib`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from chalicelib.github.webhook import NULL_SHA, signature


def sign(secret: str | bytes, body: bytes) -> str:
    """The `X-Hub-Signature-256` header GitHub would send for `body`."""
    return signature(secret, body)


def push_payload(
    repo: str,
    ref: str,
    before: str,
    after: str,
    files_changed: Iterable[str] = (),
    *,
    added: Iterable[str] = (),
    removed: Iterable[str] = (),
    message: str = "Update site",
    pusher: str = "octocat",
    forced: bool = False,
    commits: int = 1,
    private: bool = False,
    pushed_at: int | None = None,
) -> dict[str, Any]:
    """A push event body shaped like GitHub's (see shared/fixtures/github-webhooks/push-*.json).

    `files_changed` are modified paths; `commits` is how many entries `commits` lists (GitHub may cap
    it), the last being the pushed one. A ref whose `after` is all zeros is a deletion. `pushed_at`
    (GitHub's `repository.pushed_at`, Unix seconds) defaults to now.
    """
    owner, _, name = repo.partition("/")
    created = before == NULL_SHA
    deleted = after == NULL_SHA
    compare = (
        f"https://github.com/{repo}/commit/{after}"
        if created
        else f"https://github.com/{repo}/compare/{before[:12]}...{after[:12]}"
    )
    entries = []
    if not deleted:
        modified, new, gone = sorted(files_changed), sorted(added), sorted(removed)
        for i in range(commits):
            last = i == commits - 1
            entries.append(
                _commit(repo, after if last else _fake_sha(after, i), message, pusher, new, gone, modified)
            )
    head = entries[-1] if entries else None
    return {
        "ref": ref,
        "before": before,
        "after": after,
        "repository": {
            **_repository(owner, name, private),
            "pushed_at": int(time.time()) if pushed_at is None else pushed_at,
        },
        "pusher": {"name": pusher, "email": f"{pusher}@users.noreply.github.com"},
        "sender": {"login": pusher, "id": 1, "type": "User", "site_admin": False},
        "created": created,
        "deleted": deleted,
        "forced": forced,
        "base_ref": None,
        "compare": compare,
        "commits": entries,
        "head_commit": head,
    }


#: The `pull_request` actions `pull_request_payload` builds (GitHub has more: edited, labeled ...).
PULL_REQUEST_ACTIONS = ("opened", "synchronize", "reopened", "closed", "edited")


def pull_request_payload(
    action: str,
    pr: Mapping[str, Any],
    repository: str,
    sender: str,
    *,
    private: bool = False,
    before: str | None = None,
    after: str | None = None,
) -> dict[str, Any]:
    """A `pull_request` event body shaped like GitHub's (shared/fixtures/github-webhooks/
    pull_request-opened.octokit.json): `pr` is the pull request as the REST API answers it
    (`GET /repos/{o}/{r}/pulls/{n}`), `repository` the base repository, `sender` who acted.

    `synchronize` carries `before` (the head the pull request had) and `after` (its new head, by
    default the pull request's head sha), as GitHub sends them.
    """
    if action not in PULL_REQUEST_ACTIONS:
        raise ValueError(
            f"pull_request action must be one of {', '.join(PULL_REQUEST_ACTIONS)}, not {action!r}"
        )
    owner, _, name = repository.partition("/")
    pull = dict(pr)
    pull["merged"] = bool(pr.get("merged"))  # `closed` says whether it was merged
    payload: dict[str, Any] = {
        "action": action,
        "number": int(pr["number"]),
        "pull_request": pull,
    }
    if action == "synchronize":
        if not before:
            raise ValueError("a synchronize delivery needs `before`, the head the pull request had")
        payload["before"] = before
        payload["after"] = after or str(pr["head"]["sha"])
    payload["repository"] = _repository(owner, name, private)
    payload["sender"] = {"login": sender, "id": 1, "type": "User", "site_admin": False}
    return payload


def ping_payload(repo: str, *, hook_id: int = 1, events: Iterable[str] = ("push",)) -> dict[str, Any]:
    owner, _, name = repo.partition("/")
    return {
        "zen": "Keep it logically awesome.",
        "hook_id": hook_id,
        "hook": {"type": "Repository", "id": hook_id, "active": True, "events": list(events)},
        "repository": _repository(owner, name, False),
        "sender": {"login": owner, "id": 1, "type": "User", "site_admin": False},
    }


def webhook_request(
    event: str, payload: Mapping[str, Any] | bytes, secret: str | None, *, delivery: str | None = None
) -> tuple[bytes, dict[str, str]]:
    """(body, headers) as GitHub would POST them; with `secret` None the delivery is unsigned."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload, indent=2).encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/presslift-test",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-GitHub-Hook-ID": "1",
    }
    if secret is not None:
        headers["X-Hub-Signature-256"] = sign(secret, body)
        # The legacy SHA-1 header too, as GitHub sends both; receivers must not rely on it.
        headers["X-Hub-Signature"] = "sha1=" + hmac.new(secret.encode(), body, "sha1").hexdigest()
    return body, headers


def _commit(
    repo: str, sha: str, message: str, author: str, added: list[str], removed: list[str], modified: list[str]
) -> dict[str, Any]:
    person = {"name": author, "email": f"{author}@users.noreply.github.com", "username": author}
    return {
        "id": sha,
        "tree_id": hashlib.sha1(sha.encode(), usedforsecurity=False).hexdigest(),
        "distinct": True,
        "message": message,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "url": f"https://github.com/{repo}/commit/{sha}",
        "author": person,
        "committer": person,
        "added": added,
        "removed": removed,
        "modified": modified,
    }


def _fake_sha(seed: str, i: int) -> str:
    return hashlib.sha1(f"{seed}:{i}".encode(), usedforsecurity=False).hexdigest()


def _repository(owner: str, name: str, private: bool) -> dict[str, Any]:
    full = f"{owner}/{name}"
    return {
        "id": int(hashlib.sha1(full.encode(), usedforsecurity=False).hexdigest()[:8], 16),
        "name": name,
        "full_name": full,
        "private": private,
        "owner": {"name": owner, "login": owner, "type": "User"},
        "html_url": f"https://github.com/{full}",
        "url": f"https://github.com/{full}",
        "clone_url": f"https://github.com/{full}.git",
        "default_branch": "main",
        "master_branch": "main",
    }
