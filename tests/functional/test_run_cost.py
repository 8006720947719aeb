"""Every stage that runs records what it used on its stage record (its Lambda time at its function's
memory, the AWS requests it sent, and what its result reports), so an import run through the real
pipeline functions (moto, the real Hugo) ends with a cost on each stage, nothing in it left unmeasured,
and `presslift cost` adds them up."""

from __future__ import annotations

import html
import io
import json
from argparse import Namespace
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rich.console import Console

from chalicelib import approvals, events, pipeline, requestcount, runpage, runview, stages
from chalicelib.artifacts import ArtifactStore
from chalicelib.config import ApiLinks
from chalicelib.errors import BuildError
from chalicelib.events import ObjectCreated
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage, new_run_id
from chalicelib.sitemodel import Site
from chalicelib.usage import Usage
from presslift import costcommand, runlog
from tests.functional.wordpress.wxr_builder import Post, export


@dataclass(frozen=True)
class Uploaded:
    """A stage result that reports its own use, as DeployResult does."""

    files: int

    def detail(self) -> dict[str, Any]:
        return {"summary": f"{self.files} uploaded"}

    def usage(self) -> Usage:
        return Usage(s3_puts=self.files, invalidation_paths=2)


def test_a_stage_records_its_lambda_time_and_what_its_result_reports(provisioned, monkeypatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")
    run = provisioned.runs.create(
        Run(new_run_id(), "blog", "hugo", Trigger("push"), [Stage("deploy-staging")])
    )
    done = stages.run_stage(
        provisioned.runs, run.id, "deploy-staging", lambda r: Uploaded(7), final_attempt=True
    )
    assert done is not None
    stored = provisioned.runs.get(run.id).stage("deploy-staging").detail
    assert stored["summary"] == "7 uploaded"
    used = Usage.from_dict(stored["usage"])
    assert (used.s3_puts, used.invalidation_paths, used.lambda_requests) == (7, 2, 1)
    assert used.lambda_gb_seconds is not None and used.lambda_gb_seconds > 0
    assert used.algolia_operations is None  # nothing reported it: left out, not guessed


def test_an_import_run_ends_with_a_cost_on_every_stage_and_presslift_cost_shows_it(provisioned) -> None:
    svc = provisioned
    svc.sites.add(Site("blog", source="import"))
    key = "imports/blog/export.xml"
    body = export("https://blog.example", [Post(1, "hello", "<p>Hello, world.</p>", title="Hello")])
    svc.s3.put_object(Bucket=svc.settings.ingest_bucket, Key=key, Body=body.encode())
    run = pipeline.start_import(svc, ObjectCreated(svc.settings.ingest_bucket, key), final_attempt=True)
    assert run is not None and run.stage("convert").status == "succeeded", run.stage("convert").error
    source_key = run.stage("convert").detail["source_key"]
    built = pipeline.build(svc, events.BuildRequest(run.id, "blog", source_key))
    assert built is not None and built.stage("build").status == "succeeded", built.stage("build").error
    pipeline.deploy(svc, events.DeployRequest(run.id, "blog", "staging"))
    pipeline.build_prod(svc, events.ProdBuildRequest(run.id, "blog", source_key))
    pipeline.ask_approval(svc, events.ApprovalRequest(run.id, "blog"))

    done = svc.runs.get(run.id)
    ran = [
        stage for stage in done.stages if stage.name in ("convert", "build", "deploy-staging", "build-prod")
    ]
    assert [stage.status for stage in ran] == ["succeeded"] * 4, [(s.name, s.error) for s in ran]
    for stage in ran:
        used = Usage.from_dict(stage.detail["usage"])
        assert used.lambda_requests == 1 and (used.lambda_gb_seconds or 0) > 0, stage.name
        stage_cost = runview.stage_cost(stage)
        assert stage_cost is not None and stage_cost.total > 0, stage.name
    assert Usage.from_dict(done.stage("build").detail["usage"]).bytes_stored
    deployed = done.stage("deploy-staging")
    uploaded = deployed.detail["publish"]["uploaded"]
    # Its requests were counted as they were sent: every upload, and the publish's own marker and record.
    assert uploaded > 0 and (Usage.from_dict(deployed.detail["usage"]).s3_puts or 0) > uploaded
    for stage in ran:
        counted = Usage.from_dict(stage.detail["usage"]).to_dict()
        assert set(requestcount.COUNTED) <= set(counted), stage.name
    # The approval step is priced too: asking (plan, review, the email) and, later, the decision.
    asked = Usage.from_dict(done.stage("approval").detail["usage"])
    assert done.stage("approval").status == "waiting", done.stage("approval")
    assert asked.lambda_requests == 1 and (asked.lambda_gb_seconds or 0) > 0 and asked.sns_requests == 1
    assert (asked.s3_gets or 0) > 0 and (asked.dynamodb_writes or 0) > 0  # the manifest; the run's record
    priced = runview.run_cost(done)
    assert priced is not None and priced.total > 0 and priced.unmeasured == ()
    assert "not measured" not in runview.cost_line(done)

    page = runpage.render(
        done,
        runpage.gather(ArtifactStore(svc.s3, svc.settings.artifacts_bucket), done),
        links=ApiLinks("https://abc.execute-api.us-east-1.amazonaws.com/api"),
        now=datetime.now(UTC),
    )
    assert f'<dt>Cost</dt><dd class="cost">{html.escape(runview.cost_line(done))}</dd>' in page

    out = io.StringIO()
    shown = Namespace(run=run.id, json=False)
    runlog.cmd_show(shown, svc, Console(file=out, width=200))
    assert f"cost {runview.cost_line(done)}" in out.getvalue()

    decided = pipeline.decide(svc, run.id, None, approvals.Decision("approve"), operator=True)
    both = Usage.from_dict(decided.stage("approval").detail["usage"])
    assert both.lambda_requests == 2 and (both.dynamodb_writes or 0) > (asked.dynamodb_writes or 0)

    printed = io.StringIO()
    console = Console(file=printed, width=200)
    assert costcommand.cmd_cost(Namespace(site="blog", month=None, json=False), svc, console) == 0
    text = printed.getvalue()
    assert "Cost of runs in the last 30 days" in text and "blog" in text
    assert "Lambda's free tier is per account and not applied" in text


def test_presslift_cost_json_sums_the_site_runs(provisioned, capsys) -> None:
    svc = provisioned
    svc.sites.add(Site("blog", source="import"))
    for puts in (100, 300):
        stage = Stage(
            "deploy-staging", "succeeded", detail={"usage": {"s3_puts": puts, "lambda_requests": 1}}
        )
        svc.runs.create(Run(new_run_id(), "blog", "hugo", Trigger("import"), [stage]))
    assert costcommand.cmd_cost(Namespace(site=None, month=None, json=True), svc, Console()) == 0
    report = json.loads(capsys.readouterr().out)
    (blog,) = report["sites"]
    assert (blog["site"], blog["runs"], blog["priced_runs"], blog["usage"]) == (
        "blog",
        2,
        2,
        {"lambda_requests": 2, "s3_puts": 400},
    )
    assert report["estimate_usd"] > 0 and report["period"] == "the last 30 days"


def test_a_failed_stage_still_records_the_lambda_time_it_used(provisioned) -> None:
    run = provisioned.runs.create(Run(new_run_id(), "blog", "hugo", Trigger("push"), [Stage("build")]))

    def broken(_: Run) -> Uploaded:
        raise BuildError("hugo: template error", log_tail="line 3")

    assert stages.run_stage(provisioned.runs, run.id, "build", broken, final_attempt=True) is None
    failed = provisioned.runs.get(run.id).stage("build")
    assert failed.status == "failed" and failed.detail["log_tail"] == "line 3"
    used = Usage.from_dict(failed.detail["usage"])
    assert used.lambda_requests == 1 and (used.lambda_gb_seconds or 0) > 0  # at build's 3,008 MB
