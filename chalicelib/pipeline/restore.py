"""Putting back an artifact a stage had: rollbacks (sites and code sites) and `presslift publish`.

They restore an artifact instead of building one: they take no new generation, so they never supersede
a run that waits for approval, and `clearance` allows only an artifact the stage had before (or, for
publish, one cleared for it).
"""

from __future__ import annotations

from chalicelib import clearance, events
from chalicelib.clearance import stage_name
from chalicelib.errors import ForbiddenError, InputError, NotFoundError
from chalicelib.knownsites import check_known_site
from chalicelib.pipeline.steps import create, enqueue, promote
from chalicelib.resources import CODE_STAGES, SITE_STAGES
from chalicelib.runparts import Trigger, TriggerType
from chalicelib.runs import Run, new_run_id
from chalicelib.services import Services


def rollback(
    svc: Services,
    site: str,
    stage: str,
    to_run: str | None = None,
    *,
    who: str = "",
    allow_deletes: bool = False,
) -> Run:
    """Deploy an artifact that `stage` had before again, through the same plan and apply (only what
    differs moves). Without `to_run`: the newest one `stage` had before its current one.

    Only an artifact that an earlier run deployed to `stage` successfully comes back, never a rejected
    or never-approved build. The rollback is a run of its own (trigger "rollback"), so the history shows
    it; it needs no approval, keeps the delete limits unless `allow_deletes`, and supersedes nothing: a
    run waiting for approval stays approvable, and approving it deploys it over the rollback.
    """
    history = svc.runs.list(site=site, limit=None)
    check_known_site(svc, site, history)
    if history and history[0].kind == "code":
        return _rollback_code(svc, history, stage, to_run, who=who)
    if stage not in SITE_STAGES:
        raise InputError(f"cannot roll back stage {stage!r}: the stages are {', '.join(SITE_STAGES)}")
    if to_run is None:
        target, artifact_run = _before_current(site, stage, history)
    else:
        target = _find(site, to_run, history)
        live = clearance.live_artifact(target, stage)
        if live is None:
            raise ForbiddenError(
                f"cannot roll {site} {stage} back to run {to_run}: it was never live on {stage} "
                f"({clearance.never_live_because(target, stage)}); a rollback goes back only to a build "
                f"{stage} has had"
            )
        artifact_run = live
    summary = f"rollback of {stage} to run {target.id}"
    return _restore(svc, "rollback", target, artifact_run, stage, summary, who, allow_deletes)


def rollback_target(svc: Services, site: str, stage: str) -> str | None:
    """The run whose build a rollback of `stage` without a run would put back (the one before the
    current build), or a code site's release, so a confirmation can name it; None where there is
    none."""
    history = svc.runs.list(site=site, limit=None)
    if not history:
        return None
    if history[0].kind == "code":  # a code site's: the release before the current one, by its id
        live = clearance.live_history(history, stage) if stage in CODE_STAGES else []
        return next((release for _, release in live[1:] if release != live[0][1]), None) if live else None
    if stage not in SITE_STAGES:
        return None
    try:
        return _before_current(site, stage, history)[0].id
    except NotFoundError:
        return None


def publishable(svc: Services, site: str, stage: str, to_run: str | None = None) -> tuple[Run, str]:
    """What `presslift publish` puts on `stage`, with that artifact: by default the build the stage holds
    now (publishing it again repairs drift: hand edits, deleted files); with `to_run`, that run's build
    (a rollback's: the artifact it restored), which `check_publish` then has to allow. Something new
    reaches prod only through an approval, never by a publish."""
    history = svc.runs.list(site=site, limit=None)
    if to_run:
        source = _find(site, to_run, [run for run in history if run.artifact.artifact_run])
        return source, clearance.live_artifact(source, stage) or source.artifact.artifact_run
    live = clearance.live_history(history, stage)
    if not live:
        check_known_site(svc, site, history)
        raise NotFoundError(
            f"{stage} of {site} has no build yet, so there is nothing to publish again; builds reach "
            f"{stage} by a push or an import{' and an approval' if stage == 'prod' else ''}"
        )
    return live[0]


def check_publish(svc: Services, source: Run, artifact: str, stage: str) -> str:
    """Why `source`'s `artifact` may be published to `stage`; ForbiddenError naming the run, why not,
    and the run whose build the stage has (the one to publish to put the stage right)."""
    try:
        return clearance.check_restore(svc, "publish", source, artifact, stage)
    except ForbiddenError as exc:
        live = clearance.live_history(svc.runs.list(site=source.site, limit=None), stage)
        hint = f"; {stage} has run {live[0][0].id}'s build (--run {live[0][0].id})" if live else ""
        raise ForbiddenError(f"cannot publish run {source.id} to {stage}: {exc}{hint}") from exc


def publish(
    svc: Services,
    site: str,
    stage: str,
    to_run: str | None = None,
    *,
    who: str = "",
    allow_deletes: bool = False,
) -> Run:
    """Publish a build to `stage` again (`publishable`, refused unless `check_publish` allows it),
    comparing with a listing of the target, so hand edits are put right. Like a rollback, it supersedes
    nothing."""
    history = svc.runs.list(site=site, limit=1)
    if history and history[0].kind == "code":
        raise InputError(f"site {site} is a code site: `presslift rollback` switches its releases")
    if stage not in SITE_STAGES:
        raise InputError(f"cannot publish to stage {stage!r}: the stages are {', '.join(SITE_STAGES)}")
    target, artifact_run = publishable(svc, site, stage, to_run)
    check_publish(svc, target, artifact_run, stage)
    summary = f"publish of run {target.id} to {stage}"
    return _restore(svc, "publish", target, artifact_run, stage, summary, who, allow_deletes)


def _find(site: str, run_id: str, history: list[Run]) -> Run:
    found = next((run for run in history if run.id == run_id), None)
    if found is None:
        raise NotFoundError(f"site {site} has no built run {run_id} (among its newest 200 runs)")
    return found


def _before_current(site: str, stage: str, history: list[Run]) -> tuple[Run, str]:
    """The newest run that put on `stage` an artifact other than the one it has now, and that artifact."""
    live = clearance.live_history(history, stage)
    if not live:
        raise NotFoundError(f"site {site} has never deployed to {stage}: nothing to roll back to")
    current = live[0][1]
    earlier = next(((run, artifact) for run, artifact in live[1:] if artifact != current), None)
    if earlier is None:
        raise NotFoundError(
            f"site {site} has had one build on {stage} (run {current}): nothing earlier to roll back to"
        )
    return earlier


def _restore(
    svc: Services,
    trigger: TriggerType,
    target: Run,
    artifact_run: str,
    stage: str,
    summary: str,
    who: str,
    allow_deletes: bool,
) -> Run:
    """Record a run that deploys `target`'s artifact to `stage` again, and queue its deploy."""
    restore = Trigger(
        trigger,
        summary + (" (deletes allowed)" if allow_deletes else ""),
        target=stage,
        to_run=target.id,
        by=who,
        allow_deletes=allow_deletes,
    )
    run = create(
        svc,
        Run.for_restore(
            new_run_id(svc.clock()),
            target,
            restore,
            f"deploy-{stage}",
            artifact_run=artifact_run,
            urls={stage: svc.settings.site_url(svc.sites.registration(target.site), stage)},
        ),
        newer_build=False,
    )
    enqueue(svc, "deploy", events.DeployRequest(run_id=run.id, site=run.site, stage=stage))
    return run


def _rollback_code(svc: Services, history: list[Run], stage: str, to_run: str | None, *, who: str) -> Run:
    """Switch a code site's `current` on `stage` back: one rename on the EFS mount, nothing copied."""
    if stage not in CODE_STAGES:
        raise InputError(
            f"cannot roll back stage {stage!r} of a code site: the stages are {', '.join(CODE_STAGES)}"
        )
    latest = history[0]
    target = f"release {to_run}" if to_run else "the previous release"
    if to_run and not any(clearance.live_artifact(run, stage) == to_run for run in history):
        raise ForbiddenError(
            f"cannot roll {latest.site} {stage} back to release {to_run}: no run made it live on {stage}; "
            f"a rollback goes back only to a release {stage} has had"
        )
    if not to_run:
        # Said before anything is queued, as for a Hugo site: queued, it failed at the mount, a failed
        # run and a failure email for an operator's mistake.
        _before_current(latest.site, stage, history)
    switch = Trigger(
        "rollback", f"rollback of {stage} to {target}", target=stage, to_release=to_run or "", by=who
    )
    run = create(
        svc,
        Run.for_restore(new_run_id(svc.clock()), latest, switch, stage_name("code", stage)),
        newer_build=False,
    )
    promote(svc, run, stage)
    return run
