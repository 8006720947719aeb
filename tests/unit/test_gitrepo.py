"""Reading a local git repository for the local GitHub and `presslift push`: refs from HTTP requests
are refused before git sees an option or a range; a push reports the commit's parent and its changes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from chalicelib.github.webhook import NULL_SHA
from presslift.gitrepo import GitError, GitRepo, github_name, repositories


def _git(repo: Path, *args: str) -> str:
    command = ["git", "-C", str(repo), "-c", "user.name=Jo Bloggs", "-c", "user.email=jo@example.org", *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "My Site!"
    folder.mkdir()
    _git(folder, "init", "-q", "-b", "main")
    (folder / "a.md").write_text("one\n")
    (folder / "gone.md").write_text("bye\n")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "first")
    (folder / "a.md").write_text("two\n")
    (folder / "b.md").write_text("new\n")
    (folder / "gone.md").unlink()
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "second\n\nwith a body")
    return folder


def test_a_commit_reports_its_parent_and_changes(repo):
    git = GitRepo(repo)
    head = git.branch_head("main")
    assert head and git.resolve("main") == head and git.resolve(head[:8]) == head
    change = git.change(head)
    assert change.parent == git.revision("HEAD~1")
    assert (change.added, change.removed, change.modified) == (["b.md"], ["gone.md"], ["a.md"])
    assert change.message.startswith("second") and change.author == "Jo Bloggs"
    assert git.change(change.parent).parent == NULL_SHA
    assert git.file(head, "a.md") == b"two\n" and git.file(head, "gone.md") is None


@pytest.mark.parametrize(
    "ref", ["--output=/tmp/x", "-h", "main..HEAD", "HEAD~1", "main^", "HEAD@{1}", "a:b", ""]
)
def test_refs_from_requests_that_git_would_read_as_options_or_ranges_are_refused(repo, ref):
    assert GitRepo(repo).resolve(ref) is None


def test_files_outside_the_tree_are_not_served(repo):
    git = GitRepo(repo)
    head = git.branch_head("main") or ""
    assert git.file(head, "../a.md") is None and git.file(head, "/etc/passwd") is None


def test_a_folder_of_repositories_is_named_as_github_would(repo, tmp_path):
    (tmp_path / "not-a-repo").mkdir()
    assert github_name(repo) == "My-Site"
    assert list(repositories(tmp_path)) == ["local/My-Site"]
    assert list(repositories(repo)) == ["local/My-Site"]
    with pytest.raises(GitError, match="holds none"):
        repositories(tmp_path / "not-a-repo")
