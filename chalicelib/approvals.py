"""Manual approval before prod: tokens, the email, and the rules of a decision.

The approval lives on its run (`run.approval`); its id is the run's id. The token is 256 random bits,
sent only in the email and stored only as its SHA-256, so a leaked table does not leak approvals.
Opening the link (GET) only shows what will happen: mail scanners open every link. Only a POST that
carries the token decides, once. Pure rules here; storing and enqueuing happen in `pipeline`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib import runview
from chalicelib.errors import ConflictError, ForbiddenError, InputError, NotFoundError, UnauthorizedError
from chalicelib.runparts import Approval
from chalicelib.runs import Run

DEFAULT_TTL = timedelta(hours=72)
DECISIONS = ("approve", "reject")


def ttl(hours: int | float | None) -> timedelta:
    """How long an approval stays open: the site's `approval_ttl_hours`, else 72 hours."""
    return timedelta(hours=hours) if hours else DEFAULT_TTL


def is_expired(run: Run, now: datetime) -> bool:
    return run.approval is not None and run.approval.is_expired(now)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_approval(now: datetime, ttl: timedelta = DEFAULT_TTL) -> tuple[Approval, str]:
    """A pending approval and the token to send (never stored)."""
    token = secrets.token_urlsafe(32)
    approval = Approval(
        token_sha256=hash_token(token),
        requested_at=now.isoformat(),
        expires_at=(now + ttl).isoformat(),
    )
    return approval, token


def check_pending(run: Run, now: datetime) -> None:
    """Raise unless `run` has an approval that can still be decided."""
    approval = run.approval
    if approval is None:
        raise NotFoundError(f"run {run.id} has no approval")
    status = approval.status
    if status == "pending" and run.status == "superseded":
        newer = approval.superseded_by or "a newer run"
        raise ConflictError(f"run {run.id} was superseded by {newer}; decide on that run instead")
    if status == "pending" and run.finished:
        # Approving a run that has ended would answer "being deployed" and deploy nothing.
        ended = next((s for s in run.stages if s.error), None)
        why = f" at {ended.name}: {ended.error}" if ended else ""
        raise ConflictError(f"run {run.id} has ended ({run.status}{why}); it can no longer be approved")
    if status == "expired":
        raise ForbiddenError(f"this approval expired at {_at(approval.expires_at)}")
    if status != "pending":
        raise ConflictError(f"this approval was already decided: {status} at {_at(approval.decided_at)}")
    if approval.is_expired(now):
        raise ForbiddenError(f"this approval expired at {_at(approval.expires_at)}")


def _at(moment: str | None) -> str:
    """A time as people read it (`2026-12-04 22:42 UTC`), never Python's `...T22:42:40.143555+00:00`."""
    return runview.when(moment) or str(moment or "an unknown time")


def check_token(run: Run, token: str | None, now: datetime) -> None:
    """Raise unless `token` opens a pending, unexpired approval of `run`."""
    if run.approval is None:
        raise NotFoundError(f"run {run.id} has no approval")
    if not token:
        raise UnauthorizedError("this approval link has no token; open the link from the email")
    if not hmac.compare_digest(hash_token(token), run.approval.token_sha256):
        raise UnauthorizedError("this approval token is not valid for this run")
    check_pending(run, now)


def not_approved_because(run: Run) -> str | None:
    """None when a person approved `run` (the decision and its time are on the run); else why not, in
    the few words that finish "run X is not approved for prod (...)"."""
    approval = run.approval
    stage = next((s for s in run.stages if s.name == "approval"), None)
    approved = approval is not None and approval.status == "approved" and approval.decided_at
    if approved and stage is not None and stage.status == "succeeded":
        return None
    if run.status == "superseded":
        return f"superseded by {(approval.superseded_by if approval else '') or 'a newer run'}"
    if approval is None:
        where = "it has no approval stage" if stage is None else f"the approval stage is {stage.status}"
        return f"no approval was asked for: {where}"
    if approval.status == "pending":
        return "awaiting approval"
    if approval.status == "rejected":
        return f"rejected by the approver at {approval.decided_at}"
    if approval.status == "expired":
        return f"its approval expired at {approval.expires_at}"
    return f"approval {approval.status}"


@dataclass(frozen=True)
class Decision:
    decision: str
    source_ip: str = ""
    user_agent: str = ""


def record_decision(run: Run, decision: Decision, now: datetime) -> None:
    """Approve or reject the run (call inside a run update, after `check_token`)."""
    if decision.decision not in DECISIONS:
        # The link is genuine; the form is not: 400, never the 401 a forged link gets.
        raise InputError(f"decision must be one of {', '.join(DECISIONS)}, not {decision.decision!r}")
    decide = run.approve if decision.decision == "approve" else run.reject
    decide(now, decision.source_ip, decision.user_agent[:300])


def email(
    run: Run, *, approval_url: str, staging_url: str, plan_text: str, run_page_url: str
) -> tuple[str, str]:
    """Subject and plain-text body of the approval email; `run_page_url`, the run's dashboard page."""
    expires = run.approval.expires_at if run.approval else ""
    trigger = run.trigger.text
    subject = f"[Presslift] Approve {run.site} for prod? ({trigger})"[:100]
    body = "\n".join(
        [
            f"Run {run.id} of site {run.site} is on staging and waits for your approval to go to prod.",
            "",
            f"Triggered by: {trigger}",
            f"Staging:      {staging_url}",
            f"Run details:  {run_page_url}",
            "              (operators: open it through `presslift dashboard`)",
            "",
            *_warning_lines(run),
            *_review_lines(run),
            "What will change on prod:",
            plan_text,
            "",
            "Review and decide (opening the link changes nothing; you confirm on the page):",
            approval_url,
            "",
            f"This approval expires at {runview.when(expires) or 'an unknown time'}.",
        ]
    )
    return subject, body


def _warning_lines(run: Run) -> list[str]:
    """The run's warnings, in brief (`runview.warning_brief`), before the change; nothing without."""
    brief = runview.warning_brief(run)
    return [f"Warnings:     {brief[0]}", *(f"  - {line}" for line in brief[1:]), ""] if brief else []


def _review_lines(run: Run) -> list[str]:
    """The change review's first pages in the email (a Hugo site's; see `review.approval`), or why there
    is none; nothing for a run without one."""
    review = run.approval.review if run.approval else {}
    if "unavailable" in review:
        return [f"Change review unavailable: {review['unavailable']}", ""]
    if not review.get("text"):
        return []
    return [
        "What changed on the site (the first pages of each list; the approval page below has them all,",
        "with links to each page on staging and prod):",
        str(review["text"]),
        "",
    ]
