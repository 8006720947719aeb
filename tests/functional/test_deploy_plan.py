"""A deploy is planned from the artifact's manifest and the target alone (no tarball is downloaded),
then applied: the tree is downloaded, the target re-checked, and a plan the target outgrew re-planned.

Real moto S3: builds are stored as the build stage stores them (`put_tree`), and every read of the
artifacts bucket is counted through botocore's own event hooks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chalicelib.artifacts import build_manifest, manifest_key, records_key, tree_key
from chalicelib.errors import NotFoundError
from chalicelib.pipeline.approval import request_approval
from chalicelib.publish.notfound import PAGE as NOT_FOUND_PAGE
from chalicelib.runparts import Approval, ArtifactRef, Trigger
from chalicelib.runs import Run, Stage, new_run_id
from chalicelib.services import Services
from chalicelib.sitemodel import Site
from chalicelib.work import artifacts
from chalicelib.work.deploy import apply_deploy, deploy, plan_deploy, since_approval

SITE = "planned"
STAGE = "staging"
HOME = '<html><head><link rel="stylesheet" href="/css/site.css"></head><body>home</body></html>'
BASE = {
    "index.html": HOME,
    "css/site.css": "body{color:black}",
    "about/index.html": "about",
    "404.html": "gone",
}


def built(
    svc: Services, tmp_path: Path, files: dict[str, str], stage: str = STAGE, stages: tuple[Stage, ...] = ()
) -> Run:
    """A run whose build stored `files` as its `stage` tree, the way the build stage stores it."""
    if SITE not in {site.name for site in svc.sites.list()}:
        svc.sites.add(Site(SITE, repo="acme/planned"))
    run = Run(
        id=new_run_id(),
        site=SITE,
        kind="hugo",
        trigger=Trigger("push", branch="main"),
        stages=list(stages) or [Stage("build", "succeeded"), Stage(f"deploy-{STAGE}", "running")],
        status="running",
        generation=svc.sites.next_generation(SITE),
    )
    run.artifact = ArtifactRef(artifact_run=run.id)
    tree = tmp_path / run.id / stage
    for path, text in files.items():
        (tree / path).parent.mkdir(parents=True, exist_ok=True)
        (tree / path).write_text(text, encoding="utf-8")
    manifest = build_manifest(
        tree, site=SITE, run_id=run.id, stage=stage, base_url=svc.settings.shared_site_url(SITE, stage)
    )
    artifacts(svc).put_tree(tree, manifest)
    return svc.runs.create(run)


def artifact_reads(svc: Services) -> list[str]:
    """The keys of every GetObject and HeadObject on the artifacts bucket from now on."""
    keys: list[str] = []

    def seen(params: dict[str, Any], **_: Any) -> None:
        if params.get("Bucket") == svc.settings.artifacts_bucket:
            keys.append(str(params["Key"]))

    for operation in ("GetObject", "HeadObject"):
        svc.s3.meta.events.register(f"before-parameter-build.s3.{operation}", seen)
    return keys


def live_files(svc: Services) -> dict[str, str]:
    """What the stage's bucket serves for the site: path -> body (the publish's own state left out)."""
    bucket = svc.settings.site_buckets[STAGE]
    prefix = f"{SITE}/"
    listed = svc.s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return {
        item["Key"].removeprefix(prefix): svc.s3.get_object(Bucket=bucket, Key=item["Key"])["Body"]
        .read()
        .decode()
        for item in listed
        if not item["Key"].removeprefix(prefix).startswith(".")
    }


def test_planning_reads_the_manifest_and_downloads_no_tarball(provisioned: Services, tmp_path: Path) -> None:
    run = built(provisioned, tmp_path, BASE)
    reads = artifact_reads(provisioned)

    plan = plan_deploy(provisioned, run, STAGE)

    assert reads == [manifest_key(SITE, run.id, STAGE)]
    assert plan.publish.summary()["uploads"] == len(BASE)
    assert {row["path"] for row in plan.files()["files"]} == set(BASE)
    assert plan.artifact_run == run.id and plan.stage == STAGE and plan.search is None
    assert plan.to_dict()["plan_text"] == plan.publish.describe()
    assert live_files(provisioned) == {}  # planning wrote nothing

    result = apply_deploy(provisioned, run, plan)

    assert set(reads[1:]) == {tree_key(SITE, run.id, STAGE)}  # applying downloads the tree alone
    assert result.replanned == ""
    assert live_files(provisioned) == BASE
    # The bucket's root page, which the distribution gives a missing address (put once, then left).
    bucket = provisioned.settings.site_buckets[STAGE]
    page = provisioned.s3.get_object(Bucket=bucket, Key="404.html")
    assert page["Body"].read() == NOT_FOUND_PAGE and page["ContentType"] == "text/html; charset=utf-8"
    provisioned.s3.put_object(Bucket=bucket, Key="404.html", Body=b"the operator's own")
    apply_deploy(provisioned, run, plan_deploy(provisioned, run, STAGE))
    assert provisioned.s3.get_object(Bucket=bucket, Key="404.html")["Body"].read() == b"the operator's own"


def test_a_plan_works_without_the_tarball_and_applying_it_says_what_is_missing(
    provisioned: Services, tmp_path: Path
) -> None:
    run = built(provisioned, tmp_path, BASE)
    provisioned.s3.delete_object(
        Bucket=provisioned.settings.artifacts_bucket, Key=tree_key(SITE, run.id, STAGE)
    )

    plan = plan_deploy(provisioned, run, STAGE)
    assert plan.publish.summary()["uploads"] == len(BASE)

    with pytest.raises(NotFoundError, match=f"the {STAGE} tree of run {run.id} is missing"):
        apply_deploy(provisioned, run, plan)
    assert live_files(provisioned) == {}


CHANGED = {**BASE, "about/index.html": "about us"}
SHRUNK = {key: text for key, text in BASE.items() if key != "404.html"}


@pytest.mark.parametrize(
    ("live", "build", "uploads", "deletes", "unchanged", "compared_with"),
    [
        (None, BASE, 4, 0, 0, "the bucket's listing (no publish record yet)"),
        (BASE, BASE, 0, 0, 4, "the publish record"),
        (BASE, CHANGED, 1, 0, 3, "the publish record"),
        (BASE, SHRUNK, 0, 1, 3, "the publish record"),
    ],
    ids=["first deploy", "same build again", "one page edited", "one page removed"],
)
def test_what_a_plan_says(
    provisioned: Services,
    tmp_path: Path,
    live: dict[str, str] | None,
    build: dict[str, str],
    uploads: int,
    deletes: int,
    unchanged: int,
    compared_with: str,
) -> None:
    if live is not None:
        deploy(provisioned, built(provisioned, tmp_path, live), STAGE)
    run = built(provisioned, tmp_path, build)

    summary = plan_deploy(provisioned, run, STAGE).publish.summary()

    assert (summary["uploads"], summary["deletes"], summary["unchanged"]) == (uploads, deletes, unchanged)
    assert summary["compared_with"].startswith(compared_with)
    assert summary["refusals"] == []


def test_a_plan_the_target_outgrew_is_planned_again_and_the_result_says_so(
    provisioned: Services, tmp_path: Path
) -> None:
    first = built(provisioned, tmp_path, BASE)
    stale = plan_deploy(provisioned, first, STAGE)  # against an empty prefix: upload all four
    deploy(provisioned, built(provisioned, tmp_path, {**CHANGED, "extra.html": "extra"}), STAGE)

    result = apply_deploy(provisioned, first, stale)

    assert result.replanned == "the publish record changed since planning"
    detail = result.detail()
    assert detail["replanned"] == result.replanned and "re-planned" in detail["summary"]
    assert result.plan.publish.deletes == (f"{SITE}/extra.html",)
    assert [row["path"] for row in detail["plan_files"]["files"]] == ["about/index.html", "extra.html"]
    assert live_files(provisioned) == BASE


def test_the_deploy_step_records_what_the_run_page_reads(provisioned: Services, tmp_path: Path) -> None:
    run = built(provisioned, tmp_path, BASE)

    detail = deploy(provisioned, run, STAGE).detail()

    assert {"publish", "plan_text", "plan_files", "artifact_run", "url", "summary", "cleared"} <= set(detail)
    assert detail["publish"]["dry_run"] is False and detail["publish"]["uploaded"] == len(BASE)
    assert detail["url"] == provisioned.settings.shared_site_url(SITE, STAGE)
    assert detail["summary"].startswith("4 uploaded, 0 deleted, 0 unchanged")
    assert "replanned" not in detail


def test_the_approval_shows_the_prod_plan_without_downloading_the_build(
    provisioned: Services, tmp_path: Path
) -> None:
    waiting = (
        Stage("build", "succeeded"),
        Stage("deploy-staging", "succeeded"),
        Stage("approval", "pending"),
        Stage("deploy-prod", "pending"),
    )
    run = built(provisioned, tmp_path, BASE, stage="prod", stages=waiting)
    provisioned.s3.delete_object(
        Bucket=provisioned.settings.artifacts_bucket, Key=tree_key(SITE, run.id, "prod")
    )
    reads = artifact_reads(provisioned)

    asked = request_approval(provisioned, run.id)

    assert asked is not None and asked.status == "awaiting_approval"
    # The plan needs the manifest alone; the change review beside it reads changed pages where they
    # are published, else from the build, which is gone here: the review says so, the approval opens.
    assert asked.approval.review["unavailable"]
    reads.clear()
    shown = plan_deploy(provisioned, run, "prod")
    assert reads == [manifest_key(SITE, run.id, "prod")]
    assert asked.approval.plan_text == shown.text
    assert asked.approval.plan == shown.publish.summary()
    assert {row["path"] for row in asked.approval.plan_files["files"]} == set(BASE)


@pytest.mark.parametrize(
    ("shown", "said"),
    [
        (None, ""),
        ({"uploads": 4, "deletes": 0}, ""),
        (
            {"uploads": 1, "deletes": 2},
            "prod changed since the approval: it showed 1 uploads and 2 deletes, the deploy found 4 and 0",
        ),
    ],
    ids=["no approval", "as approved", "prod moved since"],
)
def test_a_prod_plan_says_when_it_differs_from_the_approved_one(
    provisioned: Services, tmp_path: Path, shown: dict[str, int] | None, said: str
) -> None:
    run = built(provisioned, tmp_path, BASE, stage="prod")
    if shown is not None:
        run.approval = Approval(plan=shown)

    assert since_approval(run, plan_deploy(provisioned, run, "prod")) == said


def test_a_deploys_plan_says_what_the_search_sync_will_do_without_asking_algolia(
    provisioned: Services, tmp_path: Path
) -> None:
    from chalicelib.search.records import records_json
    from chalicelib.sitemodel import SearchBackend

    search = SearchBackend("algolia", "APP1", "planned", "search-key", "/presslift/search/planned/admin")
    provisioned.sites.add(Site(SITE, repo="acme/planned", search=search))
    store = artifacts(provisioned)
    pages = [{"objectID": f"{name}/", "title": name, "content": name} for name in ("about", "a", "b", "c")]
    first = built(provisioned, tmp_path, BASE)
    store.put_records(SITE, first.id, STAGE, records_json(pages))
    reads = artifact_reads(provisioned)

    unknown = plan_deploy(provisioned, first, STAGE)

    assert unknown.search is not None and unknown.search.expected is None
    assert "search: 4 records for index planned_staging; what changes is computed against the live " in (
        unknown.text
    )
    assert sorted(reads) == sorted([manifest_key(SITE, first.id, STAGE), records_key(SITE, first.id, STAGE)])

    # The first run's deploy succeeded (its search synced with it): the next plan diffs against it.
    def deployed(run: Run) -> None:
        run.stage(f"deploy-{STAGE}").status = "succeeded"

    provisioned.runs.update(first.id, deployed)
    second = built(provisioned, tmp_path, CHANGED)
    store.put_records(SITE, second.id, STAGE, records_json([{**pages[0], "content": "about us"}, *pages[1:]]))

    known = plan_deploy(provisioned, second, STAGE)

    assert known.search is not None and known.search.expected is not None
    assert known.search.expected.counts()["update"] == 1
    assert "expected diff: 0 to add, 1 to update, 0 to delete, 3 unchanged" in known.text
    assert f"against the records of run {first.id}, live on {STAGE}" in known.text
    assert known.to_dict()["search"]["expected"]["updates"] == 1
    assert known.to_dict()["plan_text"] == known.text  # what `presslift publish --dry-run` prints
