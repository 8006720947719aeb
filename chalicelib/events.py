"""Typed views of incoming events and of the pipeline's own SQS messages.

Handlers in `app.py` only adapt: they turn a Lambda event into these types and hand them to
`pipeline`. Parsing here is strict: a message we cannot read is an `InputError` that names the
field, never a KeyError deep in a stage.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

from chalicelib.errors import InputError


@dataclass(frozen=True)
class ObjectCreated:
    """One S3 object that arrived in a bucket (from an S3 notification delivered through SQS).

    `sequencer` orders events of one key and, with the key, identifies the event: a retried message
    carries the same one.
    """

    bucket: str
    key: str
    size: int = 0
    etag: str = ""
    sequencer: str = ""
    event_time: datetime = field(default_factory=lambda: datetime.now(UTC))


def s3_objects_created(body: str) -> list[ObjectCreated]:
    """The created objects in an S3 notification message body; S3's test event gives none."""
    try:
        message = json.loads(body)
    except json.JSONDecodeError as exc:
        raise InputError(f"S3 notification is not JSON: {exc}") from exc
    if not isinstance(message, dict):
        raise InputError("S3 notification is not a JSON object")
    if message.get("Event") == "s3:TestEvent":
        return []
    records = message.get("Records", [])
    if not isinstance(records, list):
        raise InputError("S3 notification's Records is not a list")
    created = []
    for record in records:
        if not isinstance(record, dict):
            raise InputError("S3 notification record is not a JSON object")
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        try:
            s3 = record["s3"]
            created.append(
                ObjectCreated(
                    bucket=s3["bucket"]["name"],
                    # S3 notifications URL-encode keys with '+' for spaces.
                    key=unquote_plus(s3["object"]["key"]),
                    size=int(s3["object"].get("size", 0)),
                    etag=str(s3["object"].get("eTag", "")),
                    sequencer=str(s3["object"].get("sequencer", "")),
                    event_time=_event_time(record.get("eventTime")),
                )
            )
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise InputError(f"S3 notification record lacks or garbles {exc}") from exc
    return created


def _event_time(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)


@dataclass(frozen=True)
class FetchRequest:
    """Fetch a repository at a commit, then build it (a push)."""

    run_id: str
    site: str
    repository: str
    sha: str
    branch: str = "main"


@dataclass(frozen=True)
class BuildRequest:
    """Build the site source of a run."""

    run_id: str
    site: str
    source_key: str


@dataclass(frozen=True)
class DeployRequest:
    """Deploy a run's artifact to one stage (`staging` or `prod`)."""

    run_id: str
    site: str
    stage: str


@dataclass(frozen=True)
class CommitStatus:
    """A GitHub commit status for a push run, for the deploy function to post (the deploy queue).

    Stages hand their statuses over instead of posting them: the code-drop function runs in a VPC with
    no route to GitHub. The message carries all the post needs, so posting reads no run record; never
    the token, which only the posting function reads.
    """

    run_id: str
    site: str
    repository: str
    sha: str
    state: str
    description: str
    target_url: str
    #: GitHub shows one status per context: a preview's (`presslift/preview`) beside the staging one.
    context: str = "presslift"


@dataclass(frozen=True)
class PreviewRemoval:
    """Remove a site's preview at `path` (a pull request closed, its branch deleted), for the deploy
    function: on the site's FIFO group, after any publish of that preview still queued."""

    site: str
    path: str
    reason: str
    #: What asked for it (the delivery id): one removal per request, a repeat is dropped.
    requested_by: str
    #: The scheduled sweep's request for a preview idle this many days: removed only if it still is
    #: when the deploy function gets to it (a push since keeps it). 0: remove it whatever (a closed
    #: pull request, a deleted branch).
    idle_days: int = 0


@dataclass(frozen=True)
class ReviewRequest:
    """Render a live preview's build as prod would get it and review it against prod (the build queue:
    rendering is the build function's), then post the pull request's comment."""

    run_id: str
    site: str
    source_key: str


@dataclass(frozen=True)
class ProdBuildRequest:
    """Staging is live: render the run's source as prod would get it (the build queue), then ask for
    the approval."""

    run_id: str
    site: str
    source_key: str


@dataclass(frozen=True)
class ApprovalRequest:
    """Prod's tree is stored: plan prod, review the change and ask a person, or promote when the site
    says so (the deploy queue: the deploy function reads the prod target's publish record)."""

    run_id: str
    site: str


Message = (
    FetchRequest
    | BuildRequest
    | DeployRequest
    | CommitStatus
    | PreviewRemoval
    | ReviewRequest
    | ProdBuildRequest
    | ApprovalRequest
)

_MESSAGES: dict[str, type[Message]] = {
    "fetch": FetchRequest,
    "build": BuildRequest,
    "deploy": DeployRequest,
    "commit-status": CommitStatus,
    "remove-preview": PreviewRemoval,
    "review-preview": ReviewRequest,
    "build-prod": ProdBuildRequest,
    "ask-approval": ApprovalRequest,
}


def dedup_id(message: Message) -> str:
    """One message per run and step: a repeated send (a retried handler) is dropped by FIFO queues."""
    if isinstance(message, CommitStatus):
        return f"{message.run_id}-status-{message.state}"
    if isinstance(message, PreviewRemoval):
        return f"remove-{message.site}-{message.path}-{message.requested_by}"
    step = message.stage if isinstance(message, DeployRequest) else type(message).__name__
    return f"{message.run_id}-{step}"


def encode(message: Message) -> str:
    kind = next(name for name, cls in _MESSAGES.items() if isinstance(message, cls))
    return json.dumps({"type": kind, **asdict(message)}, sort_keys=True)


def decode(body: str) -> Message:
    try:
        data: dict[str, Any] = json.loads(body)
        cls = _MESSAGES[data.pop("type")]
        return cls(**data)
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"not a Presslift pipeline message ({exc}): {body[:200]!r}") from exc
