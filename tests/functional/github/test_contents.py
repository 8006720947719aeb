"""fetch_site_config: presslift.toml at the pushed commit, from the local GitHub server."""

from __future__ import annotations

import pytest

from chalicelib.errors import ConfigError
from chalicelib.github import fetch_site_config
from chalicelib.siteconfig import SiteConfig
from standins.github import LocalGitHub

REPO = "acme/site"


def test_reads_the_config_at_that_commit(github: LocalGitHub) -> None:
    first = github.add_commit(REPO, {"presslift.toml": b'watch_paths = ["static"]\n'})
    second = github.add_commit(REPO, {"presslift.toml": b'watch_paths = ["content"]\n'})
    assert fetch_site_config(github.url, REPO, first).watch_paths == ("static",)
    assert fetch_site_config(github.url, REPO, second).watch_paths == ("content",)
    assert github.requests[0].headers["accept"] == "application/vnd.github.raw+json"


def test_a_repository_without_the_file_gets_defaults(github: LocalGitHub) -> None:
    sha = github.add_commit(REPO, {"hugo.toml": b""})
    assert fetch_site_config(github.url, REPO, sha) == SiteConfig()


def test_a_private_repository_needs_its_token(github: LocalGitHub) -> None:
    github.add_repo(REPO, private=True, tokens=["t0ken"])
    sha = github.add_commit(REPO, {"presslift.toml": b'watch_paths = ["content"]\n'})
    assert fetch_site_config(github.url, REPO, sha, token="t0ken").watch_paths == ("content",)


def test_an_invalid_config_names_the_commit_and_the_key(github: LocalGitHub) -> None:
    sha = github.add_commit(REPO, {"presslift.toml": b"hugo_version = 1\n"})
    with pytest.raises(ConfigError, match=f"^presslift.toml at {sha[:7]}: hugo_version must be a string"):
        fetch_site_config(github.url, REPO, sha)
