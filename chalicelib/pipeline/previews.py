"""Preview runs: a pull request's head (or a preview branch's push) fetched, built and published to a
folder of its own on staging, then shown where people look (a commit status, one pull-request comment);
and removed when the pull request closes or the branch goes.

A preview's run is a push's run with three stages (`fetch`, `build`, `deploy-preview`) and no approval:
`clearance` keeps it off every target but its own preview. It takes no generation, so it never
supersedes a staging or prod run. Latest wins per preview: the preview's record names the newest run
(`Preview.run_id`); an older run that finds a newer one there ends superseded before it fetches or
publishes. Publishing, removing, the status and the comment all happen in the deploy function (the
site's FIFO group orders a removal after a publish still queued), the one that reads the GitHub token.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, replace
from typing import Any

from chalicelib import clearance, events
from chalicelib.budget import TimeBudget
from chalicelib.errors import ForbiddenError, NotFoundError, PipelineError
from chalicelib.github.pullrequest import PullRequestEvent
from chalicelib.github.webhook import PushEvent
from chalicelib.notify import PREVIEW_CONTEXT
from chalicelib.pipeline.steps import create, enqueue
from chalicelib.previews.decide import PreviewDecision
from chalicelib.previews.naming import PREVIEW, preview_url
from chalicelib.previews.registry import Preview
from chalicelib.runmodel import new_run_id, utc_now
from chalicelib.runparts import Trigger
from chalicelib.runs import Run
from chalicelib.services import Services
from chalicelib.sitemodel import Site
from chalicelib.stages import StageResult, run_stage
from chalicelib.work import build as build_work
from chalicelib.work import deploy as deploy_work

log = logging.getLogger(__name__)

STAGE = f"deploy-{PREVIEW}"
REVIEW = "review"
PREVIEW_STAGES = ("fetch", "build", STAGE, REVIEW)


def start(svc: Services, site: Site, event: PullRequestEvent | PushEvent, decision: PreviewDecision) -> Run:
    """Record the preview's run and queue its fetch; the preview's record now names this run."""
    assert site.repo, "previews are of a repository's commits"
    path = decision.path
    url = preview_url(svc, site, path)
    if isinstance(event, PullRequestEvent):
        trigger, sha, branch = Trigger.of_pull_request(event, path), event.head_sha, event.head_ref
    else:
        trigger, sha, branch = Trigger.of_branch_preview(event, path), event.after, event.branch or ""
    run = create(
        svc,
        Run.for_push(
            new_run_id(svc.clock()), site.name, "hugo", trigger, PREVIEW_STAGES, urls={PREVIEW: url}
        ),
        newer_build=False,
    )
    svc.previews.save(_building(svc.previews.get(site.name, path), site, run, url))
    # The base repository serves a fork's head commit too: the fetch never reaches into the fork.
    enqueue(svc, "build", events.FetchRequest(run.id, site.name, site.repo, sha, branch))
    svc.notifier.commit_status(run, "pending", "Presslift is building the preview")
    return run


def _building(old: Preview | None, site: Site, run: Run, url: str) -> Preview:
    trigger = run.trigger
    kept: dict[str, Any] = {"comment_id": old.comment_id} if old is not None else {}
    return Preview(
        site=site.name,
        path=trigger.preview,
        kind="pull_request" if trigger.number else "branch",
        repository=trigger.repository,
        head_sha=trigger.sha,
        url=url,
        status="building",
        updated_at=utc_now(),
        number=trigger.number or None,
        branch=trigger.branch,
        title=trigger.title,
        author=trigger.pusher,
        fork=trigger.head_repository.lower() != trigger.repository.lower(),
        run_id=run.id,
        **kept,
    )


def refuse(svc: Services, site: Site, event: PullRequestEvent, decision: PreviewDecision) -> None:
    """A pull request the site does not preview (from a fork, when forks are not allowed): nothing is
    built, and its commit status and the preview's record say why."""
    url = preview_url(svc, site, decision.path)
    old = svc.previews.get(site.name, decision.path)
    svc.previews.save(
        Preview(
            site=site.name,
            path=decision.path,
            kind="pull_request",
            repository=event.repository,
            head_sha=event.head_sha,
            url=url,
            status="not built",
            updated_at=utc_now(),
            number=event.number,
            branch=event.head_ref,
            title=event.title,
            author=event.author,
            fork=event.fork,
            comment_id=old.comment_id if old is not None else None,
            reason=decision.reason,
        )
    )
    svc.notifier.hand_over_status(
        events.CommitStatus(
            run_id=f"preview-{site.name}-{event.number}-{event.short_sha}",
            site=site.name,
            repository=event.repository,
            sha=event.head_sha,
            state="error",
            description=decision.reason,
            target_url="",  # the operator's dashboard is no page a pull request's author can open
            context=PREVIEW_CONTEXT,
        )
    )


def request_removal(svc: Services, site: Site, decision: PreviewDecision, delivery_id: str) -> None:
    """Queue the preview's removal for the deploy function (after any publish of it still queued)."""
    enqueue(svc, "deploy", events.PreviewRemoval(site.name, decision.path, decision.reason, delivery_id))


def stale(svc: Services, run: Run) -> str | None:
    """Why a preview's run must not go on (a newer push to its pull request or branch is previewed by
    a newer run, or the preview was removed), or None."""
    if run.trigger.type != "preview":
        return None
    preview = svc.previews.get(run.site, run.trigger.preview)
    if preview is None or preview.status == "removed":
        return f"the preview {run.trigger.preview} was removed; nothing to publish"
    if preview.run_id != run.id:
        return f"superseded by run {preview.run_id}, a newer push to {_subject(run)}"
    return None


def deploy(svc: Services, request: events.DeployRequest, *, final_attempt: bool = True) -> Run | None:
    """Publish the preview's tree to its folder, then say where it is: the record, the commit status
    and the pull request's comment with the change review."""
    run = svc.runs.get(request.run_id)
    try:
        clearance.check(svc, run, request.stage)
    except ForbiddenError as exc:  # the message itself is wrong: dropped, the run goes on as it was
        log.warning("run %s: refused a message to %s: %s", run.id, request.stage, exc)
        return None
    if run.finished or run.stage(STAGE).status == "succeeded":
        return run
    reason = stale(svc, run)
    if reason:
        svc.runs.update(run.id, lambda r: r.supersede(STAGE, reason) if r.may("supersede") else None)
        return None
    deployed = run_stage(
        svc.runs, run.id, STAGE, lambda r: deploy_work.deploy(svc, r, PREVIEW), final_attempt=final_attempt
    )
    if deployed is None:
        failed(svc, run.id)
        return None
    done, result = deployed
    svc.previews.update(
        run.site,
        run.trigger.preview,
        lambda p: replace(p, status="live", reason="") if p.run_id == run.id else None,
    )
    published = result.publish
    svc.notifier.commit_status(
        done,
        "success",
        f"Preview live: {published.uploaded} uploaded, {published.deleted} deleted",
        url=done.urls.get(PREVIEW),
    )
    source_key = str(done.stage("fetch").detail.get("source_key") or "")
    enqueue(svc, "build", events.ReviewRequest(run.id, run.site, source_key))
    return done


def review(
    svc: Services,
    request: events.ReviewRequest,
    *,
    final_attempt: bool = True,
    budget: TimeBudget | None = None,
) -> Run | None:
    """With the preview live: render its build as prod would get it, then post the pull request's
    comment with the change review, and end the run. A render that fails is no failed preview: the
    comment says the review is unavailable, and why."""
    run = svc.runs.get(request.run_id)
    if run.finished or run.stage(REVIEW).status == "succeeded":
        return run
    budget = budget or TimeBudget.from_context(None)

    def work(r: Run) -> StageResult:
        try:
            return build_work.render_prod(svc, r, request.source_key, budget)
        except PipelineError as exc:
            return Unreviewed(f"The change review is unavailable: the build for it failed ({exc})")

    done = run_stage(svc.runs, run.id, REVIEW, work, final_attempt=final_attempt)
    if done is None:
        return None
    reviewed, result = done
    preview = svc.previews.get(run.site, run.trigger.preview)
    if preview is not None and preview.run_id == run.id and preview.number:
        from chalicelib.pipeline.previewcomment import post_comment

        note = result.reason if isinstance(result, Unreviewed) else ""
        post_comment(svc, reviewed, preview, note=note)
    return svc.runs.update(run.id, lambda r: r.finish() if r.may("finish") else None)


@dataclass(frozen=True)
class Unreviewed:
    """The review stage's result when its render failed: the preview stays live; why, in words."""

    reason: str

    def detail(self) -> dict[str, Any]:
        return {"summary": self.reason, "warnings": 1}


def failed(svc: Services, run_id: str) -> None:
    """A preview's run failed: its record says so, its commit status fails with a link to the run (no
    email: a preview's failure is the pull request's author's to see, not the operator's)."""
    run = svc.runs.get(run_id)
    if run.status != "failed":
        return
    why = next((s.error for s in run.stages if s.status == "failed" and s.error), "") or "the run failed"
    if (preview := svc.previews.get(run.site, run.trigger.preview)) is not None and preview.run_id == run.id:
        svc.previews.update(
            run.site, run.trigger.preview, lambda p: replace(p, status="failed", reason=str(why)[:500])
        )
    svc.notifier.commit_status(run, "failure", f"Preview failed: {why}"[:140])


def ended_unbuilt(svc: Services, run_id: str, reason: str) -> None:
    """A preview's run ended before building (its pull request gone, its head moved on): its record
    says so, unless a newer run of the same preview has taken it over. It was left `building`, and
    listed so until the idle sweep, two weeks on."""
    run = svc.runs.get(run_id)
    if run.trigger.type != "preview" or not run.trigger.preview:
        return
    with contextlib.suppress(NotFoundError):  # removed meanwhile (closed): nothing listed to put right
        svc.previews.update(
            run.site,
            run.trigger.preview,
            lambda p: (
                replace(p, status="not built", reason=reason[:500])
                if p.run_id == run.id and p.status == "building"
                else None
            ),
        )


def remove(svc: Services, request: events.PreviewRemoval) -> None:
    """Remove the preview's objects (`previews.removal`), mark it removed, and say so on its comment."""
    from chalicelib.previews.removal import apply_removal

    preview = svc.previews.get(request.site, request.path)
    if preview is None:
        log.info("no preview %s of %s to remove (%s)", request.path, request.site, request.reason)
        return
    if request.idle_days:
        from chalicelib.previews.expiry import is_idle

        if not is_idle(preview, request.idle_days, svc.clock()):
            log.info(
                "preview %s of %s is kept: it changed after the sweep found it idle",
                request.path,
                request.site,
            )
            return
    site = svc.sites.registration(request.site)
    removed = apply_removal(svc, site, preview, request.reason)
    log.info("preview %s of %s: %s", request.path, request.site, removed.summary)
    if preview.number:
        from chalicelib.pipeline.previewcomment import post_removed

        post_removed(svc, svc.previews.get(request.site, request.path) or preview, request.reason)


def _subject(run: Run) -> str:
    return f"pull request #{run.trigger.number}" if run.trigger.number else f"branch {run.trigger.branch}"
