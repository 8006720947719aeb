"""The site's preview policy: set with `presslift site add/update`, kept in the registration, checked."""

from __future__ import annotations

import argparse
import json

import pytest

from chalicelib.errors import InputError
from chalicelib.sitemodel import PreviewPolicy, Site, site_from_dict
from presslift.siteoptions import add_site_options, describe, settings_from_args


def options(*words: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_site_options(parser, adding=False)
    return parser.parse_args(list(words))


def test_the_options_change_only_what_they_name() -> None:
    site = Site("www", repo="a/b")
    changes = settings_from_args(
        options("--preview-forks", "allow", "--preview-branches", "feature/*, docs-*"), site
    )
    assert changes == {"previews": PreviewPolicy(forks=True, branches=("feature/*", "docs-*"))}
    assert settings_from_args(options("--no-previews"), site) == {
        "previews": PreviewPolicy(pull_requests=False)
    }
    assert settings_from_args(options("--preview-idle-days", "14"), site) == {}


def test_the_policy_survives_the_table_round_trip() -> None:
    site = Site("www", repo="a/b", previews=PreviewPolicy(forks=True, branches=("f/*",), idle_days=3))
    stored = json.loads(json.dumps(site.to_dict()))
    assert site_from_dict(stored).previews == site.previews
    assert (
        site_from_dict({"name": "old", "repo": "a/b"}).previews == PreviewPolicy()
    )  # registered before previews
    stored["previews"]["unknown"] = 1
    assert site_from_dict(stored).previews == site.previews


@pytest.mark.parametrize("days", [0, 366])
def test_idle_days_are_checked(days: int) -> None:
    with pytest.raises(InputError, match="--preview-idle-days"):
        Site("www", repo="a/b", previews=PreviewPolicy(idle_days=days))


def test_branch_globs_are_checked() -> None:
    with pytest.raises(InputError, match="pattern"):
        Site("www", repo="a/b", previews=PreviewPolicy(branches=("bad glob",)))


def test_describe_says_what_previews() -> None:
    assert "pull requests (not from forks); removed after 14 idle days" in describe(Site("www", repo="a/b"))
    off = Site("www", repo="a/b", previews=PreviewPolicy(pull_requests=False))
    assert "previews: off" in describe(off)
