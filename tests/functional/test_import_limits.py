"""An import too big for the convert function (a full /tmp, an uploads archive past its caps) fails the run
at once, with no retry, and the export waits in imports-failed/ with the reason beside it."""

from __future__ import annotations

import errno
import zipfile
from pathlib import Path
from typing import Any

import pytest

from chalicelib import pipeline
from chalicelib.events import ObjectCreated
from chalicelib.services import Services
from chalicelib.wordpress import convert as wordpress_convert

DEMO_EXPORT = Path(__file__).resolve().parents[2] / "presslift" / "samples" / "demo" / "export.xml"
EXPORT_KEY = "imports/demo/export.xml"


def put_export(svc: Services) -> str:
    bucket = svc.settings.ingest_bucket
    svc.s3.put_object(Bucket=bucket, Key=EXPORT_KEY, Body=DEMO_EXPORT.read_bytes())
    return bucket


def keys(svc: Services, prefix: str) -> list[str]:
    listed = svc.s3.list_objects_v2(Bucket=svc.settings.ingest_bucket, Prefix=prefix)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def error_beside(svc: Services) -> str:
    body = svc.s3.get_object(
        Bucket=svc.settings.ingest_bucket, Key="imports-failed/demo/export.xml.error.txt"
    )
    return str(body["Body"].read().decode())


def test_a_full_disk_while_converting_fails_the_run_once_and_moves_the_export_aside(
    provisioned: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = put_export(provisioned)
    writes: list[str] = []

    def disk_full(root: Path, relative: str, text: str) -> None:
        writes.append(relative)
        raise OSError(errno.ENOSPC, "No space left on device", str(root / relative))

    monkeypatch.setattr(wordpress_convert, "write_text", disk_full)

    # Not the message's last attempt: a fault would be re-raised for SQS to retry; an input error is not.
    run = pipeline.start_import(provisioned, ObjectCreated(bucket, EXPORT_KEY), final_attempt=False)

    assert run is not None and run.status == "failed"
    convert = run.stage("convert")
    assert convert.status == "failed"
    assert convert.error.startswith("the export and its media need more than the function's /tmp (ephemeral")
    assert "No space left on device writing" in convert.error
    assert f"(the export was moved to s3://{bucket}/imports-failed/demo/export.xml)" in convert.error
    assert run.stage("build").status in ("pending", "skipped")
    assert len(writes) == 1, "the conversion stopped at the first full write"
    assert keys(provisioned, "imports/") == []
    assert keys(provisioned, "imports-failed/") == [
        "imports-failed/demo/export.xml",
        "imports-failed/demo/export.xml.error.txt",
    ]
    assert error_beside(provisioned).startswith("the export and its media need more than the function's /tmp")


def test_other_os_errors_stay_faults_that_are_retried(
    provisioned: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = put_export(provisioned)

    def broken(root: Path, relative: str, text: str) -> None:
        raise OSError(errno.EIO, "Input/output error", str(root / relative))

    monkeypatch.setattr(wordpress_convert, "write_text", broken)

    with pytest.raises(OSError, match="Input/output error"):
        pipeline.start_import(provisioned, ObjectCreated(bucket, EXPORT_KEY), final_attempt=False)
    assert keys(provisioned, "imports/") == [EXPORT_KEY], "a fault leaves the export for the retry"


def test_a_zip_bomb_beside_the_export_fails_the_run_and_moves_the_export_aside(
    provisioned: Services, tmp_path: Path
) -> None:
    bucket = put_export(provisioned)
    bomb = tmp_path / "uploads.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("wp-content/uploads/2025/03/a.png", bytes(32 * 1024 * 1024))
    provisioned.s3.upload_file(str(bomb), bucket, "imports/demo/uploads.zip")

    run: Any = pipeline.start_import(provisioned, ObjectCreated(bucket, EXPORT_KEY), final_attempt=False)

    error = run.stage("convert").error
    assert run.status == "failed"
    assert error.startswith("uploads.zip: the uploads archive was refused: it expands to more than 100 times")
    assert "imports-failed/demo/export.xml" in error
    assert "compression ratio" in error_beside(provisioned)


def test_an_export_for_a_site_built_from_github_is_refused_and_changes_nothing(
    provisioned: Services,
) -> None:
    """An uploader who can write under imports/ replaced a GitHub site's staging pages with an export's
    and cancelled the push run waiting for its approval: where a site comes from is its registration's."""
    from chalicelib.sitemodel import Site
    from chalicelib.sites import register

    register(provisioned, Site("demo", repo="acme/demo"))
    generation = provisioned.sites.current_generation("demo")
    bucket = put_export(provisioned)

    assert pipeline.start_import(provisioned, ObjectCreated(bucket, EXPORT_KEY)) is None

    assert provisioned.runs.list(site="demo") == []
    assert provisioned.sites.current_generation("demo") == generation  # no waiting run superseded
    assert keys(provisioned, "imports/") == []
    assert "imports-failed/demo/export.xml" in keys(provisioned, "imports-failed/")
    assert error_beside(provisioned).startswith(
        "site demo is built from its GitHub repository acme/demo, not from WordPress exports"
    )


def test_the_ingest_queue_imports_from_the_ingest_bucket_only(provisioned: Services) -> None:
    """A notification naming the artifacts bucket imported `imports/<site>/x.xml` from it."""
    import json

    from chalicelib import queues
    from chalicelib.budget import TimeBudget
    from chalicelib.errors import InputError
    from chalicelib.services import use_services

    other = provisioned.settings.artifacts_bucket
    provisioned.s3.put_object(Bucket=other, Key=EXPORT_KEY, Body=DEMO_EXPORT.read_bytes())
    record = {
        "eventName": "ObjectCreated:Put",
        "s3": {"bucket": {"name": other}, "object": {"key": EXPORT_KEY}},
    }
    use_services(provisioned)
    try:
        with pytest.raises(InputError, match=f"not of s3://{other}"):
            queues.ingest(json.dumps({"Records": [record]}), True, TimeBudget.from_context(None))
    finally:
        use_services(None)
    assert provisioned.runs.list(site="demo") == []


def test_a_refused_upload_supersedes_nothing_and_a_github_sites_gets_no_run(provisioned: Services) -> None:
    """A `.txt` dropped under imports/SITE/ made a run of a newer generation, which superseded the
    site's push or import in flight: anyone who can upload could cancel every build."""
    from chalicelib.sitemodel import Site
    from chalicelib.sites import register

    bucket = provisioned.settings.ingest_bucket
    generation = provisioned.sites.current_generation("demo")
    provisioned.s3.put_object(Bucket=bucket, Key="imports/demo/notes.txt", Body=b"hi")
    run = pipeline.start_import(provisioned, ObjectCreated(bucket, "imports/demo/notes.txt"))
    assert run is not None and run.status == "failed"  # the trace the operator sees, as before
    assert provisioned.sites.current_generation("demo") == generation
    register(provisioned, Site("harbour", repo="acme/harbour"))
    provisioned.s3.put_object(Bucket=bucket, Key="imports/harbour/notes.txt", Body=b"hi")
    assert pipeline.start_import(provisioned, ObjectCreated(bucket, "imports/harbour/notes.txt")) is None
    assert provisioned.runs.list(site="harbour") == []
    assert "imports-failed/harbour/notes.txt" in keys(provisioned, "imports-failed/")


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("junk.xml", b"hello, not xml"),
        ("feed.xml", b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'),
    ],
)
def test_an_import_that_fails_before_it_builds_supersedes_nothing(
    provisioned: Services, name: str, body: bytes
) -> None:
    """A file named like an export that is none took the site's next generation and failed in its
    conversion; the real import before it, still in flight, was then superseded at staging."""
    from chalicelib import events

    bucket = put_export(provisioned)
    real = pipeline.start_import(provisioned, ObjectCreated(bucket, EXPORT_KEY))
    assert real is not None and real.stage("convert").status == "succeeded"
    junk_key = f"imports/demo/{name}"
    provisioned.s3.put_object(Bucket=bucket, Key=junk_key, Body=body)
    junk = pipeline.start_import(provisioned, ObjectCreated(bucket, junk_key))
    assert junk is not None and junk.status == "failed" and junk.generation > real.generation
    assert provisioned.sites.current_generation("demo") == real.generation

    source_key = str(real.stage("convert").detail["source_key"])
    assert pipeline.build(provisioned, events.BuildRequest(real.id, "demo", source_key)) is not None
    pipeline.deploy(provisioned, events.DeployRequest(real.id, "demo", "staging"))
    deployed = provisioned.runs.get(real.id)
    assert deployed.stage("deploy-staging").status == "succeeded", deployed.stage("deploy-staging").error
    assert deployed.status == "running"

    # A later import takes the next generation all the same, and the earlier one is older than it.
    provisioned.s3.put_object(Bucket=bucket, Key=EXPORT_KEY, Body=DEMO_EXPORT.read_bytes())
    later = pipeline.start_import(provisioned, ObjectCreated(bucket, EXPORT_KEY, sequencer="2"))
    assert later is not None and later.generation > junk.generation
    assert provisioned.sites.current_generation("demo") == later.generation


def test_a_released_generation_below_the_newest_changes_nothing(provisioned: Services) -> None:
    """The current generation steps down past released ones at the top only: a live newer run still
    supersedes an older one when a run between them was released."""
    provisioned.sites.next_generation("demo")
    newest = provisioned.sites.next_generation("demo")
    assert provisioned.sites.current_generation("demo") == newest
    provisioned.sites.release_generation("demo", newest - 1)  # a released generation below the newest
    assert provisioned.sites.current_generation("demo") == newest
    provisioned.sites.release_generation("demo", newest)
    assert provisioned.sites.current_generation("demo") == newest - 2


def test_presslift_imports_names_the_run_that_imported_an_export(provisioned: Services) -> None:
    """Exports stay under imports/ once imported: `presslift imports` listed four long-converted ones as
    waiting."""
    from presslift.rejected import waiting

    bucket = put_export(provisioned)
    run = pipeline.start_import(provisioned, ObjectCreated(bucket, EXPORT_KEY))
    provisioned.s3.put_object(Bucket=bucket, Key="imports/quay/uploads.zip", Body=b"PK")  # waits
    assert run is not None
    listed = {item.key: (item.run, item.run_status) for item in waiting(provisioned)}
    assert listed[EXPORT_KEY] == (run.id, run.status.replace("_", " "))
    assert listed["imports/quay/uploads.zip"] == ("", "")
