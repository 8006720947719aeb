"""Telling people what happened: SNS messages (approval requests, failures, prod deploys) and GitHub
commit statuses.

Notifications never fail a stage: one that cannot be sent is logged and the run goes on. The approval
request is the exception: without its email nobody can approve, so its failure propagates and the step
is retried.

Never: post a commit status from a stage. Stages hand statuses over (`commit_status`) to the deploy
function, the one function that posts them (`post_commit_status`): one poster keeps a commit's
statuses in order, and only the deploy function's role reads the GitHub token.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib import approvals, events, runview
from chalicelib.collaborators import Clock, Queue
from chalicelib.config import Settings
from chalicelib.runs import Run

if TYPE_CHECKING:
    from chalicelib.services import Services

log = logging.getLogger(__name__)

#: The commit status contexts: a push's run, and a preview's (GitHub shows one status per context).
DEFAULT_CONTEXT = "presslift"
PREVIEW_CONTEXT = "presslift/preview"


class Topics(Protocol):
    """Where the SNS client comes from: made on first use, so a function that only hands over statuses
    never makes one."""

    @property
    def sns(self) -> Any: ...


class Notifier:
    """What the pipeline tells people, through the approvals topic and the deploy queue."""

    def __init__(self, settings: Settings, clock: Clock, queue: Queue, topics: Topics) -> None:
        self._settings = settings
        self._clock = clock
        self._queue = queue
        self._topics = topics

    def _publish(self, subject: str, body: str) -> None:
        self._topics.sns.publish(
            TopicArn=self._settings.approvals_topic_arn, Subject=sns_subject(subject), Message=body
        )

    def approval_requested(self, run: Run, approval_url: str) -> None:
        subject, body = approvals.email(
            run,
            approval_url=approval_url,
            staging_url=self._url(run, "staging"),
            plan_text=run.approval.plan_text if run.approval else "",
            run_page_url=self._settings.links.run_page(run.id),
        )
        self._publish(subject, body)

    def _story(self, run: Run) -> list[str]:
        """The lines every email tells about a run: trigger, status, when, how long, and its page."""
        now = self._clock()
        started = runview.run_started(run)
        return [
            f"Triggered by: {run.trigger.text}",
            f"Status:       {runview.status_line(run)}",
            f"Started:      {runview.when(started)} ({runview.ago(started, now)})",
            f"Took:         {runview.run_took(run, now)}",
            f"Details:      {self._settings.links.run_page(run.id)}",
            "              (operators: open it through `presslift dashboard`)",
        ]

    def run_failed(self, run: Run) -> None:
        failed = next((stage for stage in run.stages if stage.status == "failed"), None)
        where = failed.name if failed else "a stage"
        body = "\n".join(
            [
                f"Run {run.id} of site {run.site} failed at {where}.",
                "",
                *self._story(run),
                "",
                f"Error: {failed.error if failed else 'unknown'}",
                "",
                "Nothing from this run was published past the failed stage.",
            ]
        )
        self._quietly(f"[Presslift] {run.site}: {where} failed", body)

    def _url(self, run: Run, stage: str) -> str:
        """The stage's URL as the run recorded it (the site's own domain, when it has one)."""
        return run.urls.get(stage) or self._settings.shared_site_url(run.site, stage)

    def deployed(self, run: Run, stage: str) -> None:
        url = self._url(run, stage)
        body = "\n".join(
            [f"Run {run.id} of site {run.site} is live on {stage}: {url}", "", *self._story(run)]
        )
        self._quietly(f"[Presslift] {run.site} deployed to {stage}", body)

    def _quietly(self, subject: str, body: str) -> None:
        try:
            self._publish(subject, body)
        except Exception:
            log.exception("could not publish the notification %r", subject)

    def commit_status(self, run: Run, state: str, description: str, *, url: str | None = None) -> None:
        """Hand a push run's commit status to the deploy function, which posts it (`post_commit_status`).

        Stages never post themselves: one poster keeps a commit's statuses in order, and only its role
        reads the GitHub token. They go on the deploy queue in a group of their
        own per site (FIFO: in the order sent, never held up behind a deploy), one message per run and
        state.
        """
        repository, sha = run.trigger.repository, run.trigger.sha
        if run.trigger.type not in ("push", "preview") or not repository or not sha:
            return
        message = events.CommitStatus(
            run_id=run.id,
            site=run.site,
            repository=repository,
            sha=sha,
            state=state,
            description=description,
            target_url=url or self._settings.links.run_page(run.id),
            context=PREVIEW_CONTEXT if run.trigger.type == "preview" else DEFAULT_CONTEXT,
        )
        self.hand_over_status(message)

    def hand_over_status(self, message: events.CommitStatus) -> None:
        """Queue one commit status for the deploy function to post (see `commit_status`)."""
        try:
            self._queue.send(
                "deploy",
                events.encode(message),
                group=f"{message.site}/statuses",
                dedup=events.dedup_id(message),
            )
        except Exception:
            log.exception("could not hand over the %s status of run %s", message.state, message.run_id)


def post_commit_status(svc: Services, status: events.CommitStatus) -> None:
    """Post a handed-over status to GitHub, when a token is configured (the deploy function only)."""
    from chalicelib.github import api_base, post_status

    try:
        token = svc.github_token()
        if not token:
            return
        post_status(
            api_base(),
            status.repository,
            status.sha,
            status.state,
            target_url=status.target_url,
            description=status.description,
            context=status.context,
            token=token,
        )
    except Exception:
        log.exception("could not post the %s status of run %s", status.state, status.run_id)


#: SNS refuses a subject of 100 characters or more, or with a line break or control character in it.
SUBJECT_MAX = 99


def sns_subject(subject: str) -> str:
    """`subject` as SNS takes it: a commit message's first line may hold a tab, a carriage return or
    an escape character, and SNS would refuse the approval email over it (the run would wait for an
    approval no one was asked for)."""
    shown = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in subject)
    return " ".join(shown.split())[:SUBJECT_MAX]
