"""What happens after each stage: the pipeline's state machine, in one place.

Each public function is the whole work of one Lambda invocation for one message or request: it moves
a run's stages forward (`stages.py` records), has the stage's work done (`work/`), and enqueues the
next step. Every step is safe to repeat (SQS delivers at least once): a finished stage is not run again.

Latest wins: every run takes the site's next generation when it starts. A deploy to staging goes ahead
only if no newer run of the site has started since, and the deploy queue is FIFO per site, so two
pushes in quick succession never deploy out of order; a newer staging deploy supersedes older runs
still waiting for approval.

Prod changes only for a run that `clearance` clears from the run records (a person's approval, the
site's policy, or an artifact prod had before), checked before anything else happens, the latest-wins
claim included. Rollbacks and publishes restore an artifact instead of building one: they take no new
generation, so they never supersede a run that waits for approval.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from chalicelib import approvals, clearance, deadletters, events, notify
from chalicelib.budget import TimeBudget
from chalicelib.clearance import stage_name
from chalicelib.errors import ConflictError, ForbiddenError, InputError, NotFoundError, PipelineError
from chalicelib.ingest import parse_export_key, quarantine_key
from chalicelib.resources import CODE_STAGES, SITE_STAGES
from chalicelib.runs import Run, Stage, new_run_id, utc_now
from chalicelib.services import Services
from chalicelib.sites import Site, approval_policy
from chalicelib.stages import begin, end_run, fail, run_stage
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


def _promote(svc: Services, run: Run, stage: str) -> None:
    """Queue the deploy (sites) or the code drop (code) of `run` to `stage`."""
    role = "codedrop" if run.kind == "code" else "deploy"
    _enqueue(svc, role, events.DeployRequest(run_id=run.id, site=run.site, stage=stage))


def _enqueue(svc: Services, role: str, message: events.Message) -> None:
    """Send the next step; ordered per site where the queue is FIFO, at most once per run and step."""
    svc.send(role, events.encode(message), group=message.site, dedup=events.dedup_id(message))


def _create(svc: Services, run: Run, *, newer_build: bool = True) -> Run:
    """Store a new run with the site's next generation; a retried creation returns the stored run.

    A run that restores an earlier artifact (`newer_build=False`) keeps the site's current generation:
    it is no newer build, so it must not supersede a run that waits for approval.
    """
    try:
        existing = svc.runs.get(run.id)
    except NotFoundError:
        sites = svc.sites
        run.generation = (
            sites.next_generation(run.site) if newer_build else sites.current_generation(run.site)
        )
        return svc.runs.create(run)
    return existing


def _after_failure(svc: Services, run_id: str) -> None:
    """Tell the world a run failed: a notification, and the commit status for pushes."""
    run = svc.runs.get(run_id)
    if run.status == "failed":
        notify.run_failed(svc, run)
        notify.commit_status(svc, run, "failure", "the Presslift run failed")


def give_up(svc: Services, body: str, error: BaseException) -> None:
    """A message failed its last attempt outside any stage's own handling: end its run as failed, so
    no run is left "running" while its message sits in the dead-letter queue."""
    try:
        message = events.decode(body)
        if isinstance(message, events.CommitStatus):
            return  # a status belongs to no stage: losing one fails no run
        run = svc.runs.get(message.run_id)
    except PipelineError:
        return
    if not run.finished and _end_unfinished(
        svc, run.id, f"internal error (gave up after retries): {error!r}"
    ):
        _after_failure(svc, run.id)


def _end_unfinished(svc: Services, run_id: str, reason: str, detail: dict[str, Any] | None = None) -> bool:
    """Fail a run that has not ended at its current stage (running, else the next to run); whether it
    did (False: it had already ended, or has no stage left)."""
    ended: dict[str, bool] = {}

    def change(r: Run) -> None:
        where = next((s for s in r.stages if s.status in ("running", "waiting", "pending")), None)
        ended["now"] = not r.finished and where is not None
        if where is not None and ended["now"]:
            where.detail.update(detail or {})
            end_run(r, where, reason)

    svc.runs.update(run_id, change)
    return ended["now"]


# --- import: a WordPress export arrived ----------------------------------------------------------


def import_run_id(created: events.ObjectCreated) -> str:
    """The same S3 event always names the same run, so a retried message continues it."""
    digest = hashlib.sha256(f"{created.bucket}/{created.key}/{created.sequencer}".encode()).hexdigest()[:6]
    return f"{created.event_time:%Y%m%d-%H%M%S}-{created.event_time.microsecond // 1000:03d}-{digest}"


def start_import(svc: Services, created: events.ObjectCreated, *, final_attempt: bool = True) -> Run | None:
    """An object arrived in the ingest bucket: when it is an export, convert it and enqueue the build."""
    try:
        export = parse_export_key(created.key)
    except InputError as exc:
        # No site can be named from this key, so no run can show the error: it waits beside the file.
        moved = quarantine_key(svc.s3, created.bucket, created.key, str(exc))
        log.warning(
            "s3://%s/%s is not a valid export key (%s); moved to %s", created.bucket, created.key, exc, moved
        )
        return None
    if export is None:
        log.info("ignoring s3://%s/%s: not an export", created.bucket, created.key)
        return None
    run = _create(
        svc,
        Run(
            id=import_run_id(created) if created.sequencer else new_run_id(svc.clock()),
            site=export.site,
            kind="hugo",
            trigger={
                "type": "import",
                "bucket": created.bucket,
                "key": created.key,
                "summary": f"import of {export.name}",
            },
            stages=[Stage(name) for name in IMPORT_STAGES],
            urls={stage: svc.settings.site_url(export.site, stage) for stage in SITE_STAGES},
        ),
    )
    done = run_stage(
        svc,
        run.id,
        "convert",
        lambda r: convert_work.convert(svc, r, created.bucket, export),
        final_attempt=final_attempt,
    )
    if done is None:
        _after_failure(svc, run.id)
        return svc.runs.get(run.id)
    source_key = done.stage("convert").detail["source_key"]
    _enqueue(svc, "build", events.BuildRequest(run_id=run.id, site=run.site, source_key=source_key))
    return done


# --- push: a GitHub push to a registered site ------------------------------------------------------


def start_push(svc: Services, site: Site, push: Any) -> Run:
    """Record a run for a push that should build, and queue its fetch (the webhook answers at once)."""
    message = (push.head_commit_message or "").strip().splitlines()
    summary = f"push {push.short_sha} to {push.branch} by {push.pusher}" + (
        f": {message[0][:80]}" if message else ""
    )
    run = _create(
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
    _enqueue(svc, "build", request)
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
        _after_failure(svc, request.run_id)
        return None
    detail = done.stage("fetch").detail
    svc.runs.update(done.id, lambda r: r.artifact.update(presslift_toml=detail.pop("presslift_toml", "")))
    return build(
        svc,
        events.BuildRequest(done.id, done.site, detail["source_key"]),
        final_attempt=final_attempt,
        budget=budget,
    )


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
            return codedrop_work.build(svc, run, request.source_key, budget)
        return build_work.build(svc, run, request.source_key, budget)

    done = run_stage(svc, request.run_id, "build", work, final_attempt=final_attempt)
    if done is None:
        _after_failure(svc, request.run_id)
        return None
    done = svc.runs.update(done.id, lambda r: r.artifact.update(artifact_run=r.id))
    _promote(svc, done, CODE_STAGES[0] if done.kind == "code" else "staging")
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
                r.stage(f"deploy-{stage}"),
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
    _after_failure(svc, run.id)
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
        svc, run.id, name, lambda r: deploy_work.deploy(svc, r, request.stage), final_attempt=final_attempt
    )
    if done is None:
        _after_failure(svc, run.id)
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
        work = lambda r: codedrop_work.rollback(svc, r, request.stage, r.trigger.get("to_release"))  # noqa: E731
    else:
        if _refused(svc, run, request.stage, name) or _superseded(svc, run, request.stage, name=name):
            return None
        work = lambda r: codedrop_work.drop(svc, r, request.stage)  # noqa: E731
    done = run_stage(svc, run.id, name, work, final_attempt=final_attempt)
    if done is None:
        _after_failure(svc, run.id)
        return None
    if done.trigger.get("type") == "rollback" or request.stage == "prod":
        return _finish(svc, done, request.stage)
    if request.stage == "dev":
        _promote(svc, done, "stage")
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


# --- approval ------------------------------------------------------------------------------------


def after_staging(svc: Services, run_id: str, *, final_attempt: bool = True) -> Run | None:
    """Staging is live: ask a person (the default for prod), or promote at once when the site says so."""
    run = svc.runs.get(run_id)
    _supersede_waiting(svc, run)
    if clearance.person_needed(clearance.approval_policy(svc, run)):
        return request_approval(svc, run_id, final_attempt=final_attempt)

    def skip(r: Run) -> None:
        stage = r.stage("approval")
        if stage.status in ("pending", "running"):
            stage.status = "skipped"
            stage.detail["summary"] = "prod needs no approval for this site (its registration)"

    run = svc.runs.update(run_id, skip)
    _promote(svc, run, "prod")
    return run


def _supersede_waiting(svc: Services, newer: Run) -> None:
    """Older runs of the site still waiting for approval can no longer be approved."""
    for run in svc.runs.list(site=newer.site, limit=20):
        if run.id != newer.id and run.status == "awaiting_approval" and run.generation < newer.generation:

            def change(r: Run) -> None:
                if r.status == "awaiting_approval":
                    r.approval["superseded_by"] = newer.id
                    end_run(
                        r,
                        r.stage("approval"),
                        f"superseded by run {newer.id}",
                        status="superseded",
                        stage_status="skipped",
                    )

            svc.runs.update(run.id, change)


def request_approval(svc: Services, run_id: str, *, final_attempt: bool = True) -> Run | None:
    """After staging: plan prod, open an approval, and email its link."""
    run = begin(svc, run_id, "approval")
    if run is None:
        return None
    try:
        prod: dict[str, Any]
        if run.kind == "code":
            prod = {"publish": {"summary": {}}, "plan_text": codedrop_work.plan(svc, run, "prod")}
        else:
            prod = deploy_work.deploy(svc, run, "prod", dry_run=True)
    except PipelineError as exc:
        fail(svc, run_id, "approval", f"cannot plan the prod deploy: {exc}")
        _after_failure(svc, run_id)
        return None
    policy = approval_policy(svc, run.site)
    record, token = approvals.new_approval(svc.clock(), approvals.ttl(policy.ttl_hours))
    record["plan"] = prod["publish"]["summary"]
    record["plan_text"] = prod["plan_text"] + (
        f"\n  search: {prod['search']['describe']}" if "search" in prod else ""
    )

    def change(r: Run) -> None:
        r.approval = record
        r.stage("approval").status = "waiting"
        r.stage("approval").detail["summary"] = f"waiting for a person until {record['expires_at'][:16]}"
        r.status = "awaiting_approval"

    run = svc.runs.update(run_id, change)
    notify.approval_requested(svc, run, svc.settings.approval_url(run.id, token))
    return run


def decide(
    svc: Services, run_id: str, token: str | None, decision: approvals.Decision, *, operator: bool = False
) -> Run:
    """A person's POST from the confirm page: approve (enqueue prod) or reject (end the run).

    `operator=True` is for `presslift approve`: an operator with the pipeline's AWS credentials needs no
    emailed token, but the approval must still be pending, unexpired and not superseded.
    """

    def change(run: Run) -> None:
        now = svc.clock()
        if operator:
            approvals.check_pending(run, now)
        else:
            approvals.check_token(run, token, now)
        approvals.record_decision(run, decision, now)
        stage = run.stage("approval")
        if decision.decision == "approve":
            stage.status = "succeeded"
            stage.finished_at = utc_now()
            stage.detail["decision"] = "approved"
            stage.detail["summary"] = f"approved from {decision.source_ip or 'an unknown address'}"
            run.status = "running"
        else:
            end_run(run, stage, "rejected by the approver", status="rejected")

    run = svc.runs.update(run_id, change)
    if decision.decision == "approve":
        _promote(svc, run, "prod")
    return run


def check_approvable(svc: Services, run_id: str, token: str | None) -> Run:
    """The run behind an approval link, if the token opens it (GET: shows, changes nothing)."""
    run = svc.runs.get(run_id)
    approvals.check_token(run, token, svc.clock())
    return run


def expire_approvals(svc: Services) -> list[str]:
    """Mark runs whose approval expired as expired (the scheduled sweep); the ids it expired."""
    now = svc.clock()
    expired = []
    for run in svc.runs.list(limit=200):
        if run.status != "awaiting_approval" or not run.approval:
            continue
        if approvals.is_expired(run, now):

            def change(r: Run) -> None:
                if r.status == "awaiting_approval" and approvals.is_expired(r, now):
                    r.approval["status"] = "expired"
                    end_run(
                        r,
                        r.stage("approval"),
                        f"nobody decided before {r.approval['expires_at']}",
                        status="expired",
                    )

            try:
                svc.runs.update(run.id, change)
            except ConflictError:
                continue
            expired.append(run.id)
    return expired


# --- the dead-letter sweep ---------------------------------------------------------------------------

#: What to do again, by how the run started, for the reason a dead-lettered run shows.
_AGAIN = {
    "import": "upload the export again",
    "push": "push again",
    "rollback": "start the rollback again",
    "publish": "publish again",
}


def dead_letter_runs(role: str, body: str) -> list[str]:
    """The runs a dead-lettered message was about (none when it names none we can tell)."""
    try:
        if role == "ingest":
            return [import_run_id(c) for c in events.s3_objects_created(body) if c.sequencer]
        return [events.decode(body).run_id]
    except PipelineError:
        return []


def _gave_up(svc: Services, run: Run, letter: deadletters.DeadLetter) -> str:
    again = _AGAIN.get(str(run.trigger.get("type")), "start it again")
    return (
        f"gave up after {svc.settings.max_receive_count} attempts: the {letter.role} function never "
        f"recorded an outcome (it ran out of time or memory); fix the cause, then {again}"
    )


def fail_dead_lettered(svc: Services) -> list[str]:
    """Fail every run whose message reached a dead-letter queue without an outcome (the sweep); the ids.

    Idempotent: a run that has ended is left as it is. A message is deleted once every run it names has
    ended (its copy stays on the failed stage as `dead_letter`): every stage refuses an ended run, so
    redriving it could do nothing, and a DLQ that keeps only what still needs an operator keeps its alarm
    meaningful. A message naming no run we know (unreadable, or lost before its run was recorded) stays
    for an operator to read or redrive.
    """
    failed: list[str] = []
    for letter in deadletters.waiting(svc.sqs, dict(svc.settings.queues)):
        runs = []
        for run_id in dead_letter_runs(letter.role, letter.body):
            try:
                runs.append(svc.runs.get(run_id))
            except NotFoundError:
                continue
        if not runs:
            log.warning(
                "dead letter %s in %s names no known run; left for an operator",
                letter.message_id,
                letter.queue_name,
            )
            continue
        for run in runs:
            detail = {
                "dead_letter": {
                    "queue": letter.queue_name,
                    "message_id": letter.message_id,
                    "body": letter.body[:4000],
                }
            }
            if not run.finished and _end_unfinished(svc, run.id, _gave_up(svc, run, letter), detail):
                failed.append(run.id)
                _after_failure(svc, run.id)
        deadletters.remove(svc.sqs, letter)
    return failed


# --- rollback ------------------------------------------------------------------------------------


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
    history = svc.runs.list(site=site, limit=200)
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


def publishable(svc: Services, site: str, stage: str, to_run: str | None = None) -> tuple[Run, str]:
    """What `presslift publish` puts on `stage`: `to_run`'s build, else the newest built run's (a
    rollback's: the artifact it restored), with that artifact. `check_publish` says whether it may."""
    history = [run for run in svc.runs.list(site=site, limit=200) if run.artifact.get("artifact_run")]
    if not history:
        raise NotFoundError(f"site {site} has no built run to publish")
    source = _find(site, to_run, history) if to_run else history[0]
    return source, clearance.live_artifact(source, stage) or str(source.artifact["artifact_run"])


def check_publish(svc: Services, source: Run, artifact: str, stage: str) -> str:
    """Why `source`'s `artifact` may be published to `stage`; ForbiddenError naming the run, why not,
    and the run whose build the stage has (the one to publish to put the stage right)."""
    try:
        return clearance.check_restore(svc, "publish", source, artifact, stage)
    except ForbiddenError as exc:
        live = clearance.live_history(svc.runs.list(site=source.site, limit=200), stage)
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
    trigger: str,
    target: Run,
    artifact_run: str,
    stage: str,
    summary: str,
    who: str,
    allow_deletes: bool,
) -> Run:
    """Record a run that deploys `target`'s artifact to `stage` again, and queue its deploy."""
    run = _create(
        svc,
        Run(
            id=new_run_id(svc.clock()),
            site=target.site,
            kind=target.kind,
            trigger={
                "type": trigger,
                "to_run": target.id,
                "stage": stage,
                "by": who,
                "allow_deletes": allow_deletes,
                "summary": summary + (" (deletes allowed)" if allow_deletes else ""),
            },
            stages=[Stage(f"deploy-{stage}")],
            urls={stage: svc.settings.site_url(target.site, stage)},
            artifact={
                "artifact_run": artifact_run,
                "presslift_toml": target.artifact.get("presslift_toml", ""),
            },
        ),
        newer_build=False,
    )
    _enqueue(svc, "deploy", events.DeployRequest(run_id=run.id, site=run.site, stage=stage))
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
    run = _create(
        svc,
        Run(
            id=new_run_id(svc.clock()),
            site=latest.site,
            kind="code",
            trigger={
                "type": "rollback",
                "stage": stage,
                "to_release": to_run,
                "by": who,
                "summary": f"rollback of {stage} to {target}",
            },
            stages=[Stage(stage_name("code", stage))],
            artifact={"presslift_toml": latest.artifact.get("presslift_toml", "")},
        ),
        newer_build=False,
    )
    _promote(svc, run, stage)
    return run
