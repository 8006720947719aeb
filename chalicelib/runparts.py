"""What a run carries between its stages, typed: what started it (`Trigger`), the build it deploys
(`ArtifactRef`) and the approval prod waits for (`Approval`).

Plain frozen values: a stage reads `run.trigger.sha`, never `run.trigger.get("sha")`, and a change
makes a new value (`dataclasses.replace`). How they are stored is `runformat`'s business; this module
must never talk to a store or decide what a run does next.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, get_args

if TYPE_CHECKING:
    from chalicelib.github.pullrequest import PullRequestEvent
    from chalicelib.github.webhook import PushEvent

TriggerType = Literal["import", "push", "rollback", "publish", "preview"]
TRIGGER_TYPES: tuple[TriggerType, ...] = get_args(TriggerType)
#: Runs that put back an artifact a target had (or publish one again) instead of building one.
RESTORING: tuple[TriggerType, ...] = ("rollback", "publish")

ApprovalStatus = Literal["pending", "approved", "rejected", "expired"]
APPROVAL_STATUSES: tuple[ApprovalStatus, ...] = get_args(ApprovalStatus)


@dataclass(frozen=True)
class Trigger:
    """What started a run, with the fields its type has (the others stay empty).

    import: `bucket`, `key` of the export. push: `repository`, `ref`, `branch`, `sha`, `before`,
    `forced`, `pusher`, `message` (the head commit's first line), `compare` (GitHub's URL).
    preview: as a push (its `ref` is `refs/pull/N/head` for a pull request), and the `preview` path it
    publishes (`previews/pr-12/`), the pull request's `number` (0 for a branch), `head_repository`
    (a fork's, where the head lives) and `title`.
    rollback and publish: the `target` they change, `to_run` (the run whose build comes back; a code
    rollback names `to_release` instead, empty for "the previous one"), `by` whom, `allow_deletes`.
    """

    type: TriggerType
    summary: str = ""
    bucket: str = ""
    key: str = ""
    repository: str = ""
    ref: str = ""
    branch: str = ""
    sha: str = ""
    before: str = ""
    forced: bool = False
    pusher: str = ""
    message: str = ""
    compare: str = ""
    target: str = ""
    to_run: str = ""
    to_release: str = ""
    by: str = ""
    allow_deletes: bool = False
    preview: str = ""
    number: int = 0
    head_repository: str = ""
    title: str = ""

    @property
    def restoring(self) -> bool:
        """Whether the run puts back an artifact instead of building one (a rollback or a publish)."""
        return self.type in RESTORING

    @property
    def text(self) -> str:
        """What started the run, in the words the run was given (its type when it has no summary)."""
        return self.summary or self.type

    @classmethod
    def of_import(cls, bucket: str, key: str, name: str) -> Trigger:
        return cls("import", f"import of {name}", bucket=bucket, key=key)

    @classmethod
    def of_push(cls, push: PushEvent) -> Trigger:
        """The trigger of a GitHub push (`github.webhook.PushEvent`): what a run keeps of the payload."""
        lines = (push.head_commit_message or "").strip().splitlines()
        where = push.branch if push.branch is not None else f"tag {push.tag}"
        summary = f"push {push.short_sha} to {where} by {push.pusher}" + (
            f": {lines[0][:80]}" if lines else ""
        )
        return cls(
            "push",
            summary,
            repository=push.repository,
            ref=push.ref,
            branch=push.branch or "",
            sha=push.after,
            before=push.before or "",
            forced=bool(push.forced),
            pusher=push.pusher or "",
            message=lines[0][:200] if lines else "",
            compare=push.compare_url or "",
        )

    @classmethod
    def of_pull_request(cls, event: PullRequestEvent, preview: str) -> Trigger:
        """The trigger of a pull request's preview (`github.pullrequest.PullRequestEvent`)."""
        return cls(
            "preview",
            f"preview of pull request #{event.number} at {event.short_sha} by {event.author}: "
            f"{event.title[:80]}",
            repository=event.repository,
            ref=event.ref,
            branch=event.head_ref,
            sha=event.head_sha,
            pusher=event.author,
            message=event.title[:200],
            compare=event.html_url,
            preview=preview,
            number=event.number,
            head_repository=event.head_repository,
            title=event.title[:300],
        )

    @classmethod
    def of_branch_preview(cls, push: PushEvent, preview: str) -> Trigger:
        """The trigger of a branch's preview: the push's, publishing to `preview`."""
        pushed = cls.of_push(push)
        return replace(
            pushed,
            type="preview",
            summary="preview of " + pushed.summary,
            preview=preview,
            head_repository=push.repository,
        )


@dataclass(frozen=True)
class ArtifactRef:
    """The build a run deploys: the run that built it (`artifact_run`: the run's own after its build, an
    earlier run's for a rollback or a publish) and the presslift.toml it was built with."""

    artifact_run: str = ""
    presslift_toml: str = ""


@dataclass(frozen=True)
class Approval:
    """The approval prod waits for; its id is the run's. Only the token's SHA-256 is kept.

    `plan`, `plan_files` and `plan_text` are prod's deploy plan as the approver was shown it (its
    summary, its file list, its text); `superseded_by` names the newer run that made it undecidable.
    `review` is the change review's brief (Hugo sites; see `review.approval`): its summary, its first
    pages and the key of the whole review's artifact, or `{"unavailable": reason}`; empty without one.
    """

    token_sha256: str = ""
    requested_at: str = ""
    expires_at: str = ""
    status: ApprovalStatus = "pending"
    decided_at: str = ""
    source_ip: str = ""
    user_agent: str = ""
    superseded_by: str = ""
    plan: dict[str, Any] = field(default_factory=dict)
    plan_files: dict[str, Any] = field(default_factory=dict)
    plan_text: str = ""
    review: dict[str, Any] = field(default_factory=dict)

    def is_expired(self, now: datetime) -> bool:
        return bool(self.expires_at) and datetime.fromisoformat(self.expires_at) <= now
