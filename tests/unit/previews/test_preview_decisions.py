"""Pull request and branch deliveries: which publish, remove, refuse or ignore a preview, and why; the
`pull_request` payload read field by field, hostile values refused with the field's name."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.errors import InputError
from chalicelib.github.pullrequest import parse_pull_request
from chalicelib.github.webhook import parse_event, parse_push
from chalicelib.previews.decide import for_pull_request, for_push
from chalicelib.sitemodel import PreviewPolicy, Site
from standins.github.payloads import push_payload

REPO = "acme/site"
HEAD = "a" * 40


def payload(
    action: str = "opened", *, fork: str | None = None, base: str = "main", **pr: Any
) -> dict[str, Any]:
    head_repo = {"full_name": fork or REPO, "fork": fork is not None}
    return {
        "action": action,
        "number": 12,
        "pull_request": {
            "number": 12,
            "state": "closed" if action == "closed" else "open",
            "title": "Tide tables",
            "user": {"login": "mira"},
            "html_url": f"https://github.com/{REPO}/pull/12",
            "merged": pr.pop("merged", False),
            "head": {"ref": "tides", "sha": HEAD, "repo": head_repo},
            "base": {"ref": base, "sha": "b" * 40, "repo": {"full_name": REPO}},
            **pr,
        },
        "repository": {"full_name": REPO, "private": False},
        "sender": {"login": "mira"},
    }


SITE = Site("www", repo=REPO)


@pytest.mark.parametrize(
    ("name", "body", "site", "action", "words"),
    [
        ("opened builds", payload(), SITE, "build", "pull request #12 opened at aaaaaaa"),
        ("synchronize builds", payload("synchronize"), SITE, "build", "synchronize"),
        ("reopened builds", payload("reopened"), SITE, "build", "reopened"),
        ("closed removes", payload("closed"), SITE, "remove", "was closed"),
        ("merged removes", payload("closed", merged=True), SITE, "remove", "was merged"),
        ("labeled is ignored", payload("labeled"), SITE, "ignore", "nothing a preview shows"),
        ("into another branch", payload(base="release"), SITE, "ignore", "goes into release"),
        # retargeted (an `edited` delivery with `changes.base`): into a previewed branch, it is
        # previewed from now; out of one, its preview goes (it stayed live and out of date)
        (
            "moved into main",
            {**payload("edited"), "changes": {"base": {"ref": {"from": "dev"}}}},
            SITE,
            "build",
            "edited at aaaaaaa",
        ),
        (
            "moved out of main",
            {**payload("edited", base="dev"), "changes": {"base": {"ref": {"from": "main"}}}},
            SITE,
            "remove",
            "now goes into dev",
        ),
        (
            "edited title",
            {**payload("edited"), "changes": {"title": {"from": "x"}}},
            SITE,
            "ignore",
            "edited",
        ),
        ("fork refused", payload(fork="eve/site"), SITE, "refuse", "--preview-forks allow"),
        (
            "fork allowed",
            payload(fork="eve/site"),
            Site("www", repo=REPO, previews=PreviewPolicy(forks=True)),
            "build",
            "opened",
        ),
        (
            "previews off",
            payload(),
            Site("www", repo=REPO, previews=PreviewPolicy(pull_requests=False)),
            "ignore",
            "off",
        ),
        ("code site", payload(), Site("app", repo=REPO, kind="code"), "ignore", "Hugo sites"),
        ("closed fork still removed", payload("closed", fork="eve/site"), SITE, "remove", "closed"),
        # Opened into main, retargeted to release, then closed: its preview of main goes too.
        ("closed after retargeting", payload("closed", base="release"), SITE, "remove", "was closed"),
    ],
)
def test_pull_request_decisions(name: str, body: dict[str, Any], site: Site, action: str, words: str) -> None:
    decision = for_pull_request(parse_pull_request(body), site)
    assert decision.action == action, (name, decision)
    assert words in decision.reason, (name, decision.reason)
    if action != "ignore":
        assert decision.path == "previews/pr-12/"


def test_a_deleted_forks_pull_request_is_a_forks_until_it_is_closed() -> None:
    """GitHub sends `head.repo: null` once the fork is gone: closing the pull request removes its
    preview, as the base repository's; any other action is a fork's, whose code a site that builds no
    forks' pull requests never builds."""
    body = payload()
    body["pull_request"]["head"]["repo"] = None
    event = parse_pull_request(body)
    assert event.head_repository == "(a deleted fork)" and event.fork
    body["action"] = "closed"
    event = parse_pull_request(body)
    assert event.head_repository == REPO and not event.fork


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("number", lambda b: b.update(number="12; rm -rf /") or b["pull_request"].update(number="x")),
        ("pull_request.head.sha", lambda b: b["pull_request"]["head"].update(sha="../../etc/passwd")),
        (
            "pull_request.head.repo.full_name",
            lambda b: b["pull_request"]["head"]["repo"].update(full_name="a/b/c"),
        ),
        ("pull_request.base", lambda b: b["pull_request"].pop("base")),
        ("action", lambda b: b.pop("action")),
        ("repository", lambda b: b.update(repository=["acme/site"])),
    ],
)
def test_hostile_payloads_are_refused_naming_the_field(where: str, change: Any) -> None:
    body = copy.deepcopy(payload())
    change(body)
    with pytest.raises(InputError, match=where.replace(".", r"\.")):
        parse_pull_request(body)


def test_githubs_own_pull_request_payload_parses(shared_fixtures: Path) -> None:
    fixture = shared_fixtures / "github-webhooks" / "pull_request-opened.octokit.json"
    event = parse_event("pull_request", json.loads(fixture.read_text()))
    assert event.number == 2 and event.action == "opened"  # type: ignore[union-attr]
    assert event.head_sha == "ec26c3e57ca3a959ca5aad62de7213c562f8c821"  # type: ignore[union-attr]
    assert event.base_ref == "master" and not event.fork  # type: ignore[union-attr]
    decision = for_pull_request(event, Site("hello", repo="Codertocat/Hello-World", branch="master"))  # type: ignore[arg-type]
    assert decision.action == "build" and decision.path == "previews/pr-2/"


BRANCHES = Site("www", repo=REPO, previews=PreviewPolicy(branches=("feature/*",)))


def push_to(branch: str, *, deleted: bool = False) -> Any:
    after = "0" * 40 if deleted else HEAD
    return parse_push(push_payload(REPO, f"refs/heads/{branch}", "1" * 40, after, ("content/a.md",)))


@pytest.mark.parametrize(
    ("site", "branch", "deleted", "expected"),
    [
        (BRANCHES, "feature/Login", False, ("build", "branches/feature-login-")),
        (BRANCHES, "feature/Login", True, ("remove", "branches/feature-login-")),
        (BRANCHES, "main", False, None),  # the site's own branch builds staging
        (BRANCHES, "hotfix", False, None),
        (SITE, "feature/Login", False, None),  # no preview branches set
    ],
)
def test_branch_preview_decisions(site: Site, branch: str, deleted: bool, expected: Any) -> None:
    decision = for_push(push_to(branch, deleted=deleted), site)
    if expected is None:
        assert decision is None
    else:
        assert decision is not None and decision.action == expected[0]
        assert decision.path.startswith(expected[1]) and decision.path.endswith("/")
