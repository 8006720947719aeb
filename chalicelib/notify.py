"""Telling people what happened: SNS messages (approval requests, failures, prod deploys) and GitHub
commit statuses.

Notifications never fail a stage: a status that cannot be posted is logged and the run goes on. The
approval request is the exception: without its email nobody can approve, so its failure propagates and
the step is retried.
"""

from __future__ import annotations

import logging

from chalicelib import approvals
from chalicelib.runs import Run
from chalicelib.services import Services

log = logging.getLogger(__name__)


def _publish(svc: Services, subject: str, body: str) -> None:
    svc.sns.publish(TopicArn=svc.settings.approvals_topic_arn, Subject=subject[:100], Message=body)


def approval_requested(svc: Services, run: Run, approval_url: str) -> None:
    subject, body = approvals.email(
        run,
        approval_url=approval_url,
        staging_url=svc.settings.site_url(run.site, "staging"),
        plan_text=str(run.approval.get("plan_text", "")),
    )
    _publish(svc, subject, body)


def run_failed(svc: Services, run: Run) -> None:
    failed = next((stage for stage in run.stages if stage.status == "failed"), None)
    where = failed.name if failed else "a stage"
    body = "\n".join(
        [
            f"Run {run.id} of site {run.site} failed at {where}.",
            "",
            f"Triggered by: {run.trigger.get('summary') or run.trigger.get('type')}",
            f"Error: {failed.error if failed else 'unknown'}",
            "",
            f"Details: {svc.settings.run_url(run.id)}",
            "Nothing from this run was published past the failed stage.",
        ]
    )
    _quietly(svc, f"[Presslift] {run.site}: {where} failed", body)


def deployed(svc: Services, run: Run, stage: str) -> None:
    url = svc.settings.site_url(run.site, stage)
    body = "\n".join(
        [
            f"Run {run.id} of site {run.site} is live on {stage}: {url}",
            "",
            f"Triggered by: {run.trigger.get('summary') or run.trigger.get('type')}",
            f"Details: {svc.settings.run_url(run.id)}",
        ]
    )
    _quietly(svc, f"[Presslift] {run.site} deployed to {stage}", body)


def _quietly(svc: Services, subject: str, body: str) -> None:
    try:
        _publish(svc, subject, body)
    except Exception:
        log.exception("could not publish the notification %r", subject)


def commit_status(svc: Services, run: Run, state: str, description: str, *, url: str | None = None) -> None:
    """Post a GitHub commit status for a push run, when a token is configured."""
    if run.trigger.get("type") != "push":
        return
    from chalicelib.github import api_base, post_status

    try:
        token = svc.github_token()
        if not token:
            return
        post_status(
            api_base(),
            str(run.trigger["repository"]),
            str(run.trigger["sha"]),
            state,
            target_url=url or svc.settings.run_url(run.id),
            description=description,
            context="presslift",
            token=token,
        )
    except Exception:
        log.exception("could not post the %s status of run %s", state, run.id)
