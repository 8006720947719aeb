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
