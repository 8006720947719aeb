"""Staging waits for one render: the build stage stores staging's tree only, and prod's tree is
rendered by `build-prod` once staging is live, before the approval is asked. A run whose staging a
newer run has already replaced renders nothing more and asks nobody (the real pipeline functions,
moto, the real Hugo)."""

from __future__ import annotations

import pytest

from chalicelib import events, pipeline
from chalicelib.artifacts import ArtifactStore
from chalicelib.errors import NotFoundError
from chalicelib.events import ObjectCreated
from chalicelib.runs import Run
from chalicelib.services import Services
from chalicelib.sitemodel import Site
from tests.functional.wordpress.wxr_builder import Post, export

SITE = "harbour"


def live_on_staging(svc: Services, name: str, text: str) -> tuple[Run, str]:
    """An import converted, built and deployed to staging; the run and its source key."""
    key = f"imports/{SITE}/{name}.xml"
    body = export("https://blog.example", [Post(1, "tide", f"<p>{text}</p>", title="Tide")])
    svc.s3.put_object(Bucket=svc.settings.ingest_bucket, Key=key, Body=body.encode())
    run = pipeline.start_import(svc, ObjectCreated(svc.settings.ingest_bucket, key), final_attempt=True)
    assert run is not None and run.stage("convert").status == "succeeded", run.stage("convert").error
    source_key = str(run.stage("convert").detail["source_key"])
    built = pipeline.build(svc, events.BuildRequest(run.id, SITE, source_key))
    assert built is not None and built.stage("build").status == "succeeded", built.stage("build").error
    pipeline.deploy(svc, events.DeployRequest(run.id, SITE, "staging"))
    return svc.runs.get(run.id), source_key


def store(svc: Services) -> ArtifactStore:
    return ArtifactStore(svc.s3, svc.settings.artifacts_bucket)


def test_staging_goes_live_from_one_render_and_prod_is_rendered_before_the_approval(provisioned) -> None:
    svc = provisioned
    svc.sites.add(Site(SITE, source="import"))
    run, source_key = live_on_staging(svc, "first", "High water at noon.")

    # Staging is live from the build's one tree; prod's is not rendered yet, and nobody was asked.
    assert run.status == "running" and run.stage("deploy-staging").status == "succeeded"
    assert run.stage("build").detail["trees"].keys() == {"staging"}
    assert store(svc).get_manifest(SITE, run.id, "staging").files
    with pytest.raises(NotFoundError):
        store(svc).get_manifest(SITE, run.id, "prod")
    assert run.stage("build-prod").status == "pending" and run.approval is None

    rendered = pipeline.build_prod(svc, events.ProdBuildRequest(run.id, SITE, source_key))
    assert rendered is not None and rendered.stage("build-prod").status == "succeeded"
    prod = store(svc).get_manifest(SITE, run.id, "prod")
    assert prod.base_url == svc.settings.shared_site_url(SITE, "prod") and prod.files
    assert rendered.stage("build-prod").detail["trees"]["prod"]["files"] == len(prod.files)
    assert rendered.status == "running"  # the approval is asked by the deploy function, next

    asked = pipeline.ask_approval(svc, events.ApprovalRequest(run.id, SITE))
    assert asked is not None and asked.status == "awaiting_approval"
    assert asked.stage("approval").status == "waiting"
    # A repeated message (SQS delivers at least once) asks nobody twice and renders nothing again.
    again = pipeline.build_prod(svc, events.ProdBuildRequest(run.id, SITE, source_key))
    assert (
        again is not None and again.stage("build-prod").finished_at == asked.stage("build-prod").finished_at
    )
    assert pipeline.ask_approval(svc, events.ApprovalRequest(run.id, SITE)) == svc.runs.get(run.id)


def test_a_run_whose_staging_a_newer_run_replaced_renders_nothing_more_and_asks_nobody(provisioned) -> None:
    svc = provisioned
    svc.sites.add(Site(SITE, source="import"))
    older, older_source = live_on_staging(svc, "older", "Old tide table.")
    newer, _ = live_on_staging(svc, "newer", "New tide table.")

    assert pipeline.build_prod(svc, events.ProdBuildRequest(older.id, SITE, older_source)) is None
    ended = svc.runs.get(older.id)
    assert ended.status == "superseded" and ended.approval is None
    assert "staging shows generation" in (ended.stage("build-prod").error or "")
    with pytest.raises(NotFoundError):
        store(svc).get_manifest(SITE, older.id, "prod")

    # Overtaken between its prod render and the approval: it ends at the approval, unasked.
    third, third_source = live_on_staging(svc, "third", "Third tide table.")
    pipeline.build_prod(svc, events.ProdBuildRequest(third.id, SITE, third_source))
    fourth, _ = live_on_staging(svc, "fourth", "Fourth tide table.")
    assert pipeline.ask_approval(svc, events.ApprovalRequest(third.id, SITE)) is None
    unasked = svc.runs.get(third.id)
    assert unasked.status == "superseded" and unasked.approval is None
    assert unasked.stage("approval").status == "skipped"
    assert svc.runs.get(newer.id).status == "running" and fourth.status == "running"
