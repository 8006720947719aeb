"""The library calls a webhook and a fetch make, in order, against moto and the local GitHub server.

`handle` is what `POST /webhooks/github` does with these modules (the route itself lives in app.py):
signature, repository lookup, de-duplication, the decision, a generation. The cases are the ones the
issue will be checked with: signed push builds, bad signatures change nothing, pings / other events /
tags / deletions / redeliveries build nothing, and two quick pushes deploy in order.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from chalicelib.errors import UnauthorizedError
from chalicelib.github import download_tarball, fetch_site_config, receive_webhook, should_build
from chalicelib.github.webhook import NULL_SHA, PushEvent
from chalicelib.services import Services
from chalicelib.siteconfig import SiteConfig
from chalicelib.sitemodel import Site
from chalicelib.sites import SiteStore
from presslift.githubpayloads import ping_payload, push_payload, webhook_request
from presslift.localgithub import LocalGitHub

SECRET = "webhook-s3cret"
REPO = "acme/site"


@dataclass
class Outcome:
    build: bool
    reason: str
    generation: int = 0


def handle(github: LocalGitHub, sites: SiteStore, headers: dict[str, str], body: bytes) -> Outcome:
    webhook = receive_webhook(headers, body, SECRET)  # raises before any side effect
    matched = sites.find_by_repo(webhook.repository or "")
    if not matched:
        return Outcome(False, f"repository {webhook.repository} is not registered")
    if not sites.remember_delivery(webhook.delivery_id, 3600):
        return Outcome(False, f"delivery {webhook.delivery_id} was already handled")
    site, event = matched[0], webhook.payload
    config = SiteConfig()
    if isinstance(event, PushEvent) and not event.deleted:
        config = fetch_site_config(github.url, event.repository, event.after)
    decision = should_build(event, site, config)
    if not decision.build:
        return Outcome(False, decision.reason)
    return Outcome(True, decision.reason, sites.next_generation(site.name))


@pytest.fixture
def sites(provisioned: Services) -> SiteStore:
    store = SiteStore(provisioned.dynamodb, provisioned.settings.table)
    store.add(Site("www", repo=REPO, branch="main"))
    return store


def push(
    github: LocalGitHub, files: dict[str, bytes], ref: str = "refs/heads/main"
) -> tuple[str, bytes, dict[str, str]]:
    before = github.add_commit(REPO, {"presslift.toml": b'watch_paths = ["content"]\n'})
    after = github.add_commit(REPO, {"presslift.toml": b'watch_paths = ["content"]\n', **files})
    body, headers = webhook_request("push", push_payload(REPO, ref, before, after, sorted(files)), SECRET)
    return after, body, headers


def test_a_signed_push_builds_and_fetches_the_commit(
    github: LocalGitHub, sites: SiteStore, tmp_path: Path
) -> None:
    sha, body, headers = push(github, {"content/a.md": b"# A"})
    outcome = handle(github, sites, headers, body)
    assert outcome.build and outcome.generation == 1
    source = download_tarball(github.url, REPO, sha, tmp_path / "src")
    assert (source.root / "content" / "a.md").read_bytes() == b"# A"


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64])
def test_bad_signatures_change_nothing(github: LocalGitHub, sites: SiteStore, signature: str | None) -> None:
    _, body, headers = push(github, {"content/a.md": b"# A"})
    headers.pop("X-Hub-Signature-256")
    if signature:
        headers["X-Hub-Signature-256"] = signature
    with pytest.raises(UnauthorizedError):
        handle(github, sites, headers, body)
    assert sites.remember_delivery(headers["X-GitHub-Delivery"], 3600)  # it was never recorded
    assert sites.current_generation("www") == 0


def test_a_redelivery_builds_nothing(github: LocalGitHub, sites: SiteStore) -> None:
    _, body, headers = push(github, {"content/a.md": b"# A"})
    assert handle(github, sites, headers, body).build
    again = handle(github, sites, headers, body)
    assert not again.build and "already handled" in again.reason
    assert sites.current_generation("www") == 1


@pytest.mark.parametrize(
    ("event", "payload", "words"),
    [
        ("ping", ping_payload(REPO), "ping"),
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
        ("push", push_payload("acme/unknown", "refs/heads/main", "c" * 40, "d" * 40), "not registered"),
    ],
)
def test_nothing_else_builds(
    github: LocalGitHub, sites: SiteStore, event: str, payload: dict[str, object], words: str
) -> None:
    body, headers = webhook_request(event, payload, SECRET)
    outcome = handle(github, sites, headers, body)
    assert not outcome.build and words in outcome.reason


def test_a_push_outside_the_watch_paths_builds_nothing(github: LocalGitHub, sites: SiteStore) -> None:
    _, body, headers = push(github, {"README.md": b"docs"})
    outcome = handle(github, sites, headers, body)
    assert not outcome.build and "touches no watched path (content)" in outcome.reason


def test_two_quick_pushes_deploy_in_order(github: LocalGitHub, sites: SiteStore, tmp_path: Path) -> None:
    """The first push's fetch is slow; it finishes after the second one and must not deploy."""
    first_sha, body1, headers1 = push(github, {"content/a.md": b"first"})
    second_sha, body2, headers2 = push(github, {"content/a.md": b"second"})
    github.set_delay(REPO, 0.5, sha=first_sha)
    first, second = handle(github, sites, headers1, body1), handle(github, sites, headers2, body2)
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
