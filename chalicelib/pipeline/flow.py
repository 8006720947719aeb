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
from dataclasses import replace
from typing import Any

from chalicelib import clearance, events, notify
from chalicelib.artifacts import source_key
from chalicelib.budget import TimeBudget
from chalicelib.clearance import stage_name
from chalicelib.errors import ForbiddenError, InputError
from chalicelib.ingest import Rejected, classify, quarantine_key
from chalicelib.pipeline import previews
from chalicelib.pipeline.approval import BUILD_PROD, after_staging
from chalicelib.pipeline.steps import after_failure, create, enqueue, promote
from chalicelib.previews.naming import PREVIEW
from chalicelib.resources import CODE_STAGES, SITE_STAGES
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, new_run_id
from chalicelib.services import Services
from chalicelib.sitemodel import Site
from chalicelib.stages import StageResult, run_stage
from chalicelib.work import build as build_work
from chalicelib.work import codedrop as codedrop_work
from chalicelib.work import convert as convert_work
from chalicelib.work import deploy as deploy_work
from chalicelib.work import fetch as fetch_work

log = logging.getLogger(__name__)

#: Staging's tree first, live as soon as it is rendered; prod's tree after, before anyone is asked.
AFTER_SOURCE = ("build", "deploy-staging", BUILD_PROD, "approval", "deploy-prod")
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
    registered = svc.sites.registration(export.site)
    if registered.source == "github":
        # Where a site comes from is its registration's: an uploader who can write under imports/
        # replaced a GitHub site's pages and cancelled the push waiting for its approval. No run is
        # recorded under the site (its next generation would supersede that run all the same).
        reason = (
            f"site {export.site} is built from its GitHub repository {registered.repo}, not from WordPress "
            "exports: upload the export under the name of a site registered for imports (or a new name)"
        )
        moved = quarantine_key(svc.s3, created.bucket, created.key, reason)
        log.warning("s3://%s/%s rejected (%s); moved to %s", created.bucket, created.key, reason, moved)
        return None
    run = _import_run(svc, created, export.site, export.name)
    done = run_stage(
        svc.runs,
        run.id,
        "convert",
        lambda r: convert_work.convert(svc, r, created.bucket, export),
        final_attempt=final_attempt,
    )
    if done is None:
        _release_unbuilt(svc, run.id)
        after_failure(svc, run.id)
        return svc.runs.get(run.id)
    converted, result = done
    enqueue(svc, "build", events.BuildRequest(run_id=run.id, site=run.site, source_key=result.source_key))
    return converted


def _import_run(
    svc: Services, created: events.ObjectCreated, site: str, name: str, *, newer: bool = True
) -> Run:
    registered = svc.sites.registration(site)
    return create(
        svc,
        Run.for_import(
            import_run_id(created) if created.sequencer else new_run_id(svc.clock()),
            site,
            Trigger.of_import(created.bucket, created.key, name),
            IMPORT_STAGES,
            urls={stage: svc.settings.site_url(registered, stage) for stage in SITE_STAGES},
        ),
        newer_build=newer,
    )


def reject(
    svc: Services, created: events.ObjectCreated, rejected: Rejected, *, final_attempt: bool
) -> Run | None:
    """Move an object that is no export to imports-failed/ with the reason beside it; when its key
    names a site, also record a failed import run for that site, so `presslift runs`, the dashboard
    and the failure email show it. Nothing that arrives vanishes without a trace."""
    # The run first: by the time the file has left imports/, the run that explains it is there. It is
    # no newer build of the site: a stray .txt under imports/SITE/ superseded the site's push or import
    # in flight. A GitHub site's uploads get no run at all (the reason waits in imports-failed/).
    named = (
        rejected.site if rejected.site and svc.sites.registration(rejected.site).source != "github" else None
    )
    run = _import_run(svc, created, named, created.key.rsplit("/", 1)[-1], newer=False) if named else None
    moved = quarantine_key(svc.s3, created.bucket, created.key, rejected.reason)
    log.warning("s3://%s/%s rejected (%s); moved to %s", created.bucket, created.key, rejected.reason, moved)
    if run is None:
        return None  # no site to show it under: it waits in imports-failed/ with its reason
    reason = f"{rejected.reason} (moved to s3://{created.bucket}/{moved})"

    def refuse(_: Run) -> StageResult:
        raise InputError(reason)

    if run_stage(svc.runs, run.id, "convert", refuse, final_attempt=final_attempt) is None:
        after_failure(svc, run.id)
    return svc.runs.get(run.id)


# --- push: a GitHub push to a registered site ------------------------------------------------------


def start_push(svc: Services, site: Site, push: Any) -> Run:
    """Record a run for a push that should build, and queue its fetch (the webhook answers at once)."""
    run = create(
        svc,
        Run.for_push(
            new_run_id(svc.clock()),
            site.name,
            site.kind,
            Trigger.of_push(push),
            CODE_PUSH_STAGES if site.kind == "code" else PUSH_STAGES,
            urls={}
            if site.kind == "code"
            else {stage: svc.settings.site_url(site, stage) for stage in SITE_STAGES},
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
    reason = None if run.finished else previews.stale(svc, run) or fetch_work.stale(svc, run, request)
    if reason:
        _end_stale(svc, run.id, reason)
        return None
    svc.notifier.commit_status(svc.runs.get(request.run_id), "pending", "Presslift is building this commit")
    done = run_stage(
        svc.runs,
        request.run_id,
        "fetch",
        lambda r: fetch_work.fetch(svc, r, request, budget=budget),
        final_attempt=final_attempt,
        # The commit's presslift.toml goes on the run's artifact with the stage's success, in one write:
        # every later stage (and a rollback) builds or deploys with exactly this commit's settings.
        artifact=lambda r, fetched: replace(r.artifact, presslift_toml=fetched.presslift_toml),
    )
    if done is None:
        if (key := _fetched_but_not_built(svc.runs.get(request.run_id))) is not None:
            # This message's first delivery fetched, then its build crashed (a fault SQS retries):
            # the fetch is not repeated, the build it handed on to is. Without this the retry found
            # fetch done, stopped, and left the run running with its build never tried again.
            again = events.BuildRequest(request.run_id, request.site, key)
            return build(svc, again, final_attempt=final_attempt, budget=budget)
        _failed(svc, request.run_id)
        return None
    run, fetched = done
    return build(
        svc,
        events.BuildRequest(run.id, run.site, fetched.source_key),
        final_attempt=final_attempt,
        budget=budget,
    )


def _fetched_but_not_built(run: Run) -> str | None:
    """The source the run's fetch stored, when its fetch has succeeded and its build may still run."""
    if run.finished or run.stage("fetch").status != "succeeded" or not run.may_begin("build"):
        return None
    key = run.stage("fetch").detail.get("source_key")
    return key if isinstance(key, str) and key else source_key(run.site, run.id)


def _end_stale(svc: Services, run_id: str, reason: str) -> None:
    svc.runs.update(run_id, lambda r: r.supersede("fetch", reason) if r.may("supersede") else None)
    log.info("run %s builds nothing: %s", run_id, reason)
    previews.ended_unbuilt(svc, run_id, reason)


# --- build: one tree per stage from the same source ----------------------------------------------


def build(
    svc: Services,
    request: events.BuildRequest,
    *,
    final_attempt: bool = True,
    budget: TimeBudget | None = None,
) -> Run | None:
    budget = budget or TimeBudget.from_context(None)

    def work(run: Run) -> StageResult:
        if run.kind == "code":
            return codedrop_work.build(svc, run, request.source_key, budget)
        return build_work.build(svc, run, request.source_key, budget)

    done = run_stage(
        svc.runs,
        request.run_id,
        "build",
        work,
        final_attempt=final_attempt,
        artifact=lambda r, _: replace(r.artifact, artifact_run=r.id),  # from now on, deploys take this build
    )
    if done is None:
        _failed(svc, request.run_id)
        return None
    built, _ = done
    if built.trigger.type == "preview":
        promote(svc, built, PREVIEW)
    else:
        promote(svc, built, CODE_STAGES[0] if built.kind == "code" else "staging")
    return built


def build_prod(
    svc: Services,
    request: events.ProdBuildRequest,
    *,
    final_attempt: bool = True,
    budget: TimeBudget | None = None,
) -> Run | None:
    """Staging is live: render the tree prod would get, then ask for the approval (the deploy function
    plans prod and reviews the change). A run that staging no longer shows goes no further."""
    run = svc.runs.get(request.run_id)
    if run.finished or run.stage(BUILD_PROD).status == "succeeded":
        return run
    if _staging_moved_on(svc, run, BUILD_PROD):
        return None
    budget = budget or TimeBudget.from_context(None)
    done = run_stage(
        svc.runs,
        run.id,
        BUILD_PROD,
        lambda r: build_work.render_prod(svc, r, request.source_key, budget),
        final_attempt=final_attempt,
    )
    if done is None:
        after_failure(svc, run.id)
        return None
    built, _ = done
    enqueue(svc, "deploy", events.ApprovalRequest(built.id, built.site))
    return built


def ask_approval(svc: Services, request: events.ApprovalRequest, *, final_attempt: bool = True) -> Run | None:
    """Prod's tree is stored: ask a person, or promote when the site says so (`after_staging`)."""
    run = svc.runs.get(request.run_id)
    if run.finished or run.stage("approval").status not in ("pending", "running"):
        return run
    if _staging_moved_on(svc, run, "approval"):
        return None
    return after_staging(svc, run.id, final_attempt=final_attempt)


def _staging_moved_on(svc: Services, run: Run, stage: str) -> bool:
    """Whether a newer run already deployed staging: this run's staging is gone, so it may not be
    approved; it ends superseded at `stage`."""
    newer = svc.sites.deployed_generation(run.site, "staging")
    if newer <= run.generation:
        return False
    reason = f"superseded by a newer run of {run.site}: staging shows generation {newer}"
    svc.runs.update(run.id, lambda r: r.supersede(stage, reason) if r.may("supersede") else None)
    log.info("run %s (generation %d): %s", run.id, run.generation, reason)
    return True


def _failed(svc: Services, run_id: str) -> None:
    """After a failed fetch or build: a preview's failure is told on its pull request only."""
    if svc.runs.get(run_id).trigger.type == "preview":
        previews.failed(svc, run_id)
    else:
        _release_unbuilt(svc, run_id)
        after_failure(svc, run_id)


def _release_unbuilt(svc: Services, run_id: str) -> None:
    """An import that failed before it built takes back its generation: each export is the whole site,
    so the import before it, still in flight, is what staging should show. A file named like an export
    that is none (an RSS feed, a zip with no export) cancelled the import before it. A push keeps its
    generation: the newest commit is the branch, and an older one is not staged in its place."""
    run = svc.runs.get(run_id)
    if run.trigger.type == "import" and run.status == "failed":
        svc.sites.release_generation(run.site, run.generation)


# --- deploy: publish an artifact's stage tree ------------------------------------------------------


def _superseded(svc: Services, run: Run, stage: str, *, name: str | None = None) -> bool:
    """Latest wins: a run older than the site's newest may not deploy to staging; nobody may deploy a
    generation older than the one a stage already has. Marks the run superseded when so."""
    newest = svc.sites.current_generation(run.site)
    older = stage == "staging" and run.generation < newest
    if not older and svc.sites.claim_deploy(run.site, stage, run.generation):
        return False
    reason = f"superseded by a newer run of {run.site}"
    svc.runs.update(
        run.id, lambda r: r.supersede(name or f"deploy-{stage}", reason) if r.may("supersede") else None
    )
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
    # Ending the run skips the approval it jumped too: nobody can decide an ended run.
    svc.runs.update(run.id, lambda r: r.fail(name, reason) if r.may("fail") else None)
    after_failure(svc, run.id)
    return True


def deploy(svc: Services, request: events.DeployRequest, *, final_attempt: bool = True) -> Run | None:
    name = f"deploy-{request.stage}"
    run = svc.runs.get(request.run_id)
    if PREVIEW in (request.stage, run.trigger.type):
        return previews.deploy(svc, request, final_attempt=final_attempt)
    if run.finished or run.stage(name).status == "succeeded":
        return run
    if _refused(svc, run, request.stage, name):
        return None
    restoring = run.trigger.restoring
    # A restore deploys what it was asked to, ordered by the FIFO queue; it claims no generation.
    if not restoring and _superseded(svc, run, request.stage):
        return None
    deployed = run_stage(
        svc.runs,
        run.id,
        name,
        lambda r: deploy_work.deploy(svc, r, request.stage),
        final_attempt=final_attempt,
    )
    if deployed is None:
        after_failure(svc, run.id)
        return None
    done, _ = deployed
    if request.stage == "staging" and not restoring:
        svc.notifier.commit_status(done, "success", "deployed to staging", url=done.urls.get("staging"))
        if not done.has_stage(BUILD_PROD):  # a run recorded before prod's tree was rendered after staging
            return after_staging(svc, done.id, final_attempt=final_attempt)
        enqueue(svc, "build", events.ProdBuildRequest(done.id, done.site, source_key(done.site, done.id)))
        return done

    return _finish(svc, done, request.stage)


def post_commit_status(svc: Services, status: events.CommitStatus) -> None:
    """Post a commit status that a stage handed over: the deploy function, outside the VPC, is the one
    function that talks to GitHub's status API (see `notify.Notifier.commit_status`)."""
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
    rollback = run.trigger.type == "rollback"
    if rollback:
        # The release to switch to is found on the mount; the work checks it was live there before.
        work = lambda r: codedrop_work.rollback(svc, r, request.stage, r.trigger.to_release or None)  # noqa: E731
    else:
        if _refused(svc, run, request.stage, name) or _superseded(svc, run, request.stage, name=name):
            return None
        work = lambda r: codedrop_work.drop(svc, r, request.stage)  # noqa: E731
    dropped = run_stage(svc.runs, run.id, name, work, final_attempt=final_attempt)
    if dropped is None:
        after_failure(svc, run.id)
        return None
    done, _ = dropped
    if rollback or request.stage == "prod":
        return _finish(svc, done, request.stage)
    if request.stage == "dev":
        promote(svc, done, "stage")
        return done
    svc.notifier.commit_status(done, "success", "dropped on dev and stage")
    return after_staging(svc, done.id, final_attempt=final_attempt)


def _finish(svc: Services, run: Run, stage: str) -> Run:
    done = svc.runs.update(run.id, lambda r: r.finish() if r.may("finish") else None)
    svc.notifier.deployed(done, stage)
    return done
