"""Submodules fetched into a downloaded repository, against the local GitHub server (contents API for
the pinned commit, tarball API for its files), and a real git repository's gitlinks as it serves them."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.github import download_tarball
from chalicelib.github.additions import Reach
from chalicelib.github.submodules import MAX_SUBMODULES, fetch_submodules, pinned_commit
from presslift.gitrepo import GitRepo
from standins.github import LocalGitHub

SITE = "acme/site"
THEME = "acme/theme"


def gitmodules(*entries: tuple[str, str]) -> str:
    return "".join(f'[submodule "{path}"]\n\tpath = {path}\n\turl = {url}\n' for path, url in entries)


def site_with(github: LocalGitHub, entries: list[tuple[str, str]], pins: dict[str, str], **files: str) -> str:
    tree = {"hugo.toml": "theme = 'theme'\n", ".gitmodules": gitmodules(*entries), **files}
    return github.add_commit(SITE, tree, submodules=pins)


def fetch_site(github: LocalGitHub, sha: str, dest: Path, within: str = ""):
    source = download_tarball(github.url, SITE, sha, dest)
    return source, fetch_submodules(
        SITE,
        sha,
        source.root,
        source.root / within if within else source.root,
        Reach(None, lambda what: 10.0, github.url),
        (source.files, source.bytes),
    )


def test_a_theme_submodule_is_fetched_at_the_commit_the_site_pins(
    github: LocalGitHub, tmp_path: Path
) -> None:
    pinned = github.add_commit(THEME, {"layouts/index.html": "pinned theme", "theme.toml": "name = 't'\n"})
    github.add_commit(THEME, {"layouts/index.html": "newer theme, not pinned"})
    sha = site_with(github, [("themes/theme", "https://github.com/acme/theme.git")], {"themes/theme": pinned})
    source, result = fetch_site(github, sha, tmp_path / "src")
    assert (source.root / "themes/theme/layouts/index.html").read_text() == "pinned theme"
    assert result.done == [f"themes/theme from {THEME}@{pinned[:7]}"]
    assert result.skipped == []
    assert result.files == source.files + 2
    assert result.summary() == "1 submodule fetched"
    asked = [r for r in github.requests if "/contents/" in r.path]
    assert asked[0].path == f"/repos/{SITE}/contents/themes/theme?ref={sha}"
    assert asked[0].headers["accept"] == "application/vnd.github+json"


def test_nested_submodules_are_fetched_as_git_does_recursively(github: LocalGitHub, tmp_path: Path) -> None:
    icons = github.add_commit("acme/icons", {"icons/star.svg": "<svg/>"})
    theme = github.add_commit(
        THEME,
        {"layouts/index.html": "theme", ".gitmodules": gitmodules(("assets/icons", "../icons.git"))},
        submodules={"assets/icons": icons},
    )
    sha = site_with(github, [("themes/theme", "git@github.com:acme/theme.git")], {"themes/theme": theme})
    source, result = fetch_site(github, sha, tmp_path / "src")
    assert (source.root / "themes/theme/assets/icons/icons/star.svg").read_text() == "<svg/>"
    assert result.done == [
        f"themes/theme from {THEME}@{theme[:7]}",
        f"themes/theme/assets/icons from acme/icons@{icons[:7]}",
    ]


def test_what_cannot_be_fetched_is_named_and_the_rest_still_comes(
    github: LocalGitHub, tmp_path: Path
) -> None:
    theme = github.add_commit(THEME, {"layouts/index.html": "theme"})
    entries = [
        ("themes/theme", "https://github.com/acme/theme"),
        ("themes/gone", "https://github.com/acme/deleted-theme"),
        ("themes/elsewhere", "https://gitlab.com/acme/theme.git"),
        ("../outside", "https://github.com/acme/theme"),
        (".git/hooks", "https://github.com/acme/theme"),
        ("themes/stale", "https://github.com/acme/theme"),
    ]
    pins = {"themes/theme": theme, "themes/gone": "f" * 40, "themes/elsewhere": theme}
    sha = site_with(github, entries, pins)
    source, result = fetch_site(github, sha, tmp_path / "src")
    assert result.done == [f"themes/theme from {THEME}@{theme[:7]}"]
    assert result.skipped[0].startswith(
        "themes/gone (acme/deleted-theme): GitHub has no tarball of acme/deleted-theme"
    )
    assert result.skipped[1:] == [
        "themes/elsewhere: 'https://gitlab.com/acme/theme.git' is not a repository on github.com; "
        "not fetched",
        "'../outside': not a folder inside the repository; not fetched",
        "'.git/hooks': not a folder inside the repository; not fetched",
    ]  # themes/stale, an entry whose submodule was removed, is ignored as git ignores it
    assert result.summary() == "1 submodule fetched, 4 submodules not fetched"
    assert not (source.root / "themes/gone").exists() or not any((source.root / "themes/gone").iterdir())
    assert not (tmp_path / "outside").exists()


@pytest.mark.parametrize(
    "config, output",
    [("theme = 'theme'\n", "public"), ("theme = 'theme'\npublishDir = 'docs/'\n", "docs")],
)
def test_the_sites_output_folder_is_not_fetched_and_not_missed(
    github: LocalGitHub, tmp_path: Path, config: str, output: str
) -> None:
    # Hugo's old advice for GitHub Pages: the user.github.io repository as a submodule at public/,
    # where the built pages went. A build writes its own, so it is neither fetched nor warned about.
    theme = github.add_commit(THEME, {"layouts/index.html": "theme"})
    pages = github.add_commit("acme/acme.github.io", {"index.html": "old built pages"})
    entries = [
        ("themes/theme", "https://github.com/acme/theme"),
        (output, "git@github.com:acme/acme.github.io"),
    ]
    sha = site_with(github, entries, {"themes/theme": theme, output: pages}, **{"hugo.toml": config})
    source, result = fetch_site(github, sha, tmp_path / "src")
    assert result.done == [f"themes/theme from {THEME}@{theme[:7]}"]
    assert result.skipped == []
    assert not (source.root / output / "index.html").exists()
    assert not [r for r in github.requests if "acme.github.io" in r.path]


def test_vendored_folders_and_submodules_outside_the_site_are_left_alone(
    github: LocalGitHub, tmp_path: Path
) -> None:
    theme = github.add_commit(THEME, {"layouts/index.html": "fetched"})
    entries = [
        ("site/themes/vendored", "https://github.com/acme/theme"),
        ("tools/lib", "https://github.com/acme/theme"),
    ]
    sha = site_with(
        github,
        entries,
        {"tools/lib": theme},
        **{"site/themes/vendored/layouts/index.html": "vendored"},
    )
    source, result = fetch_site(github, sha, tmp_path / "src", within="site")
    assert (source.root / "site/themes/vendored/layouts/index.html").read_text() == "vendored"
    assert not any((source.root / "tools/lib").iterdir())  # GitHub's empty folder for the link, as it was
    assert result.done == [] and result.skipped == [] and result.summary() == ""
    assert not [r for r in github.requests if "/contents/" in r.path]


def test_a_folder_reached_through_a_link_is_not_written_into(github: LocalGitHub, tmp_path: Path) -> None:
    theme = github.add_commit(THEME, {"layouts/index.html": "theme"})
    sha = site_with(github, [("linked/theme", "https://github.com/acme/theme")], {"linked/theme": theme})
    source = download_tarball(github.url, SITE, sha, tmp_path / "src")
    (source.root / "real").mkdir()
    (source.root / "real/README").write_text("the link's target")
    shutil.rmtree(source.root / "linked")  # the archive's empty folder for the link, made a link instead
    (source.root / "linked").symlink_to("real")
    result = fetch_submodules(SITE, sha, source.root, source.root, Reach(None, lambda what: 10.0, github.url))
    assert result.skipped == ["linked/theme: its folder is reached through a link; not fetched"]
    assert [path.name for path in (source.root / "real").iterdir()] == ["README"]


def test_the_count_and_the_repositorys_caps_hold_across_submodules(
    github: LocalGitHub, tmp_path: Path
) -> None:
    theme = github.add_commit(THEME, {"layouts/index.html": "theme"})
    entries = [(f"themes/t{n:02}", "https://github.com/acme/theme") for n in range(MAX_SUBMODULES + 1)]
    sha = site_with(github, entries, {path: theme for path, _ in entries})
    _, result = fetch_site(github, sha, tmp_path / "src")
    assert len(result.done) == MAX_SUBMODULES
    assert result.skipped == [f"themes/t{MAX_SUBMODULES:02}: past the limit of {MAX_SUBMODULES} submodules"]

    big = github.add_commit(THEME, {"big.bin": b"x" * 5000})
    sha = site_with(github, [("themes/big", "https://github.com/acme/theme")], {"themes/big": big})
    source = download_tarball(github.url, SITE, sha, tmp_path / "src2")
    result = fetch_submodules(
        SITE,
        sha,
        source.root,
        source.root,
        Reach(None, lambda what: 10.0, github.url),
        (0, 2 * 1024**3 - 1000),
    )
    assert result.done == [] and "limit" in result.skipped[0]


def test_running_out_of_time_fails_the_stage_instead_of_skipping(github: LocalGitHub, tmp_path: Path) -> None:
    theme = github.add_commit(THEME, {"layouts/index.html": "theme"})
    sha = site_with(github, [("themes/theme", "https://github.com/acme/theme")], {"themes/theme": theme})
    source = download_tarball(github.url, SITE, sha, tmp_path / "src")

    def no_time(what: str) -> float:
        raise BuildError("no time was left for downloading submodules")

    with pytest.raises(BuildError):
        fetch_submodules(SITE, sha, source.root, source.root, Reach(None, no_time, github.url))


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "protocol.file.allow=always", "-c", "user.name=t", "-c", "user.email=t@e", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_real_git_repositorys_submodule_is_served_and_fetched(github: LocalGitHub, tmp_path: Path) -> None:
    theme_dir, site_dir = tmp_path / "theme", tmp_path / "site"
    for folder in (theme_dir, site_dir):
        folder.mkdir()
        git(folder, "init", "-q", "-b", "main")
    (theme_dir / "layouts").mkdir()
    (theme_dir / "layouts/index.html").write_text("from git")
    git(theme_dir, "add", "-A")
    git(theme_dir, "commit", "-q", "-m", "theme")
    (site_dir / "hugo.toml").write_text("theme = 'theme'\n")
    git(site_dir, "submodule", "add", "-q", str(theme_dir), "themes/theme")
    # As pushed to GitHub: the URL names the theme's repository there.
    (site_dir / ".gitmodules").write_text(gitmodules(("themes/theme", "https://github.com/acme/theme.git")))
    git(site_dir, "add", "-A")
    git(site_dir, "commit", "-q", "-m", "site")
    github.add_git_repo(SITE, GitRepo(site_dir))
    github.add_git_repo(THEME, GitRepo(theme_dir))
    sha, pinned = git(site_dir, "rev-parse", "HEAD"), git(theme_dir, "rev-parse", "HEAD")

    assert pinned_commit(github.url, SITE, sha, "themes/theme", token=None, timeout=5) == pinned
    assert pinned_commit(github.url, SITE, sha, "hugo.toml", token=None, timeout=5) is None
    with urllib.request.urlopen(f"{github.url}/repos/{SITE}/contents/themes/theme?ref={sha}") as answer:
        body = json.load(answer)
    assert body["type"] == "submodule" and body["submodule_git_url"] == "https://github.com/acme/theme.git"

    source, result = fetch_site(github, sha, tmp_path / "src")
    assert (source.root / "themes/theme/layouts/index.html").read_text() == "from git"
    assert result.done == [f"themes/theme from {THEME}@{pinned[:7]}"]


def test_a_file_where_the_submodules_folder_goes_is_named(github: LocalGitHub, tmp_path: Path) -> None:
    theme = github.add_commit(THEME, {"layouts/index.html": "theme"})
    sha = site_with(
        github, [("themes/theme", "https://github.com/acme/theme")], {"themes/theme": theme}, themes="a file"
    )
    _, result = fetch_site(github, sha, tmp_path / "src")
    assert result.done == []
    assert result.skipped[0].startswith("themes/theme (acme/theme): its folder cannot be made there (")


@pytest.mark.parametrize(
    ("trusted", "fetched"),
    [
        ((SITE,), False),  # another private repository a pushed .gitmodules names: not with the token
        ((SITE, THEME), True),  # the operator allowed it (--private-sources acme/theme)
        ((SITE, "ACME/*"), True),  # or all of its owner's
        (None, True),  # tools and tests: the token for every repository
    ],
)
def test_the_token_reads_only_the_sites_own_repository_and_what_its_operator_allows(
    github: LocalGitHub, tmp_path: Path, trusted: tuple[str, ...] | None, fetched: bool
) -> None:
    """Whoever could push to one site's repository published any private repository the pipeline's
    token reads (an organisation's reads them all) by naming it as a submodule."""
    github.add_repo(SITE, private=True, tokens=["t0ken"])
    github.add_repo(THEME, private=True, tokens=["t0ken"])
    pinned = github.add_commit(THEME, {"content/secret.md": "PAYROLL"})
    sha = site_with(github, [("themes/theme", "../theme.git")], {"themes/theme": pinned})
    source = download_tarball(github.url, SITE, sha, tmp_path / "src", token="t0ken")
    reach = Reach("t0ken", lambda what: 10.0, github.url, trusted=trusted)
    result = fetch_submodules(SITE, sha, source.root, source.root, reach, (source.files, source.bytes))
    assert (source.root / "themes/theme/content/secret.md").exists() is fetched
    if not fetched:
        (skipped,) = result.skipped
        assert "--private-sources OWNER/REPO" in skipped and "PAYROLL" not in skipped


def test_a_submodule_link_that_gitmodules_does_not_list_is_named(github: LocalGitHub, tmp_path: Path) -> None:
    """A blog's two theme links had no .gitmodules entry: GitHub's archive holds an empty folder for
    each, nothing fetched them, and the site went live in Presslift's theme without a word."""
    theme = github.add_commit(THEME, {"layouts/index.html": "theme"})
    tree = {"hugo.toml": "title = 'Blog'\n", "content/post/a.md": "# A\n"}
    sha = github.add_commit(SITE, tree, submodules={"themes/zen": theme, "themes/blueberry": theme})
    source, result = fetch_site(github, sha, tmp_path / "src")
    assert (source.root / "themes/zen").is_dir() and not any((source.root / "themes/zen").iterdir())
    assert result.done == []
    assert result.skipped == [
        f"themes/{name}: an empty folder, where the repository holds a submodule link that .gitmodules "
        "does not list (GitHub's archive leaves its files out); list it in .gitmodules (git submodule add "
        "URL PATH) or commit its files"
        for name in ("blueberry", "zen")
    ]
