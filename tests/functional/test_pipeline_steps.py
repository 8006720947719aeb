"""Two steps of the pipeline that must hold however often SQS delivers: a code drop that a newer run
superseded ends `superseded` (not failed after its retries), and the presslift.toml a fetch keeps
goes onto the run's artifact with the stage's success, even when the record's update is retried on a
write conflict."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from chalicelib import events, pipeline, stages
from chalicelib.pipeline import flow
from chalicelib.runparts import ArtifactRef, Trigger
from chalicelib.runs import Run, Stage, new_run_id
from chalicelib.sitemodel import Site
from chalicelib.work.fetch import Fetched

SITE = "worker"


def code_run(svc) -> Run:
    run = Run(
        id=new_run_id(),
        site=SITE,
        kind="code",
        trigger=Trigger("push", branch="main"),
        stages=[Stage(n) for n in flow.CODE_PUSH_STAGES],
        generation=svc.sites.next_generation(SITE),
    )
    for stage in ("fetch", "build"):
        run.stage(stage).status = "succeeded"
    run.artifact = ArtifactRef(artifact_run=run.id)
    return svc.runs.create(run)


def blog_push(svc, *stages: str) -> Run:
    """A push run of a Hugo site with just `stages`, stored."""
    return svc.runs.create(
        Run(
            id=new_run_id(),
            site="blog",
            kind="hugo",
            trigger=Trigger("push"),
            stages=[Stage(n) for n in stages],
        )
    )


def test_a_superseded_code_drop_ends_superseded_at_its_own_stage(provisioned) -> None:
    provisioned.sites.add(Site(SITE, repo="acme/worker", kind="code"))
    older, newer = code_run(provisioned), code_run(provisioned)
    assert provisioned.sites.claim_deploy(SITE, "dev", newer.generation)  # the newer one dropped first

    assert pipeline.codedrop(provisioned, events.DeployRequest(older.id, SITE, "dev")) is None
    ended = provisioned.runs.get(older.id)
    assert ended.status == "superseded"
    assert ended.stage("codedrop-dev").status == "skipped"
    assert ended.stage("codedrop-dev").error == f"superseded by a newer run of {SITE}"


def test_the_fetched_config_survives_a_retried_record_update(provisioned, monkeypatch) -> None:
    run = blog_push(provisioned, "fetch")
    toml = 'hugo_version = "0.140.0"\n'
    fetched = Fetched("sources/blog/x.tar.gz", "a" * 40, 3, 300, toml, "acme/blog@aaaaaaa: 3 files")
    real_update = provisioned.runs.update
    conflicts = {"left": 2}

    def update_with_a_conflict(run_id: str, change: Any, **kwargs: Any) -> Run:
        if conflicts["left"]:  # RunStore.update re-runs the change on a fresh copy after a conflict
            conflicts["left"] -= 1
            change(provisioned.runs.get(run_id))
        return real_update(run_id, change, **kwargs)

    monkeypatch.setattr(provisioned.runs, "update", update_with_a_conflict)
    done = stages.run_stage(
        provisioned.runs,
        run.id,
        "fetch",
        lambda _: fetched,
        final_attempt=True,
        artifact=lambda r, result: replace(r.artifact, presslift_toml=result.presslift_toml),
    )
    assert done is not None and done[1] is fetched
    kept = provisioned.runs.get(run.id)
    assert kept.artifact.presslift_toml == toml
    assert kept.stage("fetch").status == "succeeded"
    stored = {k: v for k, v in kept.stage("fetch").detail.items() if k != "usage"}  # usage: the stage's own
    assert stored == fetched.detail() and "presslift_toml" not in fetched.detail()


def test_a_stage_that_crashed_runs_again_on_the_retried_message_and_records_once(provisioned) -> None:
    run = blog_push(provisioned, "fetch")
    fetched = Fetched("sources/blog/x.tar.gz", "a" * 40, 3, 300, "", "acme/blog@aaaaaaa: 3 files")
    attempts: list[str] = []

    def crash_once(r: Run) -> Fetched:
        attempts.append(r.stage("fetch").status)
        if len(attempts) == 1:
            raise OSError("connection reset")  # a fault: SQS delivers the message again
        return fetched

    with pytest.raises(OSError):
        stages.run_stage(provisioned.runs, run.id, "fetch", crash_once, final_attempt=False)
    crashed = provisioned.runs.get(run.id)
    assert (crashed.status, crashed.stage("fetch").status, crashed.stage("fetch").error) == (
        "running",
        "running",
        None,
    )

    done = stages.run_stage(provisioned.runs, run.id, "fetch", crash_once, final_attempt=True)
    assert done is not None and attempts == ["running", "running"]
    assert done[0].stage("fetch").started_at == crashed.stage("fetch").started_at
    # The message delivered once more finds the stage done and runs nothing.
    assert stages.run_stage(provisioned.runs, run.id, "fetch", crash_once, final_attempt=True) is None
    assert len(attempts) == 2 and provisioned.runs.get(run.id).stage("fetch").status == "succeeded"


def test_a_build_that_crashed_after_its_fetch_runs_again_on_the_retried_fetch_message(
    provisioned, monkeypatch
) -> None:
    """fetch hands straight on to build in the same invocation, so a fault in the build retries the
    fetch's message: the fetch, done, is not repeated and the build is (the retry used to stop at the
    finished fetch and leave the run running for good)."""
    from chalicelib.work import build as build_work
    from chalicelib.work import fetch as fetch_work

    provisioned.sites.add(Site("blog", repo="acme/blog"))
    run = blog_push(provisioned, *flow.PUSH_STAGES)
    fetched = Fetched("sources/blog/kept.tar.gz", "a" * 40, 3, 300, "", "acme/blog@aaaaaaa: 3 files")
    fetches: list[str] = []
    builds: list[str] = []

    def fetch_once(_svc: Any, r: Run, _request: Any, **_: Any) -> Fetched:
        fetches.append(r.id)
        return fetched

    def build_crashing_once(_svc: Any, r: Run, source_key: str, _budget: Any) -> Any:
        builds.append(source_key)
        if len(builds) == 1:
            raise ValueError("All strings must be XML compatible")  # a fault: SQS retries the message
        return build_work.Built("logs/blog/build.log", "0.168.0", {}, r.id, "Hugo 0.168.0: staging 3 files")

    monkeypatch.setattr(fetch_work, "fetch", fetch_once)
    monkeypatch.setattr(fetch_work, "stale", lambda *_a, **_k: None)
    monkeypatch.setattr(build_work, "build", build_crashing_once)
    request = events.FetchRequest(run.id, "blog", "acme/blog", "a" * 40)

    with pytest.raises(ValueError):
        flow.fetch(provisioned, request, final_attempt=False)
    crashed = provisioned.runs.get(run.id)
    assert (crashed.stage("fetch").status, crashed.stage("build").status) == ("succeeded", "running")

    built = flow.fetch(provisioned, request, final_attempt=False)  # the same message, delivered again
    assert built is not None and built.stage("build").status == "succeeded"
    assert fetches == [run.id] and builds == ["sources/blog/kept.tar.gz"] * 2
    assert provisioned.runs.get(run.id).stage("deploy-staging").status == "pending"  # handed on

    assert flow.fetch(provisioned, request, final_attempt=True) is None  # once more: nothing runs again
    assert fetches == [run.id] and len(builds) == 2


def test_a_crash_on_the_last_attempt_fails_the_stage_saying_so(provisioned) -> None:
    run = blog_push(provisioned, "fetch", "build")

    def crash(_: Run) -> Fetched:
        raise OSError("connection reset")

    with pytest.raises(OSError):
        stages.run_stage(provisioned.runs, run.id, "fetch", crash, final_attempt=True)
    failed = provisioned.runs.get(run.id)
    assert failed.status == "failed" and failed.stage("build").status == "skipped"
    assert (
        failed.stage("fetch").error == "internal error (gave up after retries): OSError('connection reset')"
    )


def test_each_stage_outcome_is_measured_once_and_its_log_lines_carry_the_run(provisioned, caplog) -> None:
    from chalicelib.logs import current_context
    from chalicelib.metrics import COLLECTOR

    COLLECTOR.clear()
    run = blog_push(provisioned, "fetch", "build")
    fetched = Fetched("sources/blog/x.tar.gz", "a" * 40, 3, 300, "", "acme/blog@aaaaaaa: 3 files")
    seen: list[dict[str, Any]] = []

    def fetch(_: Run) -> Fetched:
        seen.append(current_context())
        return fetched

    def crash(_: Run) -> Fetched:
        raise OSError("connection reset")

    stages.run_stage(provisioned.runs, run.id, "fetch", fetch, final_attempt=True)
    with pytest.raises(OSError):  # not the last attempt: a retry follows, no outcome yet
        stages.run_stage(provisioned.runs, run.id, "build", crash, final_attempt=False)
    with pytest.raises(OSError):
        stages.run_stage(provisioned.runs, run.id, "build", crash, final_attempt=True)
    assert seen == [{"run_id": run.id, "site": "blog", "stage": "fetch"}]
    assert [(f.stage, f.outcome, f.run_id) for f in COLLECTOR.figures()] == [
        ("fetch", "succeeded", run.id),
        ("build", "failed", run.id),
    ]
