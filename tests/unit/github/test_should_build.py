"""should_build: the table of pushes that build a site and pushes that do not, each with its reason."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.github import should_build
from chalicelib.github.webhook import NULL_SHA, PushEvent, parse_push
from chalicelib.siteconfig import SiteConfig
from chalicelib.sitemodel import Site
from standins.github.payloads import push_payload

REPO = "acme/site"
OLD, NEW = "1" * 40, "2" * 40


def push(
    ref: str = "refs/heads/main", files: tuple[str, ...] = ("content/a.md",), **kwargs: object
) -> PushEvent:
    before = kwargs.pop("before", OLD)
    after = kwargs.pop("after", NEW)
    return parse_push(push_payload(REPO, ref, str(before), str(after), files, **kwargs))  # type: ignore[arg-type]


WATCH = SiteConfig(watch_paths=("content", "static/**", "hugo.toml"))
SITE = Site("www", repo=REPO)


def registered(**settings: Any) -> Site:
    """The site as its operator registered it (branches and tags are the registration's)."""
    return Site("www", repo=REPO, **settings)


CASES = [
    # (name, push, (registration, presslift.toml), builds, words in the reason)
    ("main builds", push(), (SITE, SiteConfig()), True, "push to branch main at 2222222"),
    ("other branch", push("refs/heads/dev"), (SITE, SiteConfig()), False, "branch dev is not configured"),
    (
        "branch glob",
        push("refs/heads/release/1.2"),
        (registered(branches=("release/*",)), SiteConfig()),
        True,
        "release/1.2",
    ),
    (
        "glob is whole-name",
        push("refs/heads/release"),
        (registered(branches=("release/*",)), SiteConfig()),
        False,
        "not config",
    ),
    ("tag by default", push("refs/tags/v1"), (SITE, SiteConfig()), False, "tag v1 is not built"),
    ("tag configured", push("refs/tags/v1"), (registered(tags=("*",)), SiteConfig()), True, "tag v1"),
    ("branch deleted", push(after=NULL_SHA), (SITE, SiteConfig()), False, "was deleted"),
    ("odd ref", push("refs/notes/x"), (SITE, SiteConfig()), False, "neither a branch nor a tag"),
    ("watched path", push(files=("content/post.md",)), (SITE, WATCH), True, "touches content/post.md"),
    ("deep glob", push(files=("static/img/a.png",)), (SITE, WATCH), True, "static/img/a.png"),
    (
        "unwatched path",
        push(files=("README.md", ".github/x.yml")),
        (SITE, WATCH),
        False,
        "touches no watched path",
    ),
    ("config always counts", push(files=("presslift.toml",)), (SITE, WATCH), True, "presslift.toml"),
    (
        "removed path counts",
        push(files=(), removed=("content/old.md",)),
        (SITE, WATCH),
        True,
        "content/old.md",
    ),
    ("forced push", push(files=("README.md",), forced=True), (SITE, WATCH), True, "building everything"),
    ("2048 commits", push(files=("README.md",), commits=2048), (SITE, WATCH), True, "may have truncated"),
    ("2047 commits", push(files=("README.md",), commits=2047), (SITE, WATCH), False, "no watched path"),
    # GitHub's cap of 20 is the timeline's, not a webhook's: 20 commits of README alone build nothing.
    ("20 commits", push(files=("README.md",), commits=20), (SITE, WATCH), False, "no watched path"),
    ("new branch", push(files=("README.md",), before=NULL_SHA), (SITE, WATCH), True, "new branch"),
]


@pytest.mark.parametrize(("name", "event", "setup", "builds", "words"), CASES, ids=[c[0] for c in CASES])
def test_should_build(
    name: str, event: PushEvent, setup: tuple[Site, SiteConfig], builds: bool, words: str
) -> None:
    decision = should_build(event, *setup)
    assert decision.build is builds, decision.reason
    assert words in decision.reason


def test_a_push_without_head_commit_touches_everything() -> None:
    data = push_payload(REPO, "refs/heads/main", OLD, NEW, ["README.md"])
    data["head_commit"] = None
    event = parse_push(data)
    assert event.paths_incomplete == "the payload has no head_commit"
    assert should_build(event, SITE, WATCH).build


def test_many_watched_paths_are_summarised() -> None:
    files = tuple(f"content/{i}.md" for i in range(10))
    reason = should_build(push(files=files), SITE, WATCH).reason
    assert reason.endswith("and 7 more")
