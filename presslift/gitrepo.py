"""Reading a local git repository with the `git` command: what the local GitHub serves from it (branch
heads, commits, files, tarballs) and what `presslift push` tells the pipeline about a commit.

Refs and paths come from HTTP requests and the command line: a ref that git could take for an option
or a range is refused before git sees it, and every git call names its repository with `-C`.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from chalicelib.github.webhook import NULL_SHA

#: What a branch name, tag or (abbreviated) commit may look like here: no option, range or revision
#: operator (`..`, `^`, `~`, `:`, `@{`), which `git check-ref-format` would also refuse.
_REF = re.compile(r"^(?!-)(?!.*\.\.)(?!.*@\{)[A-Za-z0-9._/-]{1,200}$")
_SHA = re.compile(r"^[0-9a-f]{40}$")
#: GitHub's repository names: letters, digits, `.`, `-` and `_`.
_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class GitError(RuntimeError):
    """A git command failed or a folder is not a repository; the message says which and why."""


@dataclass(frozen=True)
class Change:
    """What a push says about a commit: its parent, the paths it touched, its message and author."""

    sha: str
    parent: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    message: str = ""
    author: str = ""


def is_ref_name(ref: str) -> bool:
    """Whether `ref` may name a branch or tag here (git could not take it for an option or a range)."""
    return bool(_REF.match(ref))


def github_name(folder: Path) -> str:
    """The repository name GitHub would accept for a folder's name (other characters become `-`)."""
    name = _NAME.sub("-", folder.name).strip("-.") or "repo"
    return name[:100]


def is_repository(folder: Path) -> bool:
    return (folder / ".git").exists() or ((folder / "HEAD").is_file() and (folder / "objects").is_dir())


class GitRepo:
    def __init__(self, path: Path) -> None:
        self.path = path.resolve()
        if not is_repository(self.path):
            raise GitError(f"{path} is not a git repository (no .git in it)")

    def _git(self, *args: str, text: bool = True) -> str | bytes | None:
        result = subprocess.run(
            ["git", "-C", str(self.path), *args], capture_output=True, text=text, check=False, timeout=120
        )
        if result.returncode != 0:
            return None
        out: str | bytes = result.stdout
        return out

    def _text(self, *args: str) -> str | None:
        out = self._git(*args)
        return out.strip() if isinstance(out, str) else None

    def resolve(self, ref: str) -> str | None:
        """The commit `ref` names (a branch, a tag, a full or abbreviated SHA), or None."""
        ref = ref.removeprefix("refs/heads/")
        if not _REF.match(ref):
            return None
        for candidate in (f"refs/heads/{ref}", ref):
            sha = self._text(
                "rev-parse", "--verify", "--quiet", "--end-of-options", f"{candidate}^{{commit}}"
            )
            if sha and _SHA.match(sha):
                return sha
        return None

    def revision(self, revision: str) -> str | None:
        """The commit an operator's revision names (`HEAD~1`, a tag, a SHA): for the command line only;
        what arrives over HTTP goes through `resolve`."""
        if not revision or revision.startswith("-"):
            return None
        sha = self._text("rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
        return sha if sha and _SHA.match(sha) else None

    def branch_head(self, branch: str) -> str | None:
        if not _REF.match(branch):
            return None
        sha = self._text(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"refs/heads/{branch}^{{commit}}"
        )
        return sha if sha and _SHA.match(sha) else None

    def current_branch(self) -> str | None:
        """The branch checked out in the repository (None when HEAD is detached)."""
        branch = self._text("symbolic-ref", "--quiet", "--short", "HEAD")
        return branch if branch and _REF.match(branch) else None

    def has_commit(self, sha: str) -> bool:
        return bool(_SHA.match(sha)) and self.resolve(sha) == sha

    def file(self, sha: str, path: str) -> bytes | None:
        """The bytes of `path` at commit `sha`, or None if it has no such file."""
        if not _SHA.match(sha) or not path or path.startswith("/") or ".." in path.split("/"):
            return None
        out = self._git("cat-file", "blob", f"{sha}:{path}", text=False)
        return out if isinstance(out, bytes) else None

    def tags(self) -> dict[str, str]:
        """Each tag's name and the commit it names."""
        out = self._text(
            "for-each-ref", "--format=%(refname:short) %(objectname) %(*objectname)", "refs/tags"
        )
        tags: dict[str, str] = {}
        for line in (out or "").splitlines():
            name, sha, *peeled = line.split()
            tags[name] = peeled[0] if peeled else sha  # an annotated tag names its commit when peeled
        return tags

    def submodule(self, sha: str, path: str) -> str | None:
        """The commit the tree of `sha` pins at `path` when it is a submodule (a gitlink), else None."""
        if not _SHA.match(sha) or not path or path.startswith("/") or ".." in path.split("/"):
            return None
        out = self._text("ls-tree", sha, "--", path)
        fields = out.split(None, 3) if out else []
        if len(fields) == 4 and fields[0] == "160000" and fields[1] == "commit" and fields[3] == path:
            return fields[2]
        return None

    def tarball(self, sha: str, top: str) -> bytes:
        """A gzip tarball of commit `sha` under `top/`, as GitHub's (`git archive` writes the commit id
        in the pax header, as GitHub's archives carry it)."""
        out = self._git("archive", "--format=tar.gz", f"--prefix={top}/", sha, text=False)
        if not isinstance(out, bytes):
            raise GitError(f"git archive of {sha} in {self.path} failed")
        return out

    def change(self, sha: str) -> Change:
        """What a push of `sha` (onto its first parent) would report."""
        parent = self._text("rev-parse", "--verify", "--quiet", f"{sha}^1") or NULL_SHA
        against = ["--root", sha] if parent == NULL_SHA else [parent, sha]
        listing = self._text("diff-tree", "-r", "--no-commit-id", "--name-status", "--no-renames", *against)
        added: list[str] = []
        removed: list[str] = []
        modified: list[str] = []
        for line in (listing or "").splitlines():
            status, _, path = line.partition("\t")
            {"A": added, "D": removed}.get(status[:1], modified).append(path)
        return Change(
            sha=sha,
            parent=parent,
            added=added,
            removed=removed,
            modified=modified,
            message=self._text("log", "-1", "--format=%B", sha) or "",
            author=self._text("log", "-1", "--format=%an", sha) or "",
        )


def repositories(folder: Path, owner: str = "local") -> dict[str, GitRepo]:
    """The git repositories `folder` is or holds (one level down), as `owner/name` -> repository."""
    if not folder.is_dir():
        raise GitError(f"{folder} is not a folder")
    if is_repository(folder):
        return {f"{owner}/{github_name(folder)}": GitRepo(folder)}
    found = {
        f"{owner}/{github_name(child)}": GitRepo(child)
        for child in sorted(folder.iterdir())
        if child.is_dir() and is_repository(child)
    }
    if not found:
        raise GitError(f"{folder} is not a git repository and holds none (looked one level down)")
    return found
