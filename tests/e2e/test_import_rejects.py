"""Nothing dropped in the ingest bucket vanishes: a file under a site's imports/ folder that is no
export becomes a failed run of that site with the reason; a file at the bucket root waits in
imports-failed/ with the reason beside it; `presslift imports` lists both with their reasons."""

from __future__ import annotations

import json
import time

import pytest

from presslift.cli import main

pytestmark = pytest.mark.e2e


def _wait_for_keys(cloud, prefix: str, count: int) -> list[str]:
    s3, bucket = cloud.services.s3, cloud.settings.ingest_bucket
    deadline = time.monotonic() + 60
    while True:
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]
        if len(keys) >= count or time.monotonic() > deadline:
            return sorted(keys)
        time.sleep(0.3)


def test_a_txt_under_imports_becomes_a_failed_run_with_the_reason(cloud, api):
    s3, bucket = cloud.services.s3, cloud.settings.ingest_bucket
    s3.put_object(Bucket=bucket, Key="imports/harbour/readme.txt", Body=b"not an export")
    keys = _wait_for_keys(cloud, "imports-failed/harbour/", 2)
    assert keys == ["imports-failed/harbour/readme.txt", "imports-failed/harbour/readme.txt.error.txt"]
    (listed,) = api.runs("harbour")
    run = api.wait_for_run(listed["id"], lambda r: r["status"] != "running", timeout=60)
    assert run["status"] == "failed" and run["trigger"]["key"] == "imports/harbour/readme.txt"
    convert = next(stage for stage in run["stages"] if stage["name"] == "convert")
    said = "'readme.txt' is neither a WordPress export (.xml, .xml.gz, or a .zip of them) nor a media archive"
    assert said in convert["error"]
    assert f"moved to s3://{bucket}/imports-failed/harbour/readme.txt" in convert["error"]
    assert s3.list_objects_v2(Bucket=bucket, Prefix="imports/harbour/").get("KeyCount", 0) == 0


def test_an_object_at_the_bucket_root_waits_in_imports_failed_and_is_listed(cloud, capsys, monkeypatch):
    s3, bucket = cloud.services.s3, cloud.settings.ingest_bucket
    s3.put_object(Bucket=bucket, Key="export.xml", Body=b"<rss/>")
    s3.put_object(Bucket=bucket, Key="imports/quay/uploads.zip", Body=b"PK")  # waits for its export
    keys = _wait_for_keys(cloud, "imports-failed/export.xml", 2)
    assert keys == ["imports-failed/export.xml", "imports-failed/export.xml.error.txt"]
    reason = s3.get_object(Bucket=bucket, Key="imports-failed/export.xml.error.txt")["Body"].read()
    assert b"'export.xml' is outside imports/: exports go to imports/<site>/<name>.xml" in reason
    assert s3.list_objects_v2(Bucket=bucket, Prefix="export.xml").get("KeyCount", 0) == 0

    monkeypatch.setenv("PRESSLIFT_AWS_PORT", str(cloud.options.aws_port))
    monkeypatch.setenv("PRESSLIFT_API_PORT", str(cloud.options.api_port))
    assert main(["imports"]) == 0
    out = capsys.readouterr().out
    assert "imports/quay/uploads.zip" in out
    lines = out.splitlines()
    at = lines.index(next(line for line in lines if line.endswith("  imports-failed/export.xml")))
    assert "is outside imports/" in lines[at + 1]
    assert main(["imports", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    (root,) = [item for item in listing["rejected"] if item["key"] == "imports-failed/export.xml"]
    assert "is outside imports/" in root["reason"]
    assert "imports/quay/uploads.zip" in [item["key"] for item in listing["waiting"]]


def test_a_site_fed_by_exports_is_registered_and_its_settings_are_the_operators(
    cloud, api, capsys, monkeypatch
):
    """`site update SITE --fetch-media` (as the README and the missing-media warning say) answered "no
    site named" for every WordPress site: nothing registered one, and `site add` wanted --repo."""
    monkeypatch.setenv("PRESSLIFT_AWS_PORT", str(cloud.options.aws_port))
    monkeypatch.setenv("PRESSLIFT_API_PORT", str(cloud.options.api_port))
    assert main(["site", "update", "wharf", "--fetch-media"]) == 2
    assert "`presslift site add wharf` (fed by WordPress exports)" in capsys.readouterr().err
    assert main(["site", "add", "wharf"]) == 0
    assert "Site wharf added for WordPress imports: drop its export under s3://" in capsys.readouterr().out
    assert main(["site", "update", "wharf", "--fetch-media"]) == 0
    site = cloud.services.sites.get("wharf")
    assert site.source == "import" and site.fetch_media and site.repo is None
    assert main(["site", "add", "dock", "--kind", "code"]) == 2
    assert "a code site is built from its repository: add --repo" in capsys.readouterr().err
    assert main(["site", "remove", "wharf", "--yes"]) == 0


def test_a_github_site_cannot_take_an_imported_sites_name(cloud, api, capsys, monkeypatch):
    """`site add NAME --repo ...` over a site made from exports replaced its pages and refused its next
    export, without a word."""
    s3, bucket = cloud.services.s3, cloud.settings.ingest_bucket
    s3.put_object(Bucket=bucket, Key="imports/pier/notes.txt", Body=b"not an export")  # a run of pier
    deadline = time.monotonic() + 60
    while not api.runs("pier") and time.monotonic() < deadline:
        time.sleep(0.2)
    monkeypatch.setenv("PRESSLIFT_AWS_PORT", str(cloud.options.aws_port))
    monkeypatch.setenv("PRESSLIFT_API_PORT", str(cloud.options.api_port))
    assert main(["site", "add", "pier", "--repo", "acme/pier"]) == 2
    assert "site pier already has runs from WordPress exports" in capsys.readouterr().err
