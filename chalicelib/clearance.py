"""Whether a run may change prod: the check that every prod deploy and code drop makes first.

The approval is a state the deploy checks, not a message anyone can send. Before changing anything,
the deploy and code-drop functions read the run record and go ahead only when

- a person approved the run (the decision and its time are on the run), or
- the site's approval policy sends staging on to prod by itself (`approval_policy`), or
- the run is a rollback to an artifact that was live on that stage before (an earlier run deployed it
  there successfully), or a publish of a build that is itself cleared for prod.

Anything else is refused with a `ForbiddenError` naming the run and why ("run X is not approved for
prod (awaiting approval)"): the stage fails, the message is not retried, and prod is untouched.

Never: change anything here (it only reads records), or trust what a queue message or a caller says
about a run instead of the run's own record.
"""

from __future__ import annotations

from chalicelib.approvals import not_approved_because
from chalicelib.errors import ForbiddenError, NotFoundError
from chalicelib.previews.naming import PREVIEW
from chalicelib.runparts import TriggerType
from chalicelib.runs import Run
from chalicelib.services import Services
from chalicelib.sitemodel import ApprovalPolicy
from chalicelib.sites import approval_policy as sites_approval_policy

#: The only stage that waits for a person.
GUARDED = "prod"


def approval_policy(svc: Services, run: Run) -> ApprovalPolicy:
    """The site's approval policy, read here and nowhere else: the operator's registration of the site
    (a repository's presslift.toml cannot set it)."""
    return sites_approval_policy(svc, run.site)


def person_needed(policy: ApprovalPolicy) -> bool:
    """Whether prod waits for a person under `policy` (else staging goes on to prod by itself)."""
    return policy.prod_needs_approval


def stage_name(kind: str, stage: str) -> str:
    """`deploy-prod` for a site, `codedrop-prod` for a code site."""
    return f"codedrop-{stage}" if kind == "code" else f"deploy-{stage}"


def live_artifact(run: Run, stage: str) -> str | None:
    """The artifact (a site's build run; a code site's release) that `run` made live on `stage`, if it
    deployed there successfully."""
    name = stage_name(run.kind, stage)
    done = next((s for s in run.stages if s.name == name and s.status == "succeeded"), None)
    if done is None:
        return None
    dropped = done.detail.get("drop")
    if isinstance(dropped, dict) and dropped.get("run_id"):
        return str(dropped["run_id"])
    return str(done.detail.get("artifact_run") or run.artifact.artifact_run or run.id)


def live_history(history: list[Run], stage: str) -> list[tuple[Run, str]]:
    """The runs that made an artifact live on `stage`, with it, the last to do so first (by when its
    deploy finished: a run approved late deploys after newer runs, a rollback after the run it restores)."""
    live = [(run, artifact) for run in history if (artifact := live_artifact(run, stage))]
    name = {run.id: stage_name(run.kind, stage) for run, _ in live}
    return sorted(live, key=lambda pair: str(pair[0].stage(name[pair[0].id]).finished_at or ""), reverse=True)


def never_live_because(run: Run, stage: str) -> str:
    """Why `run` never made its artifact live on `stage`, in a few words."""
    if stage == GUARDED and (why := not_approved_because(run)) and run.status != "succeeded":
        return why
    if run.status in ("running", "awaiting_approval"):
        return f"it has not reached {stage} (run {run.status.replace('_', ' ')})"
    return f"it never deployed to {stage} (run {run.status})"


def cleared_by_approval(svc: Services, run: Run) -> str:
    """Why `run`'s own build may go to prod: a person's approval or the site's policy; else ForbiddenError."""
    why_not = not_approved_because(run)
    if why_not is None:
        return f"approved at {run.approval.decided_at if run.approval else ''}"
    # The policy clears only a run that asked nobody: once an approval is asked for, a person decides.
    if run.approval is None and not run.finished and not person_needed(approval_policy(svc, run)):
        return "the site's approval policy promotes staging to prod"
    raise ForbiddenError(f"run {run.id} is not approved for {GUARDED} ({why_not})")


def check(svc: Services, run: Run, stage: str) -> str:
    """Why `run` may change `stage` (a line for the run record); ForbiddenError naming the run and why
    not. Only prod is guarded; this reads records and changes nothing. A preview's run changes its own
    preview and nothing else, and only a preview's run changes a preview."""
    if (run.trigger.type == PREVIEW) != (stage == PREVIEW):
        what = f"run {run.id} ({run.trigger.type})"
        if stage == PREVIEW:
            raise ForbiddenError(f"{what} may not publish a preview: only a pull request's or branch's may")
        raise ForbiddenError(f"{what} publishes a preview only, never {stage}")
    if stage != GUARDED:
        return f"{stage} needs no approval"
    if not run.trigger.restoring:
        return cleared_by_approval(svc, run)
    return check_restore(svc, run.trigger.type, _restored_run(svc, run), run.artifact.artifact_run, stage)


def check_restore(svc: Services, trigger: TriggerType, source: Run, artifact: str, stage: str) -> str:
    """Why `artifact`, taken from run `source`, may go back on `stage` by a rollback or a publish;
    ForbiddenError naming `source` and why not.

    A rollback may restore only what `source` made live on `stage`; a publish may also put `source`'s
    own build there when that build is cleared for prod (approved, or promoted by the site's policy).
    A preview's build goes nowhere but its preview: `publish --run` of one was queued for staging,
    then failed there for want of a staging manifest.
    """
    if source.trigger.type == "preview":
        raise ForbiddenError(
            f"run {source.id} built a preview ({source.trigger.preview or 'of a pull request'}), which is "
            f"never published to {stage}: merge it, and its push builds {stage}"
        )
    if stage != GUARDED:
        return f"{stage} needs no approval"
    if artifact and live_artifact(source, stage) == artifact:
        return f"restores {artifact}, live on {stage} before (run {source.id})"
    if trigger == "publish" and artifact and artifact == source.artifact.artifact_run:
        return f"publishes run {source.id}: " + cleared_by_approval(svc, source)
    raise ForbiddenError(
        f"run {source.id} was never live on {stage} ({never_live_because(source, stage)}): "
        f"a {trigger or 'rollback'} goes back only to a build {stage} has had"
    )


def check_release_live(svc: Services, run: Run, stage: str, release: str) -> str:
    """A code rollback switches `current` to a release already on the mount: go ahead only when the
    run records show `release` was live on `stage` before. Only prod is guarded."""
    if stage != GUARDED:
        return f"{stage} needs no approval"
    for earlier in svc.runs.each(site=run.site):
        if earlier.id != run.id and live_artifact(earlier, stage) == release:
            return f"release {release} was live on {stage} before (run {earlier.id})"
    raise ForbiddenError(
        f"run {run.id} may not switch {stage} to release {release}: no run of {run.site} made it live on "
        f"{stage} before"
    )


def _restored_run(svc: Services, run: Run) -> Run:
    to_run = run.trigger.to_run
    if not to_run:
        raise ForbiddenError(f"run {run.id} ({run.trigger.type}) names no run to restore")
    try:
        return svc.runs.get(to_run)
    except NotFoundError as exc:
        raise ForbiddenError(f"run {run.id} restores run {to_run}, which does not exist") from exc
