"""The runs that build: an export arrives or a push is made, then fetch, build, deploy and code drop,
each step the whole work of one Lambda invocation for one message.

Every step is safe to repeat (SQS delivers at least once): a finished stage is not run again. Latest
wins: a deploy to staging goes ahead only if no newer run of the site has started since, and the deploy
queue is FIFO per site, so two pushes in quick succession never deploy out of order. Prod changes only
for a run that `clearance` clears, checked before anything else happens, the latest-wins claim included.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from chalicelib import clearance, events, notify
from chalicelib.budget import TimeBudget
from chalicelib.clearance import stage_name
from chalicelib.errors import ForbiddenError, InputError
from chalicelib.ingest import Rejected, classify, quarantine_key
from chalicelib.pipeline.approval import after_staging
from chalicelib.pipeline.steps import after_failure, create, enqueue, promote
from chalicelib.resources import CODE_STAGES, SITE_STAGES
from chalicelib.runs import Run, Stage, new_run_id
from chalicelib.services import Services
from chalicelib.sitemodel import Site
from chalicelib.stages import end_run, run_stage
from chalicelib.work import build as build_work
from chalicelib.work import codedrop as codedrop_work
from chalicelib.work import convert as convert_work
from chalicelib.work import deploy as deploy_work
from chalicelib.work import fetch as fetch_work

log = logging.getLogger(__name__)

AFTER_SOURCE = ("build", "deploy-staging", "approval", "deploy-prod")
IMPORT_STAGES = ("convert", *AFTER_SOURCE)
PUSH_STAGES = ("fetch", *AFTER_SOURCE)
CODE_PUSH_STAGES = ("fetch", "build", "codedrop-dev", "codedrop-stage", "approval", "codedrop-prod")

# --- import: a WordPress export arrived ----------------------------------------------------------


def import_run_id(created: events.ObjectCreated) -> str:
    """The same S3 event always names the same run, so a retried message continues it."""
    digest = hashlib.sha256(f"{created.bucket}/{created.key}/{created.sequencer}".encode()).hexdigest()[:6]
    return f"{created.event_time:%Y%m%d-%H%M%S}-{created.event_time.microsecond // 1000:03d}-{digest}"


def start_import(svc: Services, created: events.ObjectCreated, *, final_attempt: bool = True) -> Run | None:
    """An object arrived in the ingest bucket: an export is converted and its build enqueued; anything
    else but an uploads archive is rejected where the operator will see it (`reject`)."""
    export = classify(created.key)
    if export is None:
        log.info("s3://%s/%s waits or is Presslift's own: nothing to do", created.bucket, created.key)
        return None
    if isinstance(export, Rejected):
        return reject(svc, created, export, final_attempt=final_attempt)
    run = _import_run(svc, created, export.site, export.name)
    done = run_stage(
        svc,
        run.id,
        "convert",
        lambda r: convert_work.convert(svc, r, created.bucket, export),
        final_attempt=final_attempt,
    )
    if done is None:
        after_failure(svc, run.id)
        return svc.runs.get(run.id)
    source_key = done.stage("convert").detail["source_key"]
    enqueue(svc, "build", events.BuildRequest(run_id=run.id, site=run.site, source_key=source_key))
    return done


def _import_run(svc: Services, created: events.ObjectCreated, site: str, name: str) -> Run:
    return create(
        svc,
        Run(
            id=import_run_id(created) if created.sequencer else new_run_id(svc.clock()),
            site=site,
            kind="hugo",
            trigger={
                "type": "import",
                "bucket": created.bucket,
                "key": created.key,
                "summary": f"import of {name}",
            },
            stages=[Stage(stage) for stage in IMPORT_STAGES],
            urls={stage: svc.settings.site_url(site, stage) for stage in SITE_STAGES},
        ),
    )


def reject(
    svc: Services, created: events.ObjectCreated, rejected: Rejected, *, final_attempt: bool
) -> Run | None:
    """Move an object that is no export to imports-failed/ with the reason beside it; when its key
    names a site, also record a failed import run for that site, so `presslift runs`, the dashboard
    and the failure email show it. Nothing that arrives vanishes without a trace."""
    # The run first: by the time the file has left imports/, the run that explains it is there.
    run = _import_run(svc, created, rejected.site, created.key.rsplit("/", 1)[-1]) if rejected.site else None
    moved = quarantine_key(svc.s3, created.bucket, created.key, rejected.reason)
    log.warning("s3://%s/%s rejected (%s); moved to %s", created.bucket, created.key, rejected.reason, moved)
    if run is None:
        return None  # no site to show it under: it waits in imports-failed/ with its reason
    reason = f"{rejected.reason} (moved to s3://{created.bucket}/{moved})"

    def refuse(_: Run) -> dict[str, Any]:
        raise InputError(reason)

    if run_stage(svc, run.id, "convert", refuse, final_attempt=final_attempt) is None:
        after_failure(svc, run.id)
    return svc.runs.get(run.id)


# --- push: a GitHub push to a registered site ------------------------------------------------------


def start_push(svc: Services, site: Site, push: Any) -> Run:
    """Record a run for a push that should build, and queue its fetch (the webhook answers at once)."""
    message = (push.head_commit_message or "").strip().splitlines()
    summary = f"push {push.short_sha} to {push.branch} by {push.pusher}" + (
        f": {message[0][:80]}" if message else ""
    )
    run = create(
        svc,
        Run(
            id=new_run_id(svc.clock()),
            site=site.name,
            kind=site.kind,
            trigger={**push.summary(), "type": "push", "branch": push.branch, "summary": summary},
            stages=[Stage(name) for name in (CODE_PUSH_STAGES if site.kind == "code" else PUSH_STAGES)],
            urls={}
            if site.kind == "code"
            else {stage: svc.settings.site_url(site.name, stage) for stage in SITE_STAGES},
        ),
    )
    request = events.FetchRequest(run.id, site.name, push.repository, push.after, push.branch or site.branch)
    enqueue(svc, "build", request)
    return run


def fetch(
    svc: Services,
    request: events.FetchRequest,
    *,
    final_attempt: bool = True,
    budget: TimeBudget | None = None,
) -> Run | None:
    """Fetch the pushed commit, keep its presslift.toml with the run, then build it; a push that is no
    longer its branch's head ends `superseded` with the reason, having built nothing."""
    run = svc.runs.get(request.run_id)
    reason = None if run.finished else fetch_work.stale(svc, run, request)
    if reason:
        _end_stale(svc, run.id, reason)
        return None
    notify.commit_status(svc, svc.runs.get(request.run_id), "pending", "Presslift is building this commit")
    done = run_stage(
        svc,
        request.run_id,
        "fetch",
        lambda r: fetch_work.fetch(svc, r, request, budget=budget),
        final_attempt=final_attempt,
    )
    if done is None:
        after_failure(svc, request.run_id)
        return None
    keep_fetched_config(svc, done.id)
    detail = done.stage("fetch").detail
    return build(
        svc,
        events.BuildRequest(done.id, done.site, detail["source_key"]),
        final_attempt=final_attempt,
        budget=budget,
    )


def keep_fetched_config(svc: Services, run_id: str) -> None:
    """Move the fetched presslift.toml from the fetch stage onto the run's artifact (rollbacks and the
    deploy read it there). The change reads only the record it is given, so a retried update (after a
    write conflict) moves it again instead of losing it."""

    def keep(r: Run) -> None:
        fetched = r.stage("fetch").detail.pop("presslift_toml", None)
        if fetched is not None:
            r.artifact["presslift_toml"] = fetched

    svc.runs.update(run_id, keep)


def _end_stale(svc: Services, run_id: str, reason: str) -> None:
    def change(r: Run) -> None:
        if not r.finished:
            end_run(r, r.stage("fetch"), reason, status="superseded", stage_status="skipped")

    svc.runs.update(run_id, change)
    log.info("run %s builds nothing: %s", run_id, reason)


# --- build: one tree per stage from the same source ----------------------------------------------


def build(
    svc: Services,
    request: events.BuildRequest,
    *,
    final_attempt: bool = True,
    budget: TimeBudget | None = None,
) -> Run | None:
    budget = budget or TimeBudget.from_context(None)

    def work(run: Run) -> dict[str, Any]:
        if run.kind == "code":
            return codedrop_work.build(svc, run, request.source_key, budget).detail()
        return build_work.build(svc, run, request.source_key, budget)

    done = run_stage(svc, request.run_id, "build", work, final_attempt=final_attempt)
    if done is None:
        after_failure(svc, request.run_id)
        return None
    done = svc.runs.update(done.id, lambda r: r.artifact.update(artifact_run=r.id))
    promote(svc, done, CODE_STAGES[0] if done.kind == "code" else "staging")
    return done


# --- deploy: publish an artifact's stage tree ------------------------------------------------------


def _superseded(svc: Services, run: Run, stage: str, *, name: str | None = None) -> bool:
    """Latest wins: a run older than the site's newest may not deploy to staging; nobody may deploy a
    generation older than the one a stage already has. Marks the run superseded when so."""
    newest = svc.sites.current_generation(run.site)
    older = stage == "staging" and run.generation < newest
    if not older and svc.sites.claim_deploy(run.site, stage, run.generation):
        return False

    def change(r: Run) -> None:
        if not r.finished:
            end_run(
                r,
                r.stage(name or f"deploy-{stage}"),
                f"superseded by a newer run of {r.site}",
                status="superseded",
                stage_status="skipped",
            )

    svc.runs.update(run.id, change)
    log.info(
        "run %s (generation %d) superseded: the site is at generation %d", run.id, run.generation, newest
    )
    return True


def _refused(svc: Services, run: Run, stage: str, name: str) -> bool:
    """Whether `run` may not change `stage` (see `clearance`); when so, its stage fails saying why, the
    run ends, and nothing else happens (no retry: the message itself is what is wrong)."""
    try:
        clearance.check(svc, run, stage)
    except ForbiddenError as exc:
        reason = str(exc)
    else:
        return False
    log.warning("run %s: refused a message to %s: %s", run.id, name, reason)

    def change(r: Run) -> None:
        if not r.finished:
            end_run(r, r.stage(name), reason)
            for waiting in r.stages:  # the approval it jumped: nobody can decide an ended run
                if waiting.status == "waiting":
                    waiting.status = "skipped"

    svc.runs.update(run.id, change)
    after_failure(svc, run.id)
    return True


def deploy(svc: Services, request: events.DeployRequest, *, final_attempt: bool = True) -> Run | None:
    name = f"deploy-{request.stage}"
    run = svc.runs.get(request.run_id)
    if run.finished or run.stage(name).status == "succeeded":
        return run
    if _refused(svc, run, request.stage, name):
        return None
    restoring = run.trigger.get("type") in clearance.RESTORING
    # A restore deploys what it was asked to, ordered by the FIFO queue; it claims no generation.
    if not restoring and _superseded(svc, run, request.stage):
        return None
    done = run_stage(
        svc,
        run.id,
        name,
        lambda r: deploy_work.deploy(svc, r, request.stage).detail(),
        final_attempt=final_attempt,
    )
    if done is None:
        after_failure(svc, run.id)
        return None
    if request.stage == "staging" and not restoring:
        notify.commit_status(svc, done, "success", "deployed to staging", url=done.urls.get("staging"))
        return after_staging(svc, done.id, final_attempt=final_attempt)

    return _finish(svc, done, request.stage)


def post_commit_status(svc: Services, status: events.CommitStatus) -> None:
    """Post a commit status that a stage handed over: the deploy function, outside the VPC, is the one
    function that talks to GitHub's status API (see `notify.commit_status`)."""
    notify.post_commit_status(svc, status)


# --- code drop: a code site's bundle onto EFS ----------------------------------------------------


def codedrop(svc: Services, request: events.DeployRequest, *, final_attempt: bool = True) -> Run | None:
    """Drop a code run's bundle onto one EFS stage (dev, stage, prod), then promote it onward."""
    if request.stage not in CODE_STAGES:
        raise InputError(f"code drops go to {', '.join(CODE_STAGES)}, not {request.stage!r}")
    name = stage_name("code", request.stage)
    run = svc.runs.get(request.run_id)
    if run.finished or run.stage(name).status == "succeeded":
        return run
    if run.trigger.get("type") == "rollback":
        # The release to switch to is found on the mount; the work checks it was live there before.
        work = lambda r: codedrop_work.rollback(svc, r, request.stage, r.trigger.get("to_release")).detail()  # noqa: E731
    else:
        if _refused(svc, run, request.stage, name) or _superseded(svc, run, request.stage, name=name):
            return None
        work = lambda r: codedrop_work.drop(svc, r, request.stage).detail()  # noqa: E731
    done = run_stage(svc, run.id, name, work, final_attempt=final_attempt)
    if done is None:
        after_failure(svc, run.id)
        return None
    if done.trigger.get("type") == "rollback" or request.stage == "prod":
        return _finish(svc, done, request.stage)
    if request.stage == "dev":
        promote(svc, done, "stage")
        return done
    notify.commit_status(svc, done, "success", "dropped on dev and stage")
    return after_staging(svc, done.id, final_attempt=final_attempt)


def _finish(svc: Services, run: Run, stage: str) -> Run:
    def finish(r: Run) -> None:
        if not r.finished:
            r.status = "succeeded"

    done = svc.runs.update(run.id, finish)
    notify.deployed(svc, done, stage)
    return done
