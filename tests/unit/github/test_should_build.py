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


def test_the_repositorys_config_is_read_only_for_a_push_that_may_build() -> None:
    """Reading presslift.toml asks GitHub (up to 5 s): a push to a branch, tag or deletion the site
    does not build is answered without it."""
    asked: list[str] = []

    def config() -> SiteConfig:
        asked.append("presslift.toml")
        return WATCH

    for refused in (push("refs/heads/feature"), push("refs/tags/v1"), push(after=NULL_SHA)):
        assert not should_build(refused, SITE, config).build
    assert asked == []
    assert should_build(push(), SITE, config).build and asked == ["presslift.toml"]


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("after", "not-a-sha", "after is not a commit SHA"),
        ("after", "../../../etc", "after is not a commit SHA"),
        ("before", "HEAD", "before is not a commit SHA"),
        ("deleted", "false", "deleted must be true or false"),
        ("forced", "false", "forced must be true or false"),
        ("created", 1, "created must be true or false"),
    ],
)
def test_a_push_field_of_the_wrong_kind_is_refused(field: str, value: object, said: str) -> None:
    from chalicelib.errors import InputError

    data = push_payload(REPO, "refs/heads/main", OLD, NEW, ("content/a.md",))
    with pytest.raises(InputError, match=said):
        parse_push({**data, field: value})


def test_a_push_to_no_commit_builds_nothing_whatever_deleted_says() -> None:
    data = push_payload(REPO, "refs/heads/main", OLD, NULL_SHA, ())
    assert not should_build(parse_push({**data, "deleted": False}), SITE, SiteConfig()).build
