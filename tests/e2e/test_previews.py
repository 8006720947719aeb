"""Deploy previews through the local cloud, as GitHub drives them: a pull request gets a live preview
with its commit status and one comment carrying the change review; a push edits that comment; a fork
is refused unless allowed; closing the pull request removes the preview; a preview branch publishes
and its deletion removes it."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from chalicelib.github.webhook import NULL_SHA
from chalicelib.sitemodel import ApprovalPolicy, PreviewPolicy, Site
from standins.github.payloads import pull_request_payload, push_payload, webhook_request
from tests.e2e.conftest import GITHUB_TOKEN, fetch, local_github, register, send_webhook

pytestmark = pytest.mark.e2e

REPO = "acme/quay-previews"
SITE = "quaypreview"
SECRETS: dict[str, str] = {}
POSTS = {"alpha": "Alpha Tides", "beta": "Beta Ferries", "gamma": "Gamma Lights", "delta": "Delta Nets"}


def site_files(edits: dict[str, str] | None = None) -> dict[str, bytes]:
    """A small Hugo site of our own (the pipeline's default theme); `edits`: new body text by post."""
    files = {
        "hugo.toml": b'title = "Quay Previews"\n',
        "content/_index.md": b"---\ntitle: Home\n---\nWelcome.\n",
    }
    for day, (name, title) in enumerate(POSTS.items(), start=1):
        body = (edits or {}).get(name, f"The {name} post as it was.")
        files[f"content/posts/{name}.md"] = (
            f"---\ntitle: {title}\ndate: 2026-01-0{day}\nsummary: {title}.\n---\n{body}\n".encode()
        )
    return files


@pytest.fixture(scope="module")
def github(cloud, api):
    with local_github(REPO) as server:
        site = Site(
            SITE,
            repo=REPO,
            approval=ApprovalPolicy(prod=False),  # prod follows staging: the review compares with prod
            previews=PreviewPolicy(branches=("preview/*",)),
        )
        SECRETS[SITE] = register(cloud, site)
        first = server.add_commit(REPO, site_files())
        payload = push_payload(REPO, "refs/heads/main", NULL_SHA, first, sorted(site_files()))
        status, answer = post(api, "push", payload)
        assert status == 202, answer
        run = api.wait_for_run(answer["run_id"], lambda r: r["status"] != "running", timeout=300)
        assert run["status"] == "succeeded", run
        yield server


def post(api, event: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    body, headers = webhook_request(event, payload, SECRETS[SITE])
    return send_webhook(api, body, headers)


def deliver_pull_request(api, github, number: int, action: str, **extra: Any) -> tuple[int, dict[str, Any]]:
    pr = github.pull_request(REPO, number)
    return post(api, "pull_request", pull_request_payload(action, pr, REPO, "mira", **extra))


def wait(what: str, check, timeout: float = 60):
    """`check()`'s answer once it is truthy; fails saying `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer or time.monotonic() > deadline:
            assert answer, f"{what}: not within {timeout:.0f} s"
            return answer
        time.sleep(0.2)


def head(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), ""


def preview_status(github, sha: str) -> Any:
    return next((s for s in reversed(github.statuses(REPO, sha)) if s.context == "presslift/preview"), None)


def test_a_pull_request_gets_a_preview_a_comment_and_loses_them_when_closed(cloud, api, github):
    sha = github.add_commit(
        REPO,
        site_files({"alpha": "High water at nine.", "beta": "The ferry runs hourly.", "gamma": "New lamp."}),
        branch="tides",
    )
    number = github.open_pull_request(REPO, "tides", "main", title="Tide tables")
    status, answer = deliver_pull_request(api, github, number, "opened")
    assert status == 202, answer
    run = api.wait_for_run(answer["run_id"], lambda r: r["status"] != "running", timeout=300)
    assert run["status"] == "succeeded", run
    assert [s["name"] for s in run["stages"]] == ["fetch", "build", "deploy-preview", "review"]
    url = run["urls"]["preview"]
    assert url.endswith(f"/{SITE}/staging/previews/pr-{number}/")

    code, headers, page = head(url + "posts/alpha/")
    assert code == 200 and "High water at nine." in page
    assert headers.get("X-Robots-Tag") == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert url in page or f"previews/pr-{number}/" in page  # its own base URL
    assert head(url + "pagefind/pagefind.js")[0] == 200  # its own search index
    staging = fetch(cloud.services.settings.shared_site_url(SITE, "staging") + "posts/alpha/")
    assert staging[0] == 200 and "High water" not in staging[1]  # staging is untouched

    posted = wait(
        "the preview's success status",
        lambda: (s := preview_status(github, sha)) and s.state == "success" and s,
    )
    assert posted.target_url == url
    (comment,) = wait("the preview comment", lambda: github.comments(REPO, number))
    assert comment.body.startswith(f"<!-- presslift-preview:{SITE} -->") and url in comment.body
    for title in ("Alpha Tides", "Beta Ferries", "Gamma Lights"):
        assert title in comment.body
    assert "Delta Nets" not in comment.body  # exactly the edited pages
    assert "High water at nine." in comment.body  # with their text changes

    # A push to the branch: the same comment is edited, the preview shows the new head.
    newer = github.add_commit(
        REPO,
        site_files({"alpha": "High water at ten.", "beta": "The ferry runs hourly.", "gamma": "New lamp."}),
        branch="tides",
    )
    status, answer = deliver_pull_request(api, github, number, "synchronize", before=sha, after=newer)
    assert status == 202, answer
    run = api.wait_for_run(answer["run_id"], lambda r: r["status"] != "running", timeout=300)
    assert run["status"] == "succeeded", run
    assert "High water at ten." in head(url + "posts/alpha/")[2]
    wait("the edited comment", lambda: "High water at ten." in github.comments(REPO, number)[0].body)
    (edited,) = github.comments(REPO, number)
    assert edited.id == comment.id
    previews = cloud.services.previews.list(SITE)
    assert [(p.path, p.status, p.head_sha) for p in previews] == [(f"previews/pr-{number}/", "live", newer)]

    # Closed: the preview's objects go, its record says removed, the comment says so; staging stays.
    github.close_pull_request(REPO, number)
    status, answer = deliver_pull_request(api, github, number, "closed")
    assert status == 202 and "removing the preview" in answer["removing"], answer
    wait("the preview's removal", lambda: head(url + "posts/alpha/")[0] == 404)
    wait(
        "the removed record",
        lambda: cloud.services.previews.get(SITE, f"previews/pr-{number}/").status == "removed",
    )
    wait("the comment saying removed", lambda: "removed" in github.comments(REPO, number)[0].body.lower())
    assert fetch(cloud.services.settings.shared_site_url(SITE, "staging") + "posts/alpha/")[0] == 200


def test_a_fork_is_refused_and_its_status_says_why(cloud, api, github):
    sha = github.add_commit(REPO, site_files({"delta": "Eve's edit."}), branch="eve-edit")
    number = github.open_pull_request(REPO, "eve-edit", "main", title="From a fork", fork_owner="eve")
    status, answer = deliver_pull_request(api, github, number, "opened")
    assert status == 202 and "does not build pull requests from forks" in answer["refused"], answer
    posted = wait("the fork's status", lambda: preview_status(github, sha))
    assert posted.state == "error" and "forks" in (posted.description or "")
    record = cloud.services.previews.get(SITE, f"previews/pr-{number}/")
    assert record is not None and record.status == "not built" and record.fork
    assert all(run["trigger"].get("number") != number for run in api.runs(SITE))


def test_a_pull_request_closed_with_no_preview_queues_no_removal(cloud, api, github):
    # Closed pull requests remove their preview whatever branch they go into now (one retargeted
    # away from main kept its preview public); one that never had a preview has nothing to remove.
    github.add_commit(REPO, site_files({"epsilon": "Release notes."}), branch="release")
    github.add_commit(REPO, site_files({"epsilon": "Harbour notes."}), branch="notes")
    number = github.open_pull_request(REPO, "notes", "release", title="Into release")
    status, answer = deliver_pull_request(api, github, number, "opened")
    assert status == 202 and "goes into release" in answer["ignored"], answer
    github.close_pull_request(REPO, number)
    status, answer = deliver_pull_request(api, github, number, "closed")
    assert status == 202 and answer["ignored"].endswith("was closed; it has no preview"), answer
    assert cloud.services.previews.get(SITE, f"previews/pr-{number}/") is None


def test_a_preview_branch_publishes_and_its_deletion_removes_it(cloud, api, github):
    sha = github.add_commit(REPO, site_files({"gamma": "A brighter lamp."}), branch="preview/lamps")
    payload = push_payload(REPO, "refs/heads/preview/lamps", NULL_SHA, sha, ["content/posts/gamma.md"])
    status, answer = post(api, "push", payload)
    assert status == 202, answer
    run = api.wait_for_run(answer["run_id"], lambda r: r["status"] != "running", timeout=300)
    assert run["status"] == "succeeded", run
    url = run["urls"]["preview"]
    assert "/branches/preview-lamps-" in url
    assert "A brighter lamp." in head(url + "posts/gamma/")[2]
    deleted = push_payload(REPO, "refs/heads/preview/lamps", sha, NULL_SHA, [])
    status, answer = post(api, "push", deleted)
    assert status == 202 and "removing the preview" in answer["removing"], answer
    wait("the branch preview's removal", lambda: head(url + "posts/gamma/")[0] == 404)


REVIEWED = "acme/quay-reviewed"
REVIEWED_SITE = "quayreviewed"


def test_three_edited_posts_are_exactly_the_pages_the_approver_and_the_terminal_see(
    cloud, api, github, capsys, monkeypatch
):
    """The same three-post edit through the approval road: the approval email, the approval page and
    `presslift diff` name exactly those three pages, with their text changes (the pull request's
    comment is checked above)."""
    from presslift.cli import main

    github.add_repo(REVIEWED, tokens=[GITHUB_TOKEN])
    secret = register(cloud, Site(REVIEWED_SITE, repo=REVIEWED))

    def push_and_await(files: dict[str, bytes]) -> dict[str, Any]:
        sha = github.add_commit(REVIEWED, files)
        payload = push_payload(REVIEWED, "refs/heads/main", NULL_SHA, sha, sorted(files))
        body, headers = webhook_request("push", payload, secret)
        status, answer = send_webhook(api, body, headers)
        assert status == 202, answer
        run = api.wait_for_run(answer["run_id"], lambda r: r["status"] != "running", timeout=300)
        assert run["status"] == "awaiting_approval", run
        return dict(run)

    def approval_email(run_id: str) -> Any:
        return wait("the approval email", lambda: next((e for e in cloud.emails if run_id in e.body), None))

    first = push_and_await(site_files())
    link = next(link for link in approval_email(first["id"]).links if "/approvals/" in link)
    assert api.decide(link, "approve")[0] == 200
    assert (
        api.wait_for_run(first["id"], lambda r: r["status"] != "running", timeout=300)["status"]
        == "succeeded"
    )

    edits = {"alpha": "High water at nine.", "beta": "The ferry runs hourly.", "gamma": "New lamp."}
    second = push_and_await(site_files(edits))
    email = approval_email(second["id"])
    page = head(next(link for link in email.links if "/approvals/" in link))[2]
    monkeypatch.setenv("PRESSLIFT_AWS_PORT", str(cloud.options.aws_port))
    code = main(["diff", second["id"]])
    printed = capsys.readouterr()
    terminal = printed.out
    assert code == 0, printed.err
    for where, text in (("email", email.body), ("approval page", page), ("presslift diff", terminal)):
        for title in ("Alpha Tides", "Beta Ferries", "Gamma Lights"):
            assert title in text, (where, title)
        assert "Delta Nets" not in text, where
        assert "High water at nine." in text, where
        assert "3 pages changed" in text, where


def test_a_preview_whose_pull_request_is_gone_by_its_fetch_is_listed_as_not_built(cloud, api, github):
    """Its run ended superseded, and the preview stayed listed as `building` until the idle sweep,
    two weeks on (25 such deliveries listed 25 previews building)."""
    github.add_commit(REPO, site_files({"epsilon": "Gone soon."}), branch="gone")
    number = github.open_pull_request(REPO, "gone", "main", title="Gone before its build")
    github.close_pull_request(REPO, number)  # closed on GitHub; the webhook says "opened" late
    status, answer = deliver_pull_request(api, github, number, "opened")
    assert status == 202 and "run_id" in answer, answer
    run = api.wait_for_run(answer["run_id"], lambda r: r["status"] != "running", timeout=120)
    assert run["status"] == "superseded", run
    path = f"previews/pr-{number}/"

    def settled():  # the record is put right just after the run ends: wait for it, not for the run
        found = cloud.services.previews.get(SITE, path)
        return found if found is not None and found.status != "building" else None

    preview = wait("the preview's record settled", settled)
    assert preview.status == "not built" and "was closed" in preview.reason
