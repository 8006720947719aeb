"""The local server's webhook helpers build deliveries shaped like the real ones in the fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.github import PushEvent, receive_webhook, should_build, signature, verify_signature
from chalicelib.siteconfig import SiteConfig
from chalicelib.sitemodel import Site
from standins.github.payloads import ping_payload, push_payload, sign, webhook_request

OLD, NEW = "a" * 40, "b" * 40


def shape(value: Any) -> Any:
    """The keys of nested objects (first list item stands for the list), without the values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return None


def test_push_payload_has_every_key_of_githubs(shared_fixtures: Path) -> None:
    real = json.loads((shared_fixtures / "github-webhooks" / "push-branch-commit.drone.json").read_bytes())
    ours = push_payload("acme/site", "refs/heads/main", OLD, NEW, ["README.md"])
    assert set(ours) == set(real)
    assert set(ours["commits"][0]) == set(real["commits"][0])
    assert set(ours["head_commit"]) == set(real["head_commit"])
    assert set(ours["pusher"]) == set(real["pusher"])
    assert {"full_name", "private", "clone_url", "default_branch"} <= set(ours["repository"])


def test_ping_payload_has_githubs_keys(shared_fixtures: Path) -> None:
    real = json.loads((shared_fixtures / "github-webhooks" / "ping.octokit.json").read_bytes())
    ours = ping_payload("acme/site")
    assert {"zen", "hook_id", "hook", "repository", "sender"} <= set(real) & set(ours)


def test_webhook_request_round_trips_through_receive_webhook() -> None:
    payload = push_payload("acme/site", "refs/heads/main", OLD, NEW, ["content/a.md"], message="Post A")
    body, headers = webhook_request("push", payload, "s3cret", delivery="d-1")
    webhook = receive_webhook(headers, body, "s3cret")
    assert isinstance(webhook.payload, PushEvent)
    assert (webhook.delivery_id, webhook.payload.head_commit_message) == ("d-1", "Post A")
    assert should_build(webhook.payload, Site("www", repo=webhook.payload.repository), SiteConfig()).build


def test_deletion_payload_matches_githubs_deletions() -> None:
    data = push_payload("acme/site", "refs/heads/gone", OLD, "0" * 40)
    assert (data["deleted"], data["commits"], data["head_commit"]) == (True, [], None)


@given(secret=st.text(min_size=1, max_size=64), body=st.binary(max_size=2048), flip=st.integers(min_value=0))
def test_any_signed_body_verifies_and_any_changed_byte_does_not(secret: str, body: bytes, flip: int) -> None:
    header = sign(secret, body)
    verify_signature(secret, body, header)
    if body:
        i = flip % len(body)
        changed = body[:i] + bytes([body[i] ^ 1]) + body[i + 1 :]
        assert signature(secret, changed) != header


def _pull_request(github_url: str = "http://127.0.0.1:1") -> dict[str, Any]:
    from standins.github.pulls import PullRequest, pull_json

    pr = PullRequest("acme/site", 7, 70, "New home", "", "feature", "main", "eve", NEW, fork_owner="eve")
    return pull_json(github_url, pr, head_sha=NEW, base_sha=OLD)


def test_pull_request_payload_has_githubs_keys_and_parses(shared_fixtures: Path) -> None:
    from chalicelib.github.pullrequest import parse_pull_request
    from standins.github.payloads import pull_request_payload

    real = json.loads((shared_fixtures / "github-webhooks" / "pull_request-opened.octokit.json").read_bytes())
    ours = pull_request_payload("opened", _pull_request(), "acme/site", "eve")
    assert set(ours) == set(real) - {"installation"}
    wanted = {"number", "state", "title", "user", "html_url", "merged", "head", "base", "merged_at", "id"}
    assert wanted <= set(ours["pull_request"]) <= set(real["pull_request"])
    for side in ("head", "base"):
        assert set(ours["pull_request"][side]) == set(real["pull_request"][side])
        assert {"full_name", "fork", "private"} <= set(ours["pull_request"][side]["repo"])
    event = parse_pull_request(ours)
    assert (event.action, event.number, event.head_sha, event.head_ref) == ("opened", 7, NEW, "feature")
    assert event.fork and event.head_repository == "eve/site" and event.repository == "acme/site"
    assert event.author == "eve" and ours["sender"]["login"] == "eve"


def test_synchronize_carries_before_and_after_and_closed_says_merged() -> None:
    from standins.github.payloads import pull_request_payload

    synced = pull_request_payload("synchronize", _pull_request(), "acme/site", "eve", before=OLD)
    assert (synced["before"], synced["after"]) == (OLD, NEW)
    closed = pull_request_payload("closed", _pull_request(), "acme/site", "eve")
    assert closed["pull_request"]["merged"] is False and "before" not in closed
    body, headers = webhook_request("pull_request", closed, "s3cret")
    assert headers["X-GitHub-Event"] == "pull_request"
    verify_signature("s3cret", body, headers["X-Hub-Signature-256"])  # raises when it does not match


def test_pull_request_payload_refuses_what_github_never_sends() -> None:
    import pytest

    from standins.github.payloads import pull_request_payload

    with pytest.raises(ValueError, match="action"):
        pull_request_payload("merged", _pull_request(), "acme/site", "eve")
    with pytest.raises(ValueError, match="before"):
        pull_request_payload("synchronize", _pull_request(), "acme/site", "eve")
