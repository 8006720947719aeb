"""`POST /webhooks/github` through the real route (Chalice's test client and app.py's `app`), against
moto and the local GitHub server.

The cases are the ones the issue will be checked with: a signed push queues a run that fetches the
commit, bad signatures change nothing, pings / other events / tags / deletions / redeliveries build
nothing, and two quick pushes deploy in order.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from chalice.test import Client

from chalicelib.github import download_tarball
from chalicelib.github.api import API_ENV
from chalicelib.github.webhook import NULL_SHA
from chalicelib.secrets import webhook_secret_name
from chalicelib.services import Services, services
from chalicelib.sitemodel import Site
from chalicelib.sites import SiteStore
from standins.github import LocalGitHub
from standins.github.payloads import ping_payload, push_payload, webhook_request

SECRET = "webhook-s3cret"
REPO = "acme/site"


@dataclass
class Outcome:
    status: int
    reply: dict[str, object]
    generation: int = 0

    @property
    def build(self) -> bool:
        return self.status == 202 and "run_id" in self.reply

    @property
    def reason(self) -> str:
        return str(self.reply.get("ignored") or self.reply.get("message") or self.reply)


@pytest.fixture
def route(api: Client, github: LocalGitHub, monkeypatch: pytest.MonkeyPatch) -> Client:
    """The app's own route, with the test's services, talking to the local GitHub server."""
    monkeypatch.setenv(API_ENV, github.url)
    return api


@pytest.fixture
def sites(provisioned: Services) -> SiteStore:
    provisioned.sites.add(Site("www", repo=REPO, branch="main"))
    provisioned.secrets.store(webhook_secret_name("www"), SECRET)
    return provisioned.sites


def handle(route: Client, headers: dict[str, str], body: bytes) -> Outcome:
    response = route.http.post("/webhooks/github", headers=headers, body=body)
    outcome = Outcome(response.status_code, json.loads(response.body or b"{}"))
    if outcome.build:
        outcome.generation = services().runs.get(str(outcome.reply["run_id"])).generation
    return outcome


def push(
    github: LocalGitHub, files: dict[str, bytes], ref: str = "refs/heads/main"
) -> tuple[str, bytes, dict[str, str]]:
    before = github.add_commit(REPO, {"presslift.toml": b'watch_paths = ["content"]\n'})
    after = github.add_commit(REPO, {"presslift.toml": b'watch_paths = ["content"]\n', **files})
    body, headers = webhook_request("push", push_payload(REPO, ref, before, after, sorted(files)), SECRET)
    return after, body, headers


def test_a_signed_push_builds_and_fetches_the_commit(
    route: Client, github: LocalGitHub, sites: SiteStore, tmp_path: Path
) -> None:
    sha, body, headers = push(github, {"content/a.md": b"# A"})
    outcome = handle(route, headers, body)
    assert outcome.build and outcome.generation == 1
    source = download_tarball(github.url, REPO, sha, tmp_path / "src")
    assert (source.root / "content" / "a.md").read_bytes() == b"# A"


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64])
def test_bad_signatures_change_nothing(
    route: Client, github: LocalGitHub, sites: SiteStore, signature: str | None
) -> None:
    _, body, headers = push(github, {"content/a.md": b"# A"})
    headers.pop("X-Hub-Signature-256")
    if signature:
        headers["X-Hub-Signature-256"] = signature
    assert handle(route, headers, body).status == 401
    assert sites.remember_delivery(headers["X-GitHub-Delivery"], 3600)  # it was never recorded
    assert sites.current_generation("www") == 0


def test_a_redelivery_builds_nothing(route: Client, github: LocalGitHub, sites: SiteStore) -> None:
    _, body, headers = push(github, {"content/a.md": b"# A"})
    assert handle(route, headers, body).build
    again = handle(route, headers, body)
    assert not again.build and "already handled" in again.reason
    assert sites.current_generation("www") == 1


@pytest.mark.parametrize(
    ("event", "payload", "words"),
    [
        (
            "issues",
            {"action": "opened", "repository": {"full_name": REPO}},
            "issues (opened) events do not build",
        ),
        (
            "push",
            push_payload(REPO, "refs/tags/v1", NULL_SHA, "c" * 40, ["content/a.md"]),
            "tag v1 is not built",
        ),
        ("push", push_payload(REPO, "refs/heads/main", "c" * 40, NULL_SHA), "was deleted"),
        (
            "push",
            push_payload(REPO, "refs/heads/dev", "c" * 40, "d" * 40, ["content/a.md"]),
            "not configured",
        ),
    ],
)
def test_nothing_else_builds(
    route: Client, github: LocalGitHub, sites: SiteStore, event: str, payload: dict[str, object], words: str
) -> None:
    body, headers = webhook_request(event, payload, SECRET)
    outcome = handle(route, headers, body)
    assert not outcome.build and words in outcome.reason


def test_a_ping_answers_and_builds_nothing(route: Client, sites: SiteStore) -> None:
    body, headers = webhook_request("ping", ping_payload(REPO), SECRET)
    outcome = handle(route, headers, body)
    assert outcome.status == 200 and outcome.reply["ok"] is True
    assert sites.current_generation("www") == 0


def test_a_repository_nobody_registered_is_refused(route: Client, sites: SiteStore) -> None:
    payload = push_payload("acme/unknown", "refs/heads/main", "c" * 40, "d" * 40)
    body, headers = webhook_request("push", payload, SECRET)
    assert handle(route, headers, body).status == 401
    assert sites.current_generation("www") == 0


def test_a_push_outside_the_watch_paths_builds_nothing(
    route: Client, github: LocalGitHub, sites: SiteStore
) -> None:
    _, body, headers = push(github, {"README.md": b"docs"})
    outcome = handle(route, headers, body)
    assert not outcome.build and "touches no watched path (content)" in outcome.reason


def test_two_quick_pushes_deploy_in_order(
    route: Client, github: LocalGitHub, sites: SiteStore, tmp_path: Path
) -> None:
    """The first push's fetch is slow; it finishes after the second one and must not deploy."""
    first_sha, body1, headers1 = push(github, {"content/a.md": b"first"})
    second_sha, body2, headers2 = push(github, {"content/a.md": b"second"})
    github.set_delay(REPO, 0.5, sha=first_sha)
    first, second = handle(route, headers1, body1), handle(route, headers2, body2)
    deployed: list[tuple[int, bool]] = []

    def fetch_and_deploy(sha: str, generation: int) -> None:
        download_tarball(github.url, REPO, sha, tmp_path / sha)
        deployed.append((generation, sites.claim_deploy("www", "staging", generation)))

    threads = [
        threading.Thread(target=fetch_and_deploy, args=(first_sha, first.generation)),
        threading.Thread(target=fetch_and_deploy, args=(second_sha, second.generation)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert deployed == [(2, True), (1, False)]
    assert sites.deployed_generation("www", "staging") == 2


def test_a_renamed_repository_is_recognised_and_its_new_name_is_the_operators_to_register(
    route: Client, github: LocalGitHub, sites: SiteStore
) -> None:
    """GitHub keeps a repository's id and its webhook through a rename or a transfer. A delivery from
    the new name, signed with the site's secret, is answered with what to do (it was refused as a bad
    signature, and the operator looked at secrets); it builds nothing until the operator registers
    the new name, then it does."""
    _, body, headers = push(github, {"content/a.md": b"a"})
    assert handle(route, headers, body).build  # the first delivery: the site learns the repository's id
    repository_id = json.loads(body)["repository"]["id"]

    renamed = "acme-labs/site"  # the repository's tarballs are at its new name
    after = github.add_commit(renamed, {"content/b.md": b"b"})
    payload = push_payload(renamed, "refs/heads/main", NULL_SHA, after, ["content/b.md"])
    payload["repository"]["id"] = repository_id
    body, headers = webhook_request("push", payload, SECRET)
    moved = handle(route, headers, body)
    assert moved.status == 409 and not moved.build
    assert f"presslift site update www --repo {renamed}" in moved.reply["message"]

    sites.update("www", repo=renamed)
    body, headers = webhook_request("push", {**payload, "after": after}, SECRET)
    assert handle(route, headers, body).build

    body, headers = webhook_request("push", {**payload, "after": "c" * 40}, "someone-elses-secret")
    forged = handle(route, headers, body)
    assert forged.status == 401 and not forged.build


def test_one_sites_secret_cannot_build_another_repository_by_claiming_its_id(
    route: Client, github: LocalGitHub, sites: SiteStore
) -> None:
    """The id and the name of a delivery are both the signer's word: a ping naming the site's own
    repository with a made-up id, then a push with that id naming a repository nobody registered,
    built that repository (any the pipeline's token can read) on the site's staging."""
    ping = {"zen": "x", "hook_id": 1, "repository": {"id": 4242, "full_name": REPO}}
    body, headers = webhook_request("ping", ping, SECRET)
    assert handle(route, headers, body).status == 200
    secret_sha = github.add_commit("acme/payroll", {"content/salaries.md": b"PAYROLL"})
    payload = push_payload("acme/payroll", "refs/heads/main", NULL_SHA, secret_sha, ["content/salaries.md"])
    payload["repository"]["id"] = 4242
    body, headers = webhook_request("push", payload, SECRET)
    taken = handle(route, headers, body)
    assert taken.status == 409 and not taken.build
