"""Every payload in shared/fixtures/github-webhooks parsed and decided, plus the form-encoded variant."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest

from chalicelib.errors import InputError
from chalicelib.github import OtherEvent, PingEvent, PushEvent, decode_payload, parse_event, should_build
from chalicelib.github.pullrequest import PullRequestEvent
from chalicelib.runparts import Trigger
from chalicelib.siteconfig import SiteConfig
from chalicelib.sitemodel import Site

MASTER = Site("www", repo="acme/www", branch="master")
DEFAULTS = SiteConfig()

# file → (the decision with a site that builds `master`, words the reason must contain)
EXPECTED = {
    "push-branch-commit.drone.json": (True, "branch master at 199eddf"),
    "push-branch-created.octokit.json": (True, "branch master at 6113728"),
    "push-tag-created.drone.json": (False, "tag v0.0.1 is not built"),
    "push-branch-deleted.drone.json": (False, "refs/heads/feature-branch was deleted"),
    "push-tag-deleted.octokit.json": (False, "refs/tags/simple-tag was deleted"),
    "ping.octokit.json": (False, "ping"),
    "pull_request-opened.octokit.json": (False, "pull request #2 builds a preview, not staging"),
}


def load(folder: Path, name: str) -> tuple[str, dict[str, object]]:
    index = json.loads((folder / "index.json").read_text())
    event = next(entry["event"] for entry in index["files"] if entry["file"] == name)
    return event, json.loads((folder / name).read_bytes())


@pytest.fixture
def webhooks(shared_fixtures: Path) -> Path:
    return shared_fixtures / "github-webhooks"


def test_every_fixture_is_covered(webhooks: Path) -> None:
    index = json.loads((webhooks / "index.json").read_text())
    assert {entry["file"] for entry in index["files"]} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_is_decided(webhooks: Path, name: str) -> None:
    event, data = load(webhooks, name)
    decision = should_build(parse_event(event, data), MASTER, DEFAULTS)
    build, words = EXPECTED[name]
    assert decision.build is build
    assert words in decision.reason


def test_ordinary_push_is_parsed_in_full(webhooks: Path) -> None:
    _, data = load(webhooks, "push-branch-commit.drone.json")
    push = parse_event("push", data)
    assert isinstance(push, PushEvent)
    assert (push.repository, push.branch, push.tag) == ("Codertocat/Hello-World", "master", None)
    assert (push.before[:7], push.after[:7]) == ("a10867b", "199eddf")
    assert (push.created, push.deleted, push.forced) == (False, False, False)
    assert push.changed_paths == {"README.md"}
    assert push.paths_complete
    assert push.head_commit_message == "Update README"
    assert push.pusher == "Codertocat"
    assert push.compare_url.startswith("https://github.com/Codertocat/Hello-World/compare/")
    trigger = Trigger.of_push(push)  # what a run keeps of the push
    assert (trigger.type, trigger.sha, trigger.branch, trigger.pusher) == (
        "push",
        push.after,
        "master",
        "Codertocat",
    )
    assert trigger.summary == "push 199eddf to master by Codertocat: Update README"
    assert (trigger.message, trigger.compare) == ("Update README", push.compare_url)


def test_new_branch_counts_as_touching_everything(webhooks: Path) -> None:
    _, data = load(webhooks, "push-branch-created.octokit.json")
    push = parse_event("push", data)
    assert isinstance(push, PushEvent)
    assert push.created and push.changed_paths == {"README.md"}
    assert not push.paths_complete
    decision = should_build(push, MASTER, SiteConfig(watch_paths=("content",)))
    assert decision.build and "building everything" in decision.reason


def test_tag_push_builds_when_tags_are_configured(webhooks: Path) -> None:
    _, data = load(webhooks, "push-tag-created.drone.json")
    push = parse_event("push", data)
    assert isinstance(push, PushEvent) and push.tag == "v0.0.1" and push.base_ref == "refs/heads/master"
    assert should_build(push, Site("www", repo="acme/www", tags=("v*",)), DEFAULTS).build
    assert not should_build(push, Site("www", repo="acme/www", tags=("release-*",)), DEFAULTS).build


@pytest.mark.parametrize("name", ["push-branch-deleted.drone.json", "push-tag-deleted.octokit.json"])
def test_deletions_have_no_head_commit_and_never_build(webhooks: Path, name: str) -> None:
    _, data = load(webhooks, name)
    push = parse_event("push", data)
    assert isinstance(push, PushEvent) and push.deleted and push.head_commit_id is None
    assert not should_build(push, Site("www", repo="acme/www", branches=("*",), tags=("*",)), DEFAULTS).build


def test_ping_and_other_events_are_typed(webhooks: Path) -> None:
    ping = parse_event(*load(webhooks, "ping.octokit.json"))
    assert isinstance(ping, PingEvent) and ping.zen and ping.hook_id
    pull = parse_event(*load(webhooks, "pull_request-opened.octokit.json"))
    assert isinstance(pull, PullRequestEvent) and pull.action == "opened" and pull.number == 2
    other = parse_event("issues", {"action": "opened", "repository": {"full_name": "a/b"}})
    assert isinstance(other, OtherEvent) and other.action == "opened" and other.repository == "a/b"


def test_form_encoded_delivery_reads_the_payload_field(webhooks: Path) -> None:
    raw = (webhooks / "push-branch-commit.drone.json").read_text()
    body = urlencode({"payload": raw}).encode("ascii")
    data = decode_payload(body, "application/x-www-form-urlencoded")
    assert data == json.loads(raw)


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        (b"hook=1", "application/x-www-form-urlencoded", "no payload= field"),
        (b"payload=%7Bnot", "application/x-www-form-urlencoded", "not JSON"),
        (b"[1, 2]", "application/json", "JSON object"),
        (b"\xff\xfe", "application/json", "not JSON"),
    ],
)
def test_unreadable_payloads_are_input_errors(body: bytes, content_type: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        decode_payload(body, content_type)


def test_push_without_a_repository_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"repository\.full_name"):
        parse_event("push", {"ref": "refs/heads/main", "before": "a" * 40, "after": "b" * 40})


PUSH = {
    "ref": "refs/heads/main",
    "before": "a" * 40,
    "after": "b" * 40,
    "repository": {"full_name": "acme/site"},
}


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({**PUSH, "commits": [{"id": "c", "added": 5}]}, r"commits\[0\]\.added"),
        ({**PUSH, "commits": [{"id": "c", "added": [], "modified": "README.md"}]}, r"commits\[0\]\.modified"),
        ({**PUSH, "commits": [], "head_commit": {"id": "c", "removed": True}}, r"head_commit\.removed"),
    ],
)
def test_a_push_whose_changed_paths_are_not_lists_is_an_input_error(payload: dict, where: str) -> None:
    # A signed delivery with these once raised TypeError: a 500 for GitHub to retry, forever.
    with pytest.raises(InputError, match=where):
        parse_event("push", payload)


def test_a_push_with_null_or_foreign_paths_keeps_the_paths_that_are_strings() -> None:
    commits = [{"id": "c", "added": None, "modified": ["content/a.md", 7, None], "removed": []}]
    event = parse_event("push", {**PUSH, "commits": commits})
    assert isinstance(event, PushEvent) and event.changed_paths == frozenset({"content/a.md"})


@pytest.mark.parametrize("events", [5, "push", None, {"push": True}, ["push", 3]])
def test_a_ping_whose_hook_events_are_not_a_list_of_names_is_still_a_ping(events: object) -> None:
    event = parse_event("ping", {"zen": "Keep it simple.", "hook_id": 1, "hook": {"events": events}})
    assert isinstance(event, PingEvent)
    assert event.events == (("push",) if events == ["push", 3] else ())
