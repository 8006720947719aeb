"""GitHub webhook deliveries: the signature check and the typed events a delivery carries.

Each site has its own secret, so the route first needs to know which sites a delivery may be for:
`claimed_repository` reads only `repository.full_name` and `repository.id` from the unverified body, and
uses them for nothing but choosing whose secrets to try. `receive_webhook` then refuses an oversized
body, checks `X-Hub-Signature-256` (HMAC-SHA256 of the raw body, constant-time compare) with one site's
secret BEFORE acting on anything else, and only then parses the payload (JSON, or the form-encoded
`payload=` field) into a `PushEvent`, `PullRequestEvent` (`pullrequest.py`), `PingEvent` or
`OtherEvent`.

Never: trust the legacy SHA-1 `X-Hub-Signature` alone, act on a body before its signature is checked,
put the secret or the expected signature in a message, or talk to the network.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from chalicelib.errors import ConfigError, InputError, UnauthorizedError
from chalicelib.github.pullrequest import PullRequestEvent, parse_pull_request

# Lambda refuses invocation payloads over 6 MB, so a larger body could never be handled anyway.
MAX_WEBHOOK_BYTES = 6 * 1024 * 1024
SIGNATURE_HEADER = "X-Hub-Signature-256"
NULL_SHA = "0" * 40
# GitHub's push payload lists at most 2,048 commits in a webhook delivery (its documented cap of 20
# is the timeline's, 'not applied to webhook deliveries'): a push that reaches the cap may have changed
# paths we are not told about. At 20, every push of 20 commits or more built past its watch paths.
COMMITS_CAP = 2048


class PayloadTooLargeError(InputError):
    http_status = 413


@dataclass(frozen=True)
class PushEvent:
    repository: str
    ref: str
    before: str
    after: str
    created: bool
    deleted: bool
    forced: bool
    base_ref: str | None
    changed_paths: frozenset[str]
    # Why `changed_paths` may miss some paths (then the push counts as touching everything); None
    # when the payload lists every commit of the push.
    paths_incomplete: str | None
    head_commit_id: str | None
    head_commit_message: str | None
    pusher: str
    compare_url: str
    private: bool = False
    # GitHub's `repository.pushed_at` (Unix seconds) in a push event: when this push happened. A replayed
    # body carries it unchanged, so it orders pushes where delivery ids cannot.
    pushed_at: int | None = None

    @property
    def branch(self) -> str | None:
        return self.ref.removeprefix("refs/heads/") if self.ref.startswith("refs/heads/") else None

    @property
    def tag(self) -> str | None:
        return self.ref.removeprefix("refs/tags/") if self.ref.startswith("refs/tags/") else None

    @property
    def short_sha(self) -> str:
        return self.after[:7]

    @property
    def paths_complete(self) -> bool:
        return self.paths_incomplete is None


@dataclass(frozen=True)
class PingEvent:
    zen: str
    hook_id: int | None
    repository: str | None
    events: tuple[str, ...]


@dataclass(frozen=True)
class OtherEvent:
    event: str
    action: str | None
    repository: str | None


Event = PushEvent | PingEvent | PullRequestEvent | OtherEvent


@dataclass(frozen=True)
class Webhook:
    event: str
    delivery_id: str
    payload: Event

    @property
    def repository(self) -> str | None:
        return self.payload.repository


def signature(secret: str | bytes, body: bytes) -> str:
    """The `X-Hub-Signature-256` value GitHub sends for `body`."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str | bytes, body: bytes, header: str | None, *, legacy: str | None = None
) -> None:
    """Raise `UnauthorizedError` unless `header` is the HMAC-SHA256 of exactly these bytes."""
    if not secret:
        raise ConfigError(
            "the webhook secret is empty; refusing to accept deliveries signed with an empty key"
        )
    require_signature(header, legacy)
    assert header
    given = header.strip().encode("utf-8", "replace")
    if not hmac.compare_digest(signature(secret, body).encode("ascii"), given.lower()):
        raise UnauthorizedError(f"the {SIGNATURE_HEADER} signature does not match the body")


def require_signature(header: str | None, legacy: str | None = None) -> None:
    """UnauthorizedError when a delivery carries no `X-Hub-Signature-256` (unsigned, or SHA-1 only)."""
    if header:
        return
    if legacy:
        raise UnauthorizedError(
            f"only the SHA-1 X-Hub-Signature was sent; Presslift needs {SIGNATURE_HEADER} (SHA-256)"
        )
    raise UnauthorizedError(f"the {SIGNATURE_HEADER} header is missing; set the webhook's secret on GitHub")


def receive_webhook(
    headers: Mapping[str, str], body: bytes, secret: str | bytes, *, max_bytes: int = MAX_WEBHOOK_BYTES
) -> Webhook:
    """Check and parse one delivery. Raises PayloadTooLargeError, UnauthorizedError or InputError."""
    if len(body) > max_bytes:
        raise PayloadTooLargeError(f"the webhook body is {len(body)} bytes; the limit is {max_bytes}")
    lower = {name.lower(): value for name, value in headers.items()}
    verify_signature(secret, body, lower.get(SIGNATURE_HEADER.lower()), legacy=lower.get("x-hub-signature"))
    event = (lower.get("x-github-event") or "").strip()
    if not event:
        raise InputError("the X-GitHub-Event header is missing")
    delivery = (lower.get("x-github-delivery") or "").strip()
    if not delivery:
        raise InputError("the X-GitHub-Delivery header is missing")
    data = decode_payload(body, lower.get("content-type", "application/json"))
    return Webhook(event=event, delivery_id=delivery, payload=parse_event(event, data))


@dataclass(frozen=True)
class Claimed:
    """Which repository a delivery says it is from, unverified: its OWNER/REPO and GitHub's id for it
    (which stays when the repository is renamed or transferred)."""

    repository: str | None
    repository_id: int | None = None


def claimed_repository(
    headers: Mapping[str, str], body: bytes, *, max_bytes: int = MAX_WEBHOOK_BYTES
) -> Claimed:
    """The repository a delivery says it is from, unverified: only to choose whose secrets to try.
    Refuses an oversized or unsigned delivery first (the same answer whoever it claims to be from)."""
    if len(body) > max_bytes:
        raise PayloadTooLargeError(f"the webhook body is {len(body)} bytes; the limit is {max_bytes}")
    lower = {name.lower(): value for name, value in headers.items()}
    require_signature(lower.get(SIGNATURE_HEADER.lower()), lower.get("x-hub-signature"))
    try:
        data = decode_payload(body, lower.get("content-type", "application/json"))
    except InputError:
        return Claimed(None)
    repo = data.get("repository")
    number = repo.get("id") if isinstance(repo, dict) else None
    valid = isinstance(number, int) and not isinstance(number, bool) and 0 < number < 2**63
    return Claimed(_repository(data, required=False), number if valid else None)


def decode_payload(body: bytes, content_type: str) -> dict[str, Any]:
    """The JSON object of a delivery, sent as JSON or as the form field `payload=`."""
    if content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        try:
            fields = parse_qs(body.decode("ascii"), strict_parsing=True)
        except (UnicodeDecodeError, ValueError) as exc:
            raise InputError(f"the form-encoded webhook body cannot be read: {exc}") from exc
        if "payload" not in fields:
            raise InputError("the form-encoded webhook body has no payload= field")
        text: str | bytes = fields["payload"][0]
    else:
        text = body
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:  # a 5,000-digit number is a ValueError of its own
        raise InputError(f"the webhook payload is not JSON: {exc}") from exc
    except RecursionError as exc:  # read before the signature is checked: anyone can send one
        raise InputError("the webhook payload is not GitHub's: its JSON is nested too deeply") from exc
    if not isinstance(data, dict):
        raise InputError(f"the webhook payload must be a JSON object, not {type(data).__name__}")
    return data


def parse_event(event: str, data: Mapping[str, Any]) -> Event:
    if event == "push":
        return parse_push(data)
    if event == "pull_request":
        return parse_pull_request(data)
    if event == "ping":
        hook = data.get("hook") if isinstance(data.get("hook"), dict) else {}
        events = (hook or {}).get("events")
        return PingEvent(
            zen=str(data.get("zen") or ""),
            hook_id=data.get("hook_id") if isinstance(data.get("hook_id"), int) else None,
            repository=_repository(data, required=False),
            events=tuple(e for e in events if isinstance(e, str)) if isinstance(events, list) else (),
        )
    action = data.get("action")
    return OtherEvent(
        event=event,
        action=action if isinstance(action, str) else None,
        repository=_repository(data, required=False),
    )


def parse_push(data: Mapping[str, Any]) -> PushEvent:
    ref = _field(data, "ref", str)
    before = _commit_sha(data, "before")
    after = _commit_sha(data, "after")
    created = _flag(data, "created", before == NULL_SHA)
    # all zeros is no commit to build, whatever `deleted` says
    deleted = _flag(data, "deleted", after == NULL_SHA) or after == NULL_SHA
    forced = _flag(data, "forced", False)
    commits = data.get("commits") or []
    if not isinstance(commits, list):
        raise InputError("push payload: commits must be a list")
    head = data.get("head_commit") if isinstance(data.get("head_commit"), dict) else None
    paths: set[str] = set()
    for i, commit in enumerate(commits):
        if not isinstance(commit, dict):
            raise InputError(f"push payload: commits[{i}] must be an object")
        paths.update(_changed_paths(commit, f"commits[{i}]"))
    if not commits and head is not None:
        paths.update(_changed_paths(head, "head_commit"))
    pusher = data.get("pusher") if isinstance(data.get("pusher"), dict) else {}
    repo = data.get("repository") if isinstance(data.get("repository"), dict) else {}
    return PushEvent(
        repository=_repository(data, required=True) or "",
        ref=ref,
        before=before,
        after=after,
        created=created,
        deleted=deleted,
        forced=forced,
        base_ref=data.get("base_ref") if isinstance(data.get("base_ref"), str) else None,
        changed_paths=frozenset(paths),
        paths_incomplete=_why_incomplete(
            commits, head, after, created=created, forced=forced, deleted=deleted
        ),
        head_commit_id=str(head["id"]) if head and head.get("id") else None,
        head_commit_message=str(head["message"]) if head and head.get("message") is not None else None,
        pusher=str((pusher or {}).get("name") or (pusher or {}).get("login") or ""),
        compare_url=str(data.get("compare") or ""),
        private=bool((repo or {}).get("private", False)),
        pushed_at=_pushed_at((repo or {}).get("pushed_at")),
    )


_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


def _commit_sha(data: Mapping[str, Any], name: str) -> str:
    """A push's `before` or `after`: a commit's SHA (40 hex digits; 64 in a SHA-256 repository), or
    all zeros for none. Anything else would name a run after it and fetch it from GitHub."""
    value = _field(data, name, str)
    if not _SHA.fullmatch(value):
        raise InputError(f"push payload: {name} is not a commit SHA (40 hex digits): {value[:60]!r}")
    return value


def _flag(data: Mapping[str, Any], name: str, default: bool) -> bool:
    """A push's true-or-false field (`deleted`, `forced`, `created`); `default` when absent or null.
    The string "false" is not false: it was read as true."""
    value = data.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise InputError(f"push payload: {name} must be true or false, not {str(value)[:40]!r}")
    return value


def _changed_paths(commit: Mapping[str, Any], where: str) -> list[str]:
    """A commit's added, modified and removed paths (lists of strings; a missing or null one is empty)."""
    paths: list[str] = []
    for kind in ("added", "modified", "removed"):
        listed = commit.get(kind)
        if listed is None:
            continue
        if not isinstance(listed, list):
            raise InputError(f"push payload: {where}.{kind} must be a list of paths")
        paths += [p for p in listed if isinstance(p, str)]
    return paths


def _pushed_at(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _why_incomplete(
    commits: list[Any],
    head: Mapping[str, Any] | None,
    after: str,
    *,
    created: bool,
    forced: bool,
    deleted: bool,
) -> str | None:
    if deleted:
        return None  # nothing to build, so nothing is missing
    if forced:
        return "a forced push may drop commits the payload does not list"
    if head is None:
        return "the payload has no head_commit"
    if not commits:
        # A new branch (or tag) whose commits already exist elsewhere lists none; its tree is new to us.
        return "the payload lists no commits" + (" (a new branch or tag)" if created else "")
    if len(commits) >= COMMITS_CAP:
        return f"the payload lists {len(commits)} commits, which GitHub may have truncated"
    if created:
        return "a new branch is compared with nothing we have built"
    if commits[-1].get("id") != after:
        return "the payload's last commit is not the pushed one"
    return None


def _repository(data: Mapping[str, Any], *, required: bool) -> str | None:
    repo = data.get("repository")
    name = repo.get("full_name") if isinstance(repo, dict) else None
    if isinstance(name, str) and name:
        return name
    if required:
        raise InputError("push payload: repository.full_name is missing")
    return None


def _field(data: Mapping[str, Any], name: str, kind: type[str]) -> str:
    value = data.get(name)
    if not isinstance(value, kind):
        raise InputError(f"push payload: {name} is missing or not a {kind.__name__}")
    return value
