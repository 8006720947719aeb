"""Reading `.gitmodules` (git's config syntax) and mapping a submodule's URL to a GitHub repository."""

from __future__ import annotations

import pytest

from chalicelib.github.submodules import Submodule, github_repository, read_gitmodules


def test_reads_what_git_submodule_add_writes() -> None:
    text = (
        '[submodule "themes/ananke"]\n'
        "\tpath = themes/ananke\n"
        "\turl = https://github.com/theNewDynamic/gohugo-theme-ananke.git\n"
        '[submodule "vendor lib"]\n'
        '\tpath = "vendor/my lib"  # a comment\n'
        "\tURL = git@github.com:acme/lib.git ; another\n"
        "\tbranch = main\n"
    )
    found, problems = read_gitmodules(text)
    assert found == [
        Submodule(
            "themes/ananke", "themes/ananke", "https://github.com/theNewDynamic/gohugo-theme-ananke.git"
        ),
        Submodule("vendor lib", "vendor/my lib", "git@github.com:acme/lib.git"),
    ]
    assert problems == []


def test_says_what_it_cannot_read_and_keeps_the_rest() -> None:
    text = (
        "# comment only\n"
        "[core]\n\tbare = false\n"
        '[submodule "no-url"]\n\tpath = a\n'
        '[submodule "no-path"]\n\turl = https://github.com/a/b\n'
        "this is not a key\n"
        '[submodule "ok"]\n\tpath = b\n\turl = https://github.com/a/c\n'
    )
    found, problems = read_gitmodules(text)
    assert found == [Submodule("ok", "b", "https://github.com/a/c")]
    assert problems == [
        ".gitmodules line 8 is not 'key = value': 'this is not a key'",
        "submodule 'no-url' in .gitmodules has no url",
        "submodule 'no-path' in .gitmodules has no path",
    ]


@pytest.mark.parametrize(
    ("url", "repository"),
    [
        ("https://github.com/owner/theme.git", "owner/theme"),
        ("https://github.com/owner/theme", "owner/theme"),
        ("https://github.com/owner/theme/", "owner/theme"),
        ("http://www.github.com/owner/theme.git", "owner/theme"),
        ("git://github.com/owner/theme.git", "owner/theme"),
        ("ssh://git@github.com/owner/theme.git", "owner/theme"),
        ("git@github.com:owner/theme.git", "owner/theme"),
        ("github.com:owner/theme", "owner/theme"),
        ("../theme.git", "acme/theme"),
        ("./theme", "acme/site/theme"),  # not a repository: refused below by its shape
        ("../../other/theme", "other/theme"),
        ("https://user:secret@github.com/owner/theme.git", "owner/theme"),
    ],
)
def test_github_urls_become_repositories(url: str, repository: str) -> None:
    expected = repository if repository.count("/") == 1 else None
    assert github_repository(url, "acme/site", "github.com") == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://gitlab.com/owner/theme.git",
        "https://github.com.evil.example/owner/theme",
        "https://evil.example/github.com/owner/theme",
        "git@gitlab.com:owner/theme.git",
        "file:///etc/passwd",
        "ext::sh -c touch% /tmp/pwned",
        "https://github.com/owner",
        "https://github.com/owner/theme/extra",
        "https://github.com/../etc/passwd",
        "../../../too-far",
        "",
        "/absolute/path",
    ],
)
def test_anything_else_is_no_repository(url: str) -> None:
    assert github_repository(url, "acme/site", "github.com") is None


def test_a_github_enterprise_server_takes_its_own_host_only() -> None:
    assert (
        github_repository("https://ghe.corp.example/team/theme", "team/site", "ghe.corp.example")
        == "team/theme"
    )
    assert github_repository("https://github.com/team/theme", "team/site", "ghe.corp.example") is None
