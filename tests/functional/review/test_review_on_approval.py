"""The change review where the approver looks: an import whose export edits one post opens an approval
whose page (app.py's route, Chalice's test client) and email (moto's SNS, read through an SQS
subscription) show exactly that page with its text change and its staging and prod links. A review that
cannot be made says why, and the approval still works. The real pipeline functions, moto, real Hugo."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from chalice.test import Client

from chalicelib import events, pipeline, runpage
from chalicelib.approvals import Decision
from chalicelib.artifacts import manifest_key, review_key
from chalicelib.config import ApiLinks
from chalicelib.events import ObjectCreated
from chalicelib.runs import Run
from chalicelib.services import Services
from chalicelib.sitemodel import Site
from tests.functional.routes.replies import text
from tests.functional.test_notify_emails import mailbox
from tests.functional.wordpress.wxr_builder import Post, export

SITE = "blog"
LINKS = ApiLinks("https://abc.execute-api.us-east-1.amazonaws.com/api")
#: Each post's first paragraph is long enough to be all its summary on the list pages, so an edit of
#: its last paragraph changes the post's own page only.
OPENING = " ".join(["The harbour wakes slowly and the gulls circle the quay."] * 12)
POSTS = {1: "The harbour opens at dawn.", 2: "Boats leave at noon.", 3: "The market closes early."}


def posts(edited: dict[int, str] | None = None) -> list[Post]:
    words = {**POSTS, **(edited or {})}
    return [
        Post(n, f"post-{n}", f"<p>{OPENING}</p><p>{words[n]}</p>", title=f"Post {n}") for n in sorted(words)
    ]


def to_staging(svc: Services, name: str, edited: dict[int, str] | None = None) -> Run:
    """An import of the export with `edited` posts, through the pipeline up to its approval."""
    key = f"imports/{SITE}/{name}.xml"
    body = export("https://blog.example", posts(edited))
    svc.s3.put_object(Bucket=svc.settings.ingest_bucket, Key=key, Body=body.encode())
    run = pipeline.start_import(svc, ObjectCreated(svc.settings.ingest_bucket, key), final_attempt=True)
    assert run is not None and run.stage("convert").status == "succeeded", run.stage("convert").error
    source_key = run.stage("convert").detail["source_key"]
    built = pipeline.build(svc, events.BuildRequest(run.id, SITE, source_key))
    assert built is not None and built.stage("build").status == "succeeded", built.stage("build").error
    pipeline.deploy(svc, events.DeployRequest(run.id, SITE, "staging"))
    pipeline.build_prod(svc, events.ProdBuildRequest(run.id, SITE, source_key))
    pipeline.ask_approval(svc, events.ApprovalRequest(run.id, SITE))
    waiting = svc.runs.get(run.id)
    assert waiting.status == "awaiting_approval", [(s.name, s.status, s.error) for s in waiting.stages]
    return waiting


def live_on_prod(svc: Services) -> Run:
    first = to_staging(svc, "first")
    pipeline.decide(svc, first.id, None, Decision("approve", "", ""), operator=True)
    pipeline.deploy(svc, events.DeployRequest(first.id, SITE, "prod"))
    assert svc.runs.get(first.id).stage("deploy-prod").status == "succeeded"
    return first


def approval_emails(svc: Services, url: str) -> list[str]:
    found = svc.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    bodies = [json.loads(message["Body"]) for message in found]
    return [body["Message"] for body in bodies if body["Subject"].startswith("[Presslift] Approve")]


def approval_page(api: Client, email: str) -> str:
    link = next(line for line in email.splitlines() if "/approvals/" in line).strip()
    parts = urlsplit(link)
    token = parse_qs(parts.query)["token"][0]
    run_id = parts.path.rsplit("/", 1)[1]
    page = api.http.get(f"/approvals/{run_id}?token={token}")
    assert page.status_code == 200, text(page)
    return html.unescape(text(page))


def test_an_edited_post_is_the_one_page_the_approver_sees_with_its_change_and_links(
    provisioned: Services, api: Client
) -> None:
    svc = provisioned
    svc.sites.add(Site(SITE, source="import"))
    live_on_prod(svc)
    inbox = mailbox(svc)
    second = to_staging(svc, "second", edited={2: "Boats leave at one."})

    brief = second.approval.review if second.approval else {}
    assert brief["counts"] == {"changed": 1, "added": 0, "removed": 0}, brief
    assert brief["key"] == review_key(SITE, second.id)
    stored = svc.s3.get_object(Bucket=svc.settings.artifacts_bucket, Key=brief["key"])["Body"].read()
    (changed,) = json.loads(stored)["pages"]["changed"]
    prod_url = svc.settings.shared_site_url(SITE, "prod") + "posts/post-2/"
    staging_url = svc.settings.shared_site_url(SITE, "staging") + "posts/post-2/"
    assert (changed["url"], changed["staging_url"]) == (prod_url, staging_url)
    assert changed["title"].startswith("Post 2")

    (email,) = approval_emails(svc, inbox)
    assert "What changed on the site" in email and "1 page changed, 0 added, 0 removed" in email
    assert f"{changed['title']}  {prod_url}" in email
    assert "- Boats leave at noon." in email and "+ Boats leave at one." in email
    assert "post-1/" not in email and "post-3/" not in email  # only the edited page

    page = approval_page(api, email)
    assert "Changed pages (1)" in page and "Post 2" in page
    assert f'href="{staging_url}"' in page and f'href="{prod_url}"' in page
    assert "- Boats leave at noon." in page and "+ Boats leave at one." in page
    assert "post-1/" not in page and "post-3/" not in page
    assert "Approve and deploy" in page

    # Without the whole review's artifact, the page falls back to the brief on the record, and says so.
    svc.s3.delete_object(Bucket=svc.settings.artifacts_bucket, Key=brief["key"])
    fallback = approval_page(api, email)
    assert "only the first pages are shown: the whole review cannot be read" in fallback
    assert f'href="{staging_url}"' in fallback and "+ Boats leave at one." in fallback

    run_page = html.unescape(runpage.render(second, runpage.RunReads(), links=LINKS, now=datetime.now(UTC)))
    assert "<dt>Change review</dt>" in run_page and "1 page changed, 0 added, 0 removed" in run_page


def test_a_review_that_cannot_be_made_says_why_and_the_approval_still_works(
    provisioned: Services, api: Client
) -> None:
    svc = provisioned
    svc.sites.add(Site(SITE, source="import"))
    first = live_on_prod(svc)
    # The build live on prod lost its manifest: there is nothing to compare with.
    svc.s3.delete_object(Bucket=svc.settings.artifacts_bucket, Key=manifest_key(SITE, first.id, "prod"))
    inbox = mailbox(svc)
    second = to_staging(svc, "second", edited={2: "Boats leave at one."})

    assert second.approval is not None and "unavailable" in second.approval.review
    (email,) = approval_emails(svc, inbox)
    reason = f"run {first.id} has no prod build to review"
    assert f"Change review unavailable: {reason}" in email
    page = approval_page(api, email)
    assert f"review unavailable: {reason}" in page
    assert "What will change on prod" in page and "Approve and deploy" in page

    decided = pipeline.decide(svc, second.id, None, Decision("approve", "", ""), operator=True)
    assert decided.stage("approval").status == "succeeded"
