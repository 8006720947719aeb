"""A code drop is planned from the bundle's manifest and the target's current release alone (no bundle
is downloaded), then applied: the bundle is downloaded, the mount re-checked, and a plan the mount
outgrew is made again. Without the mount (the approval may run outside the VPC) the current release is
the one the run records show live there.

Real moto S3 (bundles stored as the build stores them, every read of the artifacts bucket counted
through botocore's event hooks) and a real folder standing in for the EFS mount.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from chalicelib.artifacts import build_manifest, manifest_key, tree_key
from chalicelib.pipeline.approval import request_approval
from chalicelib.runparts import Approval, ArtifactRef, Trigger
from chalicelib.runs import Run, Stage, new_run_id, utc_now
from chalicelib.services import Services
from chalicelib.sitemodel import Site
from chalicelib.work import artifacts
from chalicelib.work import codedrop as codedrop_work
from tests.functional.test_deploy_plan import artifact_reads

SITE = "worker"
FILES = {"app/main.py": "print('hi')\n", "app/util.py": "X = 1\n", "README": "worker\n"}


@pytest.fixture
def svc(provisioned: Services, tmp_path: Path) -> Services:
    services = Services(replace(provisioned.settings, efs_mount=str(tmp_path / "efs")))
    services.sites.add(Site(SITE, repo="acme/worker", kind="code"))
    return services


def bundled(svc: Services, tmp_path: Path, files: dict[str, str], stages: tuple[Stage, ...] = ()) -> Run:
    """A code run whose build stored `files` as its bundle, the way the build stage stores it."""
    run = Run(
        id=new_run_id(),
        site=SITE,
        kind="code",
        trigger=Trigger("push", branch="main"),
        stages=list(stages) or [Stage("build", "succeeded"), Stage("codedrop-dev", "running")],
        status="running",
        generation=svc.sites.next_generation(SITE),
    )
    run.artifact = ArtifactRef(artifact_run=run.id)
    bundle = tmp_path / "bundles" / run.id
    for path, text in files.items():
        (bundle / path).parent.mkdir(parents=True, exist_ok=True)
        (bundle / path).write_text(text, encoding="utf-8")
    manifest = build_manifest(bundle, site=SITE, run_id=run.id, stage=codedrop_work.BUNDLE, base_url="/")
    artifacts(svc).put_tree(bundle, manifest)
    return svc.runs.create(run)


def dropped(svc: Services, tmp_path: Path, files: dict[str, str] = FILES) -> Run:
    """A code run whose bundle of `files` is dropped on dev (so dev has a current release)."""
    run = bundled(svc, tmp_path, files)
    codedrop_work.drop(svc, run, "dev")
    return run


def current(svc: Services, target: str) -> str:
    app = svc.sites.registration(SITE).app
    return (Path(svc.settings.efs_mount) / target / app / "current").readlink().name


def test_planning_reads_the_manifest_alone_and_applying_downloads_the_bundle(
    svc: Services, tmp_path: Path
) -> None:
    first = dropped(svc, tmp_path)
    run = bundled(svc, tmp_path, {**FILES, "app/util.py": "X = 2\n"})
    reads = artifact_reads(svc)

    plan = codedrop_work.plan_codedrop(svc, run, "dev")

    assert reads == [manifest_key(SITE, run.id, codedrop_work.BUNDLE)]
    assert plan.on_mount and plan.current_run == first.id
    assert plan.drop.summary()["copy"] == 1 and plan.drop.summary()["link"] == 2
    assert f"compared with the current release {first.id} on the mount" in plan.text
    assert current(svc, "dev") == first.id  # planning wrote nothing

    result = codedrop_work.apply_codedrop(svc, run, plan)

    assert set(reads[1:]) == {tree_key(SITE, run.id, codedrop_work.BUNDLE)}  # the bundle alone
    assert result.replanned == "" and result.plan == plan
    assert (result.result.files_copied, result.result.files_linked) == (1, 2)
    assert current(svc, "dev") == run.id
    detail = result.detail()
    assert detail["drop"]["run_id"] == run.id and detail["plan_text"] == plan.text
    assert {"drop", "summary", "release", "cleared"} <= set(detail) and "replanned" not in detail


def test_a_plan_the_mount_outgrew_is_planned_again_and_the_result_says_so(
    svc: Services, tmp_path: Path
) -> None:
    first = dropped(svc, tmp_path)
    run = bundled(svc, tmp_path, {**FILES, "app/new.py": "Y = 1\n"})
    stale = codedrop_work.plan_codedrop(svc, run, "dev")  # links from the first release
    other = dropped(svc, tmp_path, {**FILES, "README": "changed\n"})

    result = codedrop_work.apply_codedrop(svc, run, stale)

    assert result.replanned == (
        f"dev's current release is {other.id}, the plan compared with the current release {first.id} "
        "on the mount"
    )
    assert result.plan is not None and result.plan.drop.link_from == other.id
    assert result.result.previous == other.id and current(svc, "dev") == run.id
    # Against the release that was current: README differs from it too, so two files are copied.
    assert result.result.files_copied == 2
    assert "re-planned" in result.detail()["summary"] and result.detail()["replanned"] == result.replanned


def test_without_the_mount_the_plan_compares_with_the_release_the_run_records_show_live(
    svc: Services, tmp_path: Path
) -> None:
    live = bundled(
        svc,
        tmp_path,
        FILES,
        stages=(Stage("build", "succeeded"), Stage("codedrop-prod", "succeeded", finished_at=utc_now())),
    )
    svc.runs.update(live.id, lambda r: r.stage("codedrop-prod").detail.update(drop={"run_id": live.id}))
    run = bundled(svc, tmp_path, {**FILES, "app/util.py": "X = 3\n"})
    reads = artifact_reads(svc)
    assert not Path(svc.settings.efs_mount).exists()

    plan = codedrop_work.plan_codedrop(svc, run, "prod")

    assert reads == [
        manifest_key(SITE, run.id, codedrop_work.BUNDLE),
        manifest_key(SITE, live.id, codedrop_work.BUNDLE),
    ]
    assert not plan.on_mount and plan.current_run == live.id
    assert plan.drop.summary()["copy"] == 1 and plan.drop.link_from == live.id
    assert f"release {live.id}, live on prod by run {live.id} (the run records)" in plan.text
    assert not Path(svc.settings.efs_mount).exists()  # planning made no folder


def test_without_the_mount_or_a_recorded_release_everything_is_copied(svc: Services, tmp_path: Path) -> None:
    run = bundled(svc, tmp_path, FILES)

    plan = codedrop_work.plan_codedrop(svc, run, "prod")

    assert plan.current_run is None and plan.drop.summary()["copy"] == len(FILES)
    assert "no release recorded on prod (the mount is not reachable here)" in plan.text


def test_the_approval_of_a_code_run_shows_the_drop_plan_it_will_apply(svc: Services, tmp_path: Path) -> None:
    waiting = (
        Stage("build", "succeeded"),
        Stage("codedrop-dev", "succeeded"),
        Stage("codedrop-stage", "succeeded"),
        Stage("approval", "pending"),
        Stage("codedrop-prod", "pending"),
    )
    run = bundled(svc, tmp_path, FILES, stages=waiting)
    svc.s3.delete_object(
        Bucket=svc.settings.artifacts_bucket, Key=tree_key(SITE, run.id, codedrop_work.BUNDLE)
    )
    reads = artifact_reads(svc)

    asked = request_approval(svc, run.id)

    assert asked is not None and asked.status == "awaiting_approval"
    assert reads == [manifest_key(SITE, run.id, codedrop_work.BUNDLE)]
    shown = codedrop_work.plan_codedrop(svc, run, "prod")
    assert asked.approval.plan_text == shown.text and asked.approval.plan == shown.summary()
    assert "+ app/main.py (no current release)" in shown.text


def test_a_rollback_returns_a_typed_result_with_the_detail_the_run_records(
    svc: Services, tmp_path: Path
) -> None:
    first = dropped(svc, tmp_path)
    second = dropped(svc, tmp_path, {**FILES, "README": "two\n"})

    result = codedrop_work.rollback(svc, second, "dev", None)

    assert result.result.action == "rollback" and result.plan is None
    assert result.detail()["drop"]["run_id"] == first.id and current(svc, "dev") == first.id
    assert result.detail()["cleared"] == "dev needs no approval"


@pytest.mark.parametrize(
    ("shown", "said"),
    [
        (None, ""),
        ({"link_from": None}, ""),
        (
            {"link_from": "r0"},
            "prod changed since the approval: it showed a drop against release r0, the drop found no release",
        ),
    ],
    ids=["no approval", "as approved", "prod moved since"],
)
def test_a_prod_drop_says_when_it_differs_from_the_approved_one(
    svc: Services, tmp_path: Path, shown: dict[str, str | None] | None, said: str
) -> None:
    run = bundled(svc, tmp_path, FILES)
    if shown is not None:
        run.approval = Approval(plan=shown)

    assert codedrop_work.since_approval(run, codedrop_work.plan_codedrop(svc, run, "prod")) == said
