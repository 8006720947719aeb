"""A WordPress export dropped into the ingest bucket ends on prod after one approval POST."""

from __future__ import annotations

import html
import io
import re
import time
import xml.etree.ElementTree as ET
import zipfile
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest

from chalicelib.runparts import Trigger
from chalicelib.runs import RUN_STATUSES, STAGE_STATUSES
from presslift.demo import SAMPLE, drop_sample
from tests.e2e.conftest import fetch

pytestmark = pytest.mark.e2e

WP = "{http://wordpress.org/export/1.2/}"


def items_by_status(export: Path) -> dict[str, list[str]]:
    """Titles of posts and pages by status, read straight from the export (not through our parser)."""
    found: dict[str, list[str]] = {}
    root = ET.parse(export).getroot()
    wp = WP.replace("1.2", root.findtext(".//{*}wxr_version") or "1.2")
    for item in root.iter("item"):
        if item.findtext(f"{wp}post_type") in ("post", "page") and not item.findtext(f"{wp}post_password"):
            title = " ".join(html.unescape(item.findtext("title") or "").split())
            found.setdefault(item.findtext(f"{wp}status") or "", []).append(title)
    return found


def crawl_text(sitemap_url: str) -> str:
    status, sitemap = fetch(sitemap_url)
    assert status == 200, f"{sitemap_url} -> {status}"
    pages = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert pages, "the sitemap lists no pages"
    return " ".join(html.unescape("\n".join(fetch(url)[1] for url in pages)).split())


def approval_link(email: Message) -> str:
    body = email.get_payload(decode=True).decode()
    return next(link for link in re.findall(r"https?://\S+", body) if "/approvals/" in link)


def test_an_export_goes_to_staging_then_prod_after_one_approval_post(cloud, api):
    known = {run["id"] for run in api.runs("demo")}
    drop_sample(cloud.services.s3, cloud.settings.ingest_bucket)
    run = api.wait_for_new_run("demo", known, timeout=60)
    assert run["trigger"]["type"] == "import"
    run = api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=240)
    assert run["status"] == "awaiting_approval", run
    assert [(s["name"], s["status"]) for s in run["stages"]] == [
        ("convert", "succeeded"),
        ("build", "succeeded"),
        ("deploy-staging", "succeeded"),
        ("build-prod", "succeeded"),
        ("approval", "waiting"),
        ("deploy-prod", "pending"),
    ]
    titles = items_by_status(SAMPLE / "export.xml")
    staging_text = crawl_text(run["urls"]["staging"] + "sitemap.xml")
    for title in titles["publish"]:
        assert title in staging_text
    # The sitemap addresses search engines were given (WordPress's own, Yoast's) lead to Hugo's.
    for old in ("wp-sitemap.xml", "sitemap_index.xml", "wp-sitemap-posts-post-1.xml"):
        status, sitemap = fetch(run["urls"]["staging"] + old)
        assert status == 200 and "<urlset" in sitemap, old

    email_path = cloud.wait_for_email(lambda e: run["id"] in e.body, timeout=30).path
    email = message_from_bytes(email_path.read_bytes())
    assert "demo" in email["Subject"]
    link = approval_link(email)

    # A mail scanner opens every link: GETs must change nothing.
    for _ in range(3):
        status, page = fetch(link)
        assert status == 200 and "Approve" in page
    # The page and the email show the plan a dry run prints: what prod will get, and against what.
    plan_head = f"Publish to s3://{cloud.settings.site_buckets['prod']}/demo/"
    assert plan_head in page and "compared with the bucket" in page
    assert plan_head in email.get_payload(decode=True).decode()
    assert api.run(run["id"])["status"] == "awaiting_approval"
    status, _ = fetch(run["urls"]["prod"])
    assert status == 404

    status, page = api.decide(link, "approve")
    assert status == 200, page
    run = api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=120)
    assert run["status"] == "succeeded", run
    assert run["approval"]["status"] == "approved"
    assert "token_sha256" not in run["approval"]
    for listed in api.runs():  # the API contract's vocabulary of statuses
        assert listed["status"] in RUN_STATUSES
        assert all(stage["status"] in STAGE_STATUSES for stage in listed["stages"])
        assert {"name", "status", "started_at", "finished_at", "error"} <= set(listed["stages"][0])

    prod_text = crawl_text(run["urls"]["prod"] + "sitemap.xml")
    for title in titles["publish"]:
        assert title in prod_text
    for title in titles.get("draft", []):
        assert title not in prod_text

    status, _ = api.decide(link, "approve")
    assert status == 409


def test_a_broken_export_fails_the_run_and_publishes_nothing(cloud, api):
    s3 = cloud.services.s3
    known = {run["id"] for run in api.runs("broken")}
    s3.put_object(
        Bucket=cloud.settings.ingest_bucket, Key="imports/broken/export.xml", Body=b"<rss><channel><item>"
    )
    run = api.wait_for_new_run("broken", known, timeout=60)
    run = api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=60)
    assert run["status"] == "failed"
    convert = run["stages"][0]
    assert convert["name"] == "convert" and convert["status"] == "failed"
    assert "line" in convert["error"] and "imports-failed/broken/export.xml" in convert["error"]
    assert all(stage["status"] == "skipped" for stage in run["stages"][1:])
    failed = s3.get_object(
        Bucket=cloud.settings.ingest_bucket, Key="imports-failed/broken/export.xml.error.txt"
    )
    assert b"line" in failed["Body"].read()
    listing = s3.list_objects_v2(Bucket=cloud.settings.site_buckets["staging"], Prefix="broken/")
    assert listing.get("KeyCount", 0) == 0


def drop_and_approve(cloud, api, site: str, export: bytes) -> dict:
    known = {run["id"] for run in api.runs(site)}
    cloud.services.s3.put_object(
        Bucket=cloud.settings.ingest_bucket, Key=f"imports/{site}/export.xml", Body=export
    )
    run = api.wait_for_new_run(site, known, timeout=60)
    run = api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=300)
    assert run["status"] == "awaiting_approval", run
    email = cloud.wait_for_email(lambda e: run["id"] in e.body, timeout=30)
    link = next(link for link in email.links if "/approvals/" in link)
    status, page = api.decide(link, "approve")
    assert status == 200, page
    run = api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=300)
    assert run["status"] == "succeeded", run
    return run


@pytest.mark.parametrize(
    "name", ["wptrt-themeunittestdata.wordpress.xml", "importer-small-export.xml", "ghost-sample.xml"]
)
def test_real_exports_reach_prod_with_every_published_post(cloud, api, shared_fixtures, name):
    export = shared_fixtures / "wxr" / name
    site = re.sub(r"[^a-z0-9]+", "-", name.lower().removesuffix(".xml"))[:40].strip("-")
    run = drop_and_approve(cloud, api, site, export.read_bytes())
    prod_text = crawl_text(run["urls"]["prod"] + "sitemap.xml")
    titles = items_by_status(export) if name != "ghost-sample.xml" else {}
    missing = [title for title in titles.get("publish", []) if title and title not in prod_text]
    assert not missing, f"published titles not found on prod: {missing}"


def test_the_dashboard_lists_runs_with_their_stages_and_logs(cloud, api):
    run = api.runs("demo")[0] if api.runs("demo") else None
    if run is None:
        drop_sample(cloud.services.s3, cloud.settings.ingest_bucket)
        run = api.wait_for_new_run("demo", set(), timeout=60)
        run = api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=240)
    assert fetch(api.base_url + "/")[0] == 403  # operators only: `api` signs, a bare fetch does not
    status, page = api.request("GET", "/")
    assert status == 200
    assert run["id"] in page and "deploy-staging" in page
    status, log = api.request("GET", f"/runs/{run['id']}/logs/build.log")
    assert status == 200 and "== staging" in log
    status, _ = api.request("GET", f"/runs/{run['id']}/logs/..%2Fsecret")
    assert status == 404


def wait_for_approval(cloud, api, site: str) -> dict:
    known = {run["id"] for run in api.runs(site)}
    drop_sample(cloud.services.s3, cloud.settings.ingest_bucket, site=site)
    run = api.wait_for_new_run(site, known, timeout=60)
    run = api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=240)
    assert run["status"] == "awaiting_approval", run
    return run


def test_an_operator_approves_from_the_terminal(cloud, api, monkeypatch):
    from presslift.cli import main

    run = wait_for_approval(cloud, api, "cli-approve")
    monkeypatch.setenv("PRESSLIFT_AWS_PORT", str(cloud.options.aws_port))
    monkeypatch.setenv("PRESSLIFT_API_PORT", str(cloud.options.api_port))
    assert main(["approve", run["id"], "--yes"]) == 0
    run = api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=120)
    assert run["status"] == "succeeded"
    assert "presslift CLI" in run["approval"]["user_agent"]
    assert main(["reject", run["id"]]) == 2  # already decided: a clear error, exit 2


def test_rejecting_ends_the_run_and_deploys_nothing(cloud, api):
    run = wait_for_approval(cloud, api, "rejected")
    email = cloud.wait_for_email(lambda e: run["id"] in e.body, timeout=30)
    link = next(link for link in email.links if "/approvals/" in link)
    status, page = api.decide(link, "reject")
    assert status == 200 and "Rejected" in page
    run = api.run(run["id"])
    assert run["status"] == "rejected"
    assert [s["status"] for s in run["stages"]][-2:] == ["failed", "skipped"]
    listing = cloud.services.s3.list_objects_v2(
        Bucket=cloud.settings.site_buckets["prod"], Prefix="rejected/"
    )
    assert listing.get("KeyCount", 0) == 0


def test_forged_and_missing_tokens_get_a_clear_page_and_no_deploy(cloud, api):
    run = wait_for_approval(cloud, api, "forged")
    base = f"{api.base_url}/approvals/{run['id']}"
    status, page = fetch(base + "?token=not-the-token")
    assert status == 401 and "not valid" in page
    status, page = api.request("POST", base, form={"token": "not-the-token", "decision": "approve"})
    assert status == 401
    status, page = api.request("POST", base, form={"decision": "approve"})
    assert status == 401 and "no token" in page
    assert api.run(run["id"])["status"] == "awaiting_approval"


def test_presslift_runs_lists_the_local_clouds_runs(cloud, api, monkeypatch, capsys):
    from presslift.cli import main

    monkeypatch.setenv("PRESSLIFT_AWS_PORT", str(cloud.options.aws_port))
    monkeypatch.setenv("PRESSLIFT_API_PORT", str(cloud.options.api_port))
    from chalicelib.runs import Run, Stage, new_run_id

    cloud.services.runs.create(
        Run(id=new_run_id(), site="listed", kind="hugo", trigger=Trigger("import"), stages=[Stage("convert")])
    )
    newest = api.runs()
    assert newest
    assert main(["runs", "--limit", "50"]) == 0
    out = capsys.readouterr().out
    assert all(run["id"] in out for run in newest)


def test_an_export_under_a_bad_site_name_waits_in_imports_failed_with_the_reason(cloud, api):
    s3, bucket = cloud.services.s3, cloud.settings.ingest_bucket
    s3.put_object(Bucket=bucket, Key="imports/Bad_Site/export.xml", Body=b"<rss/>")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        # The move copies first and removes the export last (nothing is lost): wait for all of it.
        listed = s3.list_objects_v2(Bucket=bucket, Prefix="imports-failed/Bad_Site/").get("Contents", [])
        left = s3.list_objects_v2(Bucket=bucket, Prefix="imports/Bad_Site/").get("KeyCount", 0)
        if len(listed) == 2 and left == 0:
            break
        time.sleep(0.3)
    reason = s3.get_object(Bucket=bucket, Key="imports-failed/Bad_Site/export.xml.error.txt")["Body"].read()
    assert b"site name 'Bad_Site' is not valid" in reason
    assert s3.list_objects_v2(Bucket=bucket, Prefix="imports/Bad_Site/").get("KeyCount", 0) == 0


def test_wordpress_coms_zip_of_a_split_export_becomes_one_site(cloud, api):
    """WordPress.com mails a .zip; `wp export` splits a big site into numbered parts: all of them make
    the site, and a later part dropped on its own is refused before it could replace the site."""
    from tests.functional.wordpress.wxr_builder import Post, export

    parts = {
        f"export/quay.wordpress.2026-05-01.00{number}.xml": export(
            "https://quay.example", [Post(number + 1, slug, f"<p>{slug} news.</p>", slug.title())]
        )
        for number, slug in enumerate(["tide-tables", "boat-show"])
    }
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, text in parts.items():
            zipped.writestr(name, text)
    s3, bucket = cloud.services.s3, cloud.settings.ingest_bucket
    known = {run["id"] for run in api.runs("quay")}
    s3.put_object(
        Bucket=bucket, Key="imports/quay/quay.wordpress.com-2026-05-01.zip", Body=archive.getvalue()
    )
    run = api.wait_for_new_run("quay", known, timeout=60)
    run = api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=300)
    assert run["status"] == "awaiting_approval", run
    for slug in ("tide-tables", "boat-show"):
        status, page = fetch(run["urls"]["staging"] + f"{slug}/")
        assert status == 200 and f"{slug} news." in page, slug

    known.add(run["id"])
    s3.put_object(Bucket=bucket, Key="imports/quay/quay.wordpress.2026-05-01.001.xml", Body=b"<rss/>")
    refused = api.wait_for_new_run("quay", known, timeout=60)
    refused = api.wait_for_run(refused["id"], lambda r: r["status"] != "running", timeout=60)
    assert refused["status"] == "failed" and "put all the parts in one .zip" in refused["stages"][0]["error"]
    assert fetch(run["urls"]["staging"] + "tide-tables/")[0] == 200  # the site stays as it was
