"""What happens after each stage: the pipeline's state machine, in one place.

Each public function is the whole work of one Lambda invocation for one message or request: it moves
a run's stages forward, does the stage's work through the collaborators in `Services`, and enqueues the
next step. Every step is safe to repeat (SQS delivers at least once): a stage that already finished is
not run again.

A `PipelineError` fails the stage and the run with its message and nothing after it runs; any other
exception is a fault to retry, and is recorded as the stage's error only on the message's last attempt.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chalicelib import approvals, events, hugo
from chalicelib.artifacts import ArtifactStore, build_manifest
from chalicelib.errors import BuildError, ConversionError, PipelineError
from chalicelib.ingest import ExportKey, find_uploads, parse_export_key, quarantine
from chalicelib.resources import SITE_STAGES
from chalicelib.runs import Run, Stage, new_run_id, utc_now
from chalicelib.services import Services

log = logging.getLogger(__name__)

IMPORT_STAGES = ("convert", "build", "deploy-staging", "approval", "deploy-prod")


def _artifacts(svc: Services) -> ArtifactStore:
    return ArtifactStore(svc.s3, svc.settings.artifacts_bucket)


def _work_dir() -> tempfile.TemporaryDirectory[str]:
    # Lambda's only writable place is /tmp; the default temp dir is there.
    return tempfile.TemporaryDirectory(prefix="presslift-")


def _enqueue(svc: Services, role: str, message: events.Message) -> None:
    """Send the next step; ordered per site where the queue is FIFO, at most once per run and step."""
    svc.send(role, events.encode(message), group=message.site, dedup=events.dedup_id(message))


# --- stage bookkeeping ---------------------------------------------------------------------------


def _begin(svc: Services, run_id: str, name: str) -> Run | None:
    """Mark a stage running; None when it must not run (already done, or the run has ended)."""
    allowed = {"pending", "running", "waiting"}  # "running": a crashed attempt being retried

    state: dict[str, bool] = {}

    def change(run: Run) -> None:
        stage = run.stage(name)
        state["go"] = not run.finished and stage.status in allowed
        if state["go"]:
            stage.status = "running"
            stage.started_at = stage.started_at or utc_now()
            stage.error = None

    run = svc.runs.update(run_id, change)
    if not state["go"]:
        log.info(
            "run %s: stage %s not started (stage %s, run %s)",
            run_id,
            name,
            run.stage(name).status,
            run.status,
        )
        return None
    return run


def _succeed(
    svc: Services, run_id: str, name: str, detail: dict[str, Any], after: Callable[[Run], None] | None = None
) -> Run:
    def change(run: Run) -> None:
        stage = run.stage(name)
        stage.status = "succeeded"
        stage.finished_at = utc_now()
        stage.detail.update(detail)
        if after:
            after(run)

    return svc.runs.update(run_id, change)


def fail_run(run: Run, stage: Stage, error: str, status: str = "failed") -> None:
    """Record a stage's failure on `run`: the stage fails, the run ends, later stages are skipped."""
    stage.status = "failed"
    stage.error = error
    stage.finished_at = utc_now()
    run.status = status
    for later in run.stages_after(stage.name):
        if later.status in ("pending", "waiting", "running"):
            later.status = "skipped"


def _fail(svc: Services, run_id: str, name: str, error: str, detail: dict[str, Any] | None = None) -> Run:
    def change(run: Run) -> None:
        stage = run.stage(name)
        stage.detail.update(detail or {})
        fail_run(run, stage, error)

    log.warning("run %s: stage %s failed: %s", run_id, name, error)
    return svc.runs.update(run_id, change)


def _run_stage(
    svc: Services, run_id: str, name: str, work: Callable[[Run], dict[str, Any]], *, final_attempt: bool
) -> Run | None:
    """Run one stage's work with the bookkeeping around it; the finished run, or None if not done."""
    run = _begin(svc, run_id, name)
    if run is None:
        return None
    try:
        detail = work(run)
    except PipelineError as exc:
        extra = {"log_tail": exc.log_tail} if isinstance(exc, BuildError) and exc.log_tail else {}
        _fail(svc, run_id, name, str(exc), extra)
        return None
    except Exception as exc:
        if final_attempt:
            _fail(svc, run_id, name, f"internal error (gave up after retries): {exc!r}")
        raise
    return _succeed(svc, run_id, name, detail)


# --- convert: a WordPress export arrived ----------------------------------------------------------


def start_import(svc: Services, bucket: str, key: str, *, final_attempt: bool = True) -> Run | None:
    """An object arrived in the ingest bucket: when it is an export, convert it and enqueue the build."""
    export = parse_export_key(key)
    if export is None:
        log.info("ignoring s3://%s/%s: not an export", bucket, key)
        return None
    run = svc.runs.create(
        Run(
            id=new_run_id(svc.clock()),
            site=export.site,
            kind="hugo",
            trigger={"type": "import", "bucket": bucket, "key": key, "summary": f"import of {export.name}"},
            stages=[Stage(name) for name in IMPORT_STAGES],
            urls={stage: svc.settings.site_url(export.site, stage) for stage in SITE_STAGES},
        )
    )
    done = _run_stage(
        svc, run.id, "convert", lambda r: _convert(svc, r, bucket, export), final_attempt=final_attempt
    )
    if done is not None:
        source_key = done.stage("convert").detail["source_key"]
        _enqueue(svc, "build", events.BuildRequest(run_id=run.id, site=run.site, source_key=source_key))
    return svc.runs.get(run.id)


def _convert(svc: Services, run: Run, bucket: str, export: ExportKey) -> dict[str, Any]:
    from chalicelib.wordpress import convert_export  # heavy (lxml, markdownify): only the convert stage

    store = _artifacts(svc)
    with _work_dir() as tmp:
        work = Path(tmp)
        local_export = work / export.name
        svc.s3.download_file(bucket, export.key, str(local_export))
        uploads_key = find_uploads(svc.s3, bucket, export)
        uploads = None
        if uploads_key:
            uploads = work / uploads_key.rsplit("/", 1)[-1]
            svc.s3.download_file(bucket, uploads_key, str(uploads))
        try:
            report = convert_export(local_export, work / "site", uploads=uploads)
        except ConversionError as exc:
            failed_key = quarantine(svc.s3, bucket, export, str(exc))
            raise ConversionError(
                f"{exc.reason} (the export was moved to s3://{bucket}/{failed_key})",
                line=exc.line,
                source=exc.source,
            ) from exc
        report_key = store.put_log(run.site, run.id, "conversion-report.json", report.to_json())
        source_key = store.put_source(run.site, run.id, work / "site")
    counts = report.counts
    return {
        "source_key": source_key,
        "report_key": report_key,
        "uploads_key": uploads_key,
        "counts": counts,
        "warnings": len(report.warnings),
        "summary": (
            f"{counts.get('post/published', 0)} posts, {counts.get('page/published', 0)} pages published; "
            f"{sum(n for key, n in counts.items() if key.endswith('/draft'))} drafts; "
            f"{len(report.warnings)} warnings"
        ),
    }


# --- build: one tree per stage from the same source ----------------------------------------------


def build(svc: Services, request: events.BuildRequest, *, final_attempt: bool = True) -> Run | None:
    done = _run_stage(
        svc, request.run_id, "build", lambda run: _build(svc, run, request), final_attempt=final_attempt
    )
    if done is not None:
        _enqueue(svc, "deploy", events.DeployRequest(run_id=done.id, site=done.site, stage="staging"))
    return done


def _build_stage_tree(
    svc: Services, run: Run, source: Path, work: Path, stage: str, logs: list[str]
) -> dict[str, int]:
    """Render one stage's tree, index it for search, and store it with its manifest and records."""
    from chalicelib.search.pagefind import index_with_pagefind
    from chalicelib.search.records import build_records, records_json

    store = _artifacts(svc)
    base_url = svc.settings.site_url(run.site, stage)
    result = hugo.build_site(
        source, work / "public" / stage, base_url=base_url, work_dir=work, params={"search": "true"}
    )
    search = index_with_pagefind(result.destination)
    logs.append(f"== {stage} ({base_url}) in {result.seconds:.2f} s\n{result.log}\n{search.describe()}")
    manifest = build_manifest(
        result.destination, site=run.site, run_id=run.id, stage=stage, base_url=base_url
    )
    records = build_records(result.destination, manifest)
    store.put_tree(result.destination, manifest)
    store.put_records(run.site, run.id, stage, records_json(records))
    return {"files": len(manifest.files), "bytes": manifest.total_bytes, "records": len(records)}


def _build(svc: Services, run: Run, request: events.BuildRequest) -> dict[str, Any]:
    store = _artifacts(svc)
    logs: list[str] = []
    trees: dict[str, dict[str, int]] = {}
    with _work_dir() as tmp:
        work = Path(tmp)
        source = work / "source"
        store.get_source(request.source_key, source)
        try:
            for stage in SITE_STAGES:
                trees[stage] = _build_stage_tree(svc, run, source, work, stage, logs)
        except PipelineError as exc:
            logs.append(f"== failed\n{getattr(exc, 'log_tail', '')}")
            store.put_log(run.site, run.id, "build.log", "\n".join(logs))
            raise
        log_key = store.put_log(run.site, run.id, "build.log", "\n".join(logs))
    files = ", ".join(f"{stage} {tree['files']} files" for stage, tree in trees.items())
    return {
        "log_key": log_key,
        "hugo": hugo.hugo_version(),
        "trees": trees,
        "artifact_run": run.id,
        "summary": f"Hugo {hugo.hugo_version()}: {files}",
    }


# --- deploy: publish an artifact's stage tree ------------------------------------------------------


def deploy(svc: Services, request: events.DeployRequest, *, final_attempt: bool = True) -> Run | None:
    name = f"deploy-{request.stage}"
    done = _run_stage(
        svc, request.run_id, name, lambda run: _deploy(svc, run, request.stage), final_attempt=final_attempt
    )
    if request.stage == "staging":
        return request_approval(svc, request.run_id, final_attempt=final_attempt)
    if done is not None:
        return svc.runs.update(done.id, _finish)
    return done


def _finish(run: Run) -> None:
    if not run.finished:
        run.status = "succeeded"


def _target(svc: Services, site: str, stage: str) -> Any:
    from chalicelib.publish import PublishTarget

    distribution = svc.settings.distributions.get(stage) or None
    return PublishTarget(
        bucket=svc.settings.site_buckets[stage], prefix=f"{site}/", distribution_id=distribution
    )


def _deploy(svc: Services, run: Run, stage: str, *, dry_run: bool = False) -> dict[str, Any]:
    from chalicelib.publish import PublishOptions, publish_tree

    artifact_run = run.stage("build").detail.get("artifact_run", run.id)
    with _work_dir() as tmp:
        tree = Path(tmp) / "tree"
        manifest = _artifacts(svc).get_tree(run.site, artifact_run, stage, tree)
        result = publish_tree(
            s3=svc.s3,
            cloudfront=svc.cloudfront if svc.settings.distributions.get(stage) else None,
            tree=tree,
            manifest=manifest,
            target=_target(svc, run.site, stage),
            options=PublishOptions(),
            dry_run=dry_run,
        )
    assert result.plan is not None, "publish_tree always returns its plan"
    return {
        "publish": result.to_dict(),
        "plan_text": result.plan.describe(),
        "summary": (
            f"{result.uploaded} uploaded, {result.deleted} deleted, "
            f"{result.summary.get('unchanged', 0)} unchanged"
            + (f"; invalidation {result.invalidation_id}" if result.invalidation_id else "")
        ),
        "url": svc.settings.site_url(run.site, stage),
    }


# --- approval ------------------------------------------------------------------------------------


def request_approval(svc: Services, run_id: str, *, final_attempt: bool = True) -> Run | None:
    """After staging: plan prod, open an approval, and email its link."""
    run = _begin(svc, run_id, "approval")
    if run is None:
        return None
    if run.stage("deploy-staging").status != "succeeded":
        return run
    try:
        prod = _deploy(svc, run, "prod", dry_run=True)
    except PipelineError as exc:
        return _fail(svc, run_id, "approval", f"cannot plan the prod deploy: {exc}")
    record, token = approvals.new_approval(svc.clock())
    record["plan"] = prod["publish"]["summary"]
    record["plan_text"] = prod["plan_text"]

    def change(r: Run) -> None:
        r.approval = record
        r.stage("approval").status = "waiting"
        r.stage("approval").detail["summary"] = f"waiting for a person until {record['expires_at'][:16]}"
        r.status = "awaiting_approval"

    run = svc.runs.update(run_id, change)
    approval_url = svc.settings.approval_url(run.id, token)
    subject, body = approvals.email(
        run,
        approval_url=approval_url,
        staging_url=svc.settings.site_url(run.site, "staging"),
        plan_text=prod["plan_text"],
    )
    svc.sns.publish(TopicArn=svc.settings.approvals_topic_arn, Subject=subject, Message=body)
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
            fail_run(run, stage, "rejected by the approver", status="rejected")

    run = svc.runs.update(run_id, change)
    if decision.decision == "approve":
        _enqueue(svc, "deploy", events.DeployRequest(run_id=run.id, site=run.site, stage="prod"))
    return run


def check_approvable(svc: Services, run_id: str, token: str | None) -> Run:
    """The run behind an approval link, if the token opens it (GET: shows, changes nothing)."""
    run = svc.runs.get(run_id)
    approvals.check_token(run, token, svc.clock())
    return run
