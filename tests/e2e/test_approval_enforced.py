"""Approval is enforced where the deploy happens, tried as an attacker would on the local cloud.

A deploy message sent straight onto the deploy queue, a rollback to a build the approver rejected, a
rollback while a newer run waits for approval, a rollback that would gut the site, and `presslift
publish` of a build nobody approved: none reaches prod, each run says why, and the approval that was
pending stays good.
"""

from __future__ import annotations

import io
import json
import re
import urllib.error
import urllib.request
from email import message_from_bytes

import pytest

from chalicelib import events
from chalicelib.sitemodel import Site
from standins.github.payloads import push_payload, webhook_request
from tests.e2e.conftest import local_github, register

pytestmark = pytest.mark.e2e

REPO = "acme/guarded-site"
SITE = "guarded"
SECRETS: dict[str, str] = {}  # each site's own webhook secret, as `presslift site add` printed it
CONFIG = b"build_flags = []\n"  # the approval policy is the registration's (prod waits: the default)


def site_files(title: str, extra_pages: int = 0) -> dict[str, bytes]:
    files = {
        "presslift.toml": CONFIG,
        "hugo.toml": b'title = "Guarded Site"\n',
        "content/_index.md": b"---\ntitle: Home\n---\nWelcome.\n",
        "content/posts/news.md": f"---\ntitle: {title}\ndate: 2026-01-02\n---\nNews.\n".encode(),
    }
    for n in range(extra_pages):
        files[f"content/extra/page-{n}.md"] = f"---\ntitle: Extra {n}\n---\nPage {n}.\n".encode()
    return files


@pytest.fixture(scope="module")
def github(cloud):
    with local_github(REPO, private=True) as server:
        SECRETS[SITE] = register(cloud, Site(SITE, repo=REPO))
        yield server


@pytest.fixture
def cli(cloud, monkeypatch):
    from presslift.cli import main

    monkeypatch.setenv("PRESSLIFT_AWS_PORT", str(cloud.options.aws_port))
    monkeypatch.setenv("PRESSLIFT_API_PORT", str(cloud.options.api_port))
    return main


def post_json(api, path: str, body: dict) -> tuple[int, dict]:
    """An operator's signed JSON POST (the route needs IAM)."""
    status, text = api.request("POST", path, json_body=body)
    return status, json.loads(text or "{}")


def awaiting(github, api, title: str, extra_pages: int = 0) -> dict:
    """Push a commit and wait until its run is on staging, waiting for approval."""
    before = github.add_commit(REPO, site_files("Previous"))
    after = github.add_commit(REPO, site_files(title, extra_pages))
    payload = push_payload(REPO, "refs/heads/main", before, after, ["content/posts/news.md"], private=True)
    body, headers = webhook_request("push", payload, SECRETS[SITE])
    request = urllib.request.Request(api.base_url + "/webhooks/github", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        run_id = json.loads(response.read())["run_id"]
    run = api.wait_for_run(run_id, lambda r: r["status"] != "running", timeout=240)
    assert run["status"] == "awaiting_approval", [(s["name"], s["error"]) for s in run["stages"]]
    return run


def approval_link(cloud, run_id: str) -> str:
    email = cloud.wait_for_email(lambda e: run_id in e.body and "/approvals/" in e.body, timeout=60)
    body = message_from_bytes(email.path.read_bytes()).get_payload(decode=True).decode()
    return next(link for link in re.findall(r"https?://\S+", body) if "/approvals/" in link)


def decide(cloud, api, run: dict, decision: str) -> dict:
    status, page = api.decide(approval_link(cloud, run["id"]), decision)
    assert status == 200, page
    return ended(api, run["id"])


def ended(api, run_id: str) -> dict:
    return api.wait_for_run(
        run_id, lambda r: r["status"] not in ("running", "awaiting_approval"), timeout=240
    )


def prod_page(cloud) -> str:
    """The prod news page as the bucket has it ("" when prod has none)."""
    s3 = cloud.services.s3
    try:
        body = s3.get_object(Bucket=cloud.settings.site_buckets["prod"], Key=f"{SITE}/posts/news/index.html")
    except s3.exceptions.NoSuchKey:
        return ""
    return body["Body"].read().decode()


def stage(run: dict, name: str) -> dict:
    return next(s for s in run["stages"] if s["name"] == name)


def test_a_deploy_message_sent_straight_onto_the_queue_puts_nothing_on_prod(cloud, api, github):
    run = awaiting(github, api, "Never Approved Edition")
    # Whoever holds the pipeline's keys can send this; only the run record decides.
    request = events.DeployRequest(run_id=run["id"], site=SITE, stage="prod")
    cloud.services.send("deploy", events.encode(request), group=SITE, dedup="forged-" + run["id"])

    run = ended(api, run["id"])
    assert run["status"] == "failed"
    assert (
        stage(run, "deploy-prod")["error"] == f"run {run['id']} is not approved for prod (awaiting approval)"
    )
    assert prod_page(cloud) == ""
    assert cloud.services.sites.deployed_generation(SITE, "prod") == 0
    # The emailed link now says the run ended, instead of "being deployed" and then nothing.
    status, page = api.request("GET", approval_link(cloud, run["id"]))
    assert status == 409 and "has ended" in page


def test_a_rollback_to_a_build_the_approver_rejected_is_refused(cloud, api, github):
    approved = decide(cloud, api, awaiting(github, api, "Approved Edition"), "approve")
    assert approved["status"] == "succeeded", approved
    rejected = decide(cloud, api, awaiting(github, api, "Rejected Edition"), "reject")
    assert rejected["status"] == "rejected"

    status, answer = post_json(
        api, f"/sites/{SITE}/prod/rollback", {"run": rejected["id"], "allow_deletes": True}
    )

    assert status == 403, answer
    assert (
        f"back to run {rejected['id']}: it was never live on prod (rejected by the approver"
        in answer["message"]
    )
    assert "Approved Edition" in prod_page(cloud)
    assert api.runs(SITE)[0]["id"] == rejected["id"]  # no rollback run was even recorded


def test_a_rollback_while_a_newer_run_awaits_approval_leaves_that_approval_valid(cloud, api, github):
    current = decide(cloud, api, awaiting(github, api, "Current Edition"), "approve")
    assert "Current Edition" in prod_page(cloud)
    newer = awaiting(github, api, "Newer Edition")

    status, answer = post_json(api, f"/sites/{SITE}/prod/rollback", {})
    assert status == 202, answer
    rollback = ended(api, answer["id"])
    assert rollback["status"] == "succeeded", rollback
    assert "Approved Edition" in prod_page(cloud)  # the build prod had before `current`
    assert api.run(newer["id"])["status"] == "awaiting_approval"

    newer = decide(cloud, api, newer, "approve")
    assert newer["status"] == "succeeded", [(s["name"], s["error"]) for s in newer["stages"]]
    assert stage(newer, "deploy-prod")["detail"]["cleared"].startswith("approved at ")
    assert "Newer Edition" in prod_page(cloud)
    assert current["id"] != newer["id"]


def test_publish_refuses_a_build_awaiting_approval_and_asks_before_changing_prod(
    cloud, api, github, cli, capsys, monkeypatch
):
    waiting = awaiting(github, api, "Unapproved Publish Edition")
    # prod has the newer run's build: approved after the rollback, it deployed last
    live = next(r for r in api.runs(SITE) if r["trigger"]["type"] == "push" and r["status"] == "succeeded")
    capsys.readouterr()

    assert cli(["publish", SITE, "prod", "--run", waiting["id"]]) == 2
    refusal = " ".join(capsys.readouterr().err.split())  # as one line, however the terminal wraps it
    assert f"run {waiting['id']} is not approved for prod (awaiting approval)" in refusal
    assert f"prod has run {live['id']}'s build (--run {live['id']})" in refusal

    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal, as in a script
    assert cli(["publish", SITE, "prod", "--run", live["id"]]) == 2
    assert "needs a yes: run it in a terminal, or pass --yes" in " ".join(capsys.readouterr().err.split())
    assert api.runs(SITE)[0]["id"] == waiting["id"]  # nothing was queued

    assert cli(["publish", SITE, "prod", "--run", live["id"], "--yes"]) == 0
    published = ended(api, api.runs(SITE)[0]["id"])
    assert published["status"] == "succeeded", published
    assert published["trigger"]["type"] == "publish"
    assert api.run(waiting["id"])["status"] == "awaiting_approval"
    assert "Newer Edition" in prod_page(cloud)

    # Without --run: what prod holds, published again (a hand-deleted page comes back); never the
    # build that waits for approval.
    bucket, key = cloud.settings.site_buckets["prod"], f"{SITE}/posts/news/index.html"
    cloud.services.s3.delete_object(Bucket=bucket, Key=key)
    capsys.readouterr()
    assert cli(["publish", SITE, "prod", "--dry-run", "--list"]) == 0
    plan = capsys.readouterr().out
    assert (
        f"run {published['id']}'s build (what prod holds now)" in plan or f"run {live['id']}'s build" in plan
    )
    assert re.search(r"\n  new\s+[\d.]+ \w?B\s+posts/news/index\.html\n", plan), plan
    assert cli(["publish", SITE, "prod", "--yes"]) == 0
    repaired = ended(api, api.runs(SITE)[0]["id"])
    assert repaired["status"] == "succeeded", repaired
    assert "Newer Edition" in prod_page(cloud)
    assert api.run(waiting["id"])["status"] == "awaiting_approval"


def test_a_rollback_keeps_the_delete_limits_unless_the_operator_lifts_them(cloud, api, github, cli, capsys):
    # Last: the big build stays on staging, and a smaller push would meet the same limits there.
    small = next(r for r in api.runs(SITE) if r["trigger"]["type"] == "push" and r["status"] == "succeeded")
    assert "Newer Edition" in prod_page(cloud)  # `small` put it there
    big = decide(cloud, api, awaiting(github, api, "Big Edition", extra_pages=60), "approve")
    assert big["status"] == "succeeded", big

    status, answer = post_json(api, f"/sites/{SITE}/prod/rollback", {"run": small["id"]})
    assert status == 202, answer
    refused = ended(api, answer["id"])
    assert refused["status"] == "failed"
    assert "most of the site" in stage(refused, "deploy-prod")["error"]
    assert "Big Edition" in prod_page(cloud)

    # The dry run of what the operator would ask for plans it with the limits lifted (it said REFUSED).
    capsys.readouterr()
    dry = ["publish", SITE, "prod", "--run", small["id"], "--dry-run", "--json"]
    assert cli(dry) == 0
    assert json.loads(capsys.readouterr().out)["publish"]["summary"]["refusals"]
    assert cli([*dry, "--allow-deletes"]) == 0
    lifted_plan = json.loads(capsys.readouterr().out)["publish"]["summary"]
    assert lifted_plan["refusals"] == [] and lifted_plan["overridden"]

    assert cli(["rollback", SITE, "prod", small["id"], "--allow-deletes", "--yes"]) == 0
    lifted = ended(api, api.runs(SITE)[0]["id"])
    assert lifted["status"] == "succeeded", lifted
    assert lifted["trigger"]["allow_deletes"] is True
    assert "Newer Edition" in prod_page(cloud)
