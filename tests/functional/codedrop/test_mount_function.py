"""The code-drop mount function: the one function with the EFS mount. It gets everything in its event
(a manifest, a URL to GET the bundle, the target and app) and answers what it did; the stage outside
the VPC hands it nothing else (no setting, no secret) and records, queues and notifies itself.

A real folder stands in for the mount; bundles are real tarballs fetched through `file://` URLs (the
stage's own disk, as the local cloud's in-process mode hands them) and real moto S3 for the stage.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from chalicelib.artifacts import pack
from chalicelib.codemount.invoke import InProcessMount, checked
from chalicelib.codemount.job import MountJob, MountReply
from chalicelib.codemount.work import handle
from chalicelib.errors import InputError, NotFoundError
from chalicelib.services import Services
from chalicelib.work import codedrop as codedrop_work

from .conftest import BundleMaker
from .test_plan_apply import FILES, SITE, bundled


@pytest.fixture
def svc(provisioned: Services, tmp_path: Path) -> Services:
    from chalicelib.sitemodel import Site

    services = Services(replace(provisioned.settings, efs_mount=str(tmp_path / "efs")))
    services.sites.add(Site(SITE, repo="acme/worker", kind="code"))
    return services


def _job(make_bundle: BundleMaker, tmp_path: Path, run_id: str, **extra: object) -> MountJob:
    folder, manifest = make_bundle(run_id, {"app.py": b"print(1)\n", "lib/x.py": b"X = 1\n"})
    archive = pack(folder, tmp_path / f"{run_id}.tar.gz")
    fields: dict[str, object] = {
        "release": run_id,
        "manifest": manifest.to_json(),
        "bundle_url": archive.as_uri(),
        **extra,
    }
    return MountJob("drop", "dev", "worker", **fields)  # type: ignore[arg-type]


def test_the_handler_drops_a_release_from_its_event_alone(
    make_bundle: BundleMaker, mount: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mount.mkdir()
    monkeypatch.setenv("PRESSLIFT_EFS_MOUNT", str(mount))
    job = _job(make_bundle, tmp_path, "r1")

    reply = MountReply.from_json(json.dumps(handle(json.loads(job.to_json()))))

    assert reply.ok and reply.current_run is None
    result = reply.drop_result()
    assert (result.action, result.run_id, result.files, result.files_copied) == ("drop", "r1", 2, 2)
    assert (mount / "dev" / "worker" / "current").readlink().name == "r1"
    assert (mount / "dev" / "worker" / "current" / "lib" / "x.py").read_text() == "X = 1\n"
    again = MountReply.from_json(json.dumps(handle(json.loads(_job(make_bundle, tmp_path, "r2").to_json()))))
    assert again.current_run == "r1" and again.drop_result().files_linked == 2


@pytest.mark.parametrize(
    ("event", "says"),
    [
        ({"action": "rm", "target": "dev", "app": "worker"}, "action is one of drop, rollback, releases"),
        ({"action": "drop", "target": "../etc", "app": "worker"}, "target is one of dev, stage, prod"),
        ({"action": "releases", "target": "dev", "app": "../other"}, "cannot name a folder on EFS"),
        ({"action": "rollback", "target": "dev", "app": "w", "release": "../../x"}, "cannot name a folder"),
        ({"action": "drop", "target": "dev", "app": "worker", "manifest": "{"}, "carries no manifest"),
        ([1, 2], "a mount job is a JSON object"),
    ],
)
def test_a_hostile_job_is_refused_and_nothing_is_written(
    mount: Path, monkeypatch: pytest.MonkeyPatch, event: object, says: str
) -> None:
    mount.mkdir()
    monkeypatch.setenv("PRESSLIFT_EFS_MOUNT", str(mount))
    reply = MountReply.from_json(json.dumps(handle(event)))  # type: ignore[arg-type]
    assert not reply.ok and reply.error_kind == "InputError"
    assert says in reply.error
    assert list(mount.iterdir()) == []
    with pytest.raises(InputError, match=says.split("(")[0]):
        checked(reply)


def test_a_bundle_url_that_is_not_http_or_a_file_is_refused(
    make_bundle: BundleMaker, mount: Path, tmp_path: Path
) -> None:
    job = replace(_job(make_bundle, tmp_path, "r1"), bundle_url="ftp://example.com/b.tar.gz")
    with pytest.raises(InputError, match="must be http"):
        checked(InProcessMount(mount).run(job))


def test_a_rollback_to_a_release_the_mount_lacks_is_the_same_error_outside(
    make_bundle: BundleMaker, mount: Path, tmp_path: Path
) -> None:
    checked(InProcessMount(mount).run(_job(make_bundle, tmp_path, "r1")))
    with pytest.raises(NotFoundError, match="has no release r9"):
        checked(InProcessMount(mount).run(MountJob("rollback", "dev", "worker", release="r9")))


class Recording:
    """The in-process mount, keeping every job the stage hands it."""

    def __init__(self, mount: Path) -> None:
        self.inner = InProcessMount(mount)
        self.shares_disk = True
        self.jobs: list[MountJob] = []

    def run(self, job: MountJob) -> MountReply:
        self.jobs.append(job)
        return self.inner.run(job)


def test_the_stage_hands_the_mount_function_no_setting_and_no_secret(
    svc: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recording = Recording(Path(svc.settings.efs_mount))
    svc.__dict__["codedrop_mount"] = recording  # the cached property, as the stage reads it
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-key-that-must-stay-here")
    first = bundled(svc, tmp_path, FILES)
    codedrop_work.drop(svc, first, "dev")
    second = bundled(svc, tmp_path, {**FILES, "README": "v2\n"})
    codedrop_work.drop(svc, second, "dev")
    rolled = codedrop_work.rollback(svc, second, "dev", None)

    assert [job.action for job in recording.jobs] == ["drop", "drop", "releases", "rollback"]
    assert rolled.result.run_id == first.id
    settings = svc.settings
    stack_names = {
        settings.table,
        settings.artifacts_bucket,
        settings.ingest_bucket,
        settings.approvals_topic_arn,
        *settings.queues.values(),
        *settings.site_buckets.values(),
    } - {""}
    for job in recording.jobs:
        text = job.to_json()
        assert "secret-key-that-must-stay-here" not in text
        assert not any(name in text for name in stack_names), text[:300]


def test_a_drop_whose_replan_finds_no_manifest_still_records_what_it_did(
    svc: Services, tmp_path: Path
) -> None:
    from chalicelib.artifacts import manifest_key

    first = bundled(svc, tmp_path, FILES)
    codedrop_work.drop(svc, first, "dev")
    second = bundled(svc, tmp_path, {**FILES, "README": "v2\n"})
    # planned as if dev had no release; the first release's manifest has since left the bucket
    plan = replace(codedrop_work.plan_codedrop(svc, second, "dev"), current_run=None)
    key = manifest_key(SITE, first.id, codedrop_work.BUNDLE)
    svc.s3.delete_object(Bucket=svc.settings.artifacts_bucket, Key=key)

    result = codedrop_work.apply_codedrop(svc, second, plan)

    assert result.result.run_id == second.id and result.result.previous == first.id
    assert f"current release is {first.id}" in result.replanned
    assert result.plan is not None and result.plan.current_run == first.id
    assert result.detail()["release"].endswith(second.id)
