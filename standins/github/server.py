"""A local stand-in for GitHub's API: repository tarballs and commit statuses over real HTTP.

`LocalGitHub` serves on 127.0.0.1 (a free port) a Flask app (`standins.github.api`) that answers as
GitHub does:

- `GET /repos/{o}/{r}/tarball/{ref}` → 302 to a codeload-like URL on the same server, which serves a
  gzip tarball whose single top folder is `{o}-{r}-{sha7}/` (and whose pax header holds the commit,
  as `git archive` writes it);
- private repositories: no token or a token without access → 404 `Not Found` (GitHub hides private
  repositories), an unknown token → 401 `Bad credentials`;
- `GET /repos/{o}/{r}/contents/{path}?ref=` with the raw media type → the file's bytes;
- `POST /repos/{o}/{r}/statuses/{sha}` → 201 and the status recorded (401 without a token, 422 for
  a bad state); `GET /repos/{o}/{r}/commits/{ref}/statuses` lists them, newest first.

Repositories are either in memory, set by tests (`add_commit`), or local git repositories served as
they are on disk (`add_git_repo`, `presslift up --github DIR`): a commit made there is served at once.
Tests set the repository state in memory (`add_commit`), make a repository slow (`set_delay`, for
"latest wins"), or serve hand-made archives (`set_tarball`, for extraction attacks). The webhook
deliveries GitHub would send are built by `standins.github.payloads`.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from chalicelib.github.webhook import NULL_SHA
from standins.github.api import Request, github_api
from standins.serving import Served, StandIn

HOST = "127.0.0.1"


@dataclass
class Status:
    repo: str
    sha: str
    state: str
    context: str
    description: str | None
    target_url: str | None
    id: int = 0
    created_at: str = ""


class GitSource(Protocol):
    """A local git repository served as it is on disk (`presslift.gitrepo.GitRepo`)."""

    def resolve(self, ref: str) -> str | None: ...
    def branch_head(self, branch: str) -> str | None: ...
    def has_commit(self, sha: str) -> bool: ...
    def file(self, sha: str, path: str) -> bytes | None: ...
    def tarball(self, sha: str, top: str) -> bytes: ...


@dataclass
class _Repo:
    owner: str
    name: str
    private: bool = False
    tokens: set[str] = field(default_factory=set)
    delay: float = 0.0
    commits: dict[str, dict[str, bytes]] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    raw_tarballs: dict[str, bytes] = field(default_factory=dict)
    commit_delays: dict[str, float] = field(default_factory=dict)
    git: GitSource | None = None

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


class LocalGitHub(StandIn):
    def __init__(self, host: str = HOST, port: int = 0, *, codeload_host: str | None = None) -> None:
        """`codeload_host` (say "localhost") makes the tarball redirect leave the API's host, as
        GitHub's does (api.github.com → codeload.github.com)."""
        self._codeload_host = codeload_host
        self._lock = threading.Lock()
        self._repos: dict[str, _Repo] = {}
        self._statuses: list[Status] = []
        self.requests: list[Request] = []
        self._codeload_tokens: dict[str, tuple[str, str]] = {}
        self._served = Served(github_api(self), host, port, name="local-github")

    # Life cycle.

    @property
    def codeload_url(self) -> str:
        if not self._codeload_host:
            return self.url
        return f"http://{self._codeload_host}:{self._served.port}"

    # Repository state.

    def add_repo(self, repo: str, *, private: bool = False, tokens: Iterable[str] = ()) -> None:
        """Create (or change) `repo`; a private one is readable only with one of `tokens`."""
        with self._lock:
            state = self._repo(repo, create=True)
            state.private = private
            state.tokens.update(tokens)

    def add_commit(self, repo: str, files: Mapping[str, bytes | str], *, branch: str = "main") -> str:
        """A new commit on `branch` holding exactly `files`; returns its 40-character SHA."""
        tree = {path: data.encode("utf-8") if isinstance(data, str) else data for path, data in files.items()}
        with self._lock:
            state = self._repo(repo, create=True)
            digest = hashlib.sha1(usedforsecurity=False)
            digest.update(state.branches.get(branch, NULL_SHA).encode())
            digest.update(str(len(state.commits)).encode())
            for path in sorted(tree):
                digest.update(
                    path.encode() + b"\0" + hashlib.sha1(tree[path], usedforsecurity=False).digest()
                )
            sha = digest.hexdigest()
            state.commits[sha] = tree
            state.branches[branch] = sha
        return sha

    def add_git_repo(self, repo: str, git: GitSource, *, tokens: Iterable[str] = ()) -> None:
        """Serve the local git repository `git` as public `repo` (`tokens` are accepted, not needed)."""
        with self._lock:
            state = self._repo(repo, create=True)
            state.git = git
            state.tokens.update(tokens)

    def set_tarball(self, repo: str, sha: str, archive: bytes) -> None:
        """Serve `archive` as-is for `sha` (hand-made archives for extraction tests)."""
        with self._lock:
            self._repo(repo, create=True).raw_tarballs[sha] = archive

    def set_delay(self, repo: str, seconds: float, *, sha: str | None = None) -> None:
        """Make tarball downloads of `repo` (or of one commit) take at least `seconds` (a slow fetch)."""
        with self._lock:
            state = self._repo(repo, create=True)
            if sha is None:
                state.delay = seconds
            else:
                state.commit_delays[sha] = seconds

    def statuses(self, repo: str, sha: str | None = None) -> list[Status]:
        """Statuses posted to `repo` (on `sha` if given), oldest first."""
        with self._lock:
            return [
                s for s in self._statuses if s.repo.lower() == repo.lower() and (sha is None or s.sha == sha)
            ]

    def _repo(self, repo: str, *, create: bool = False) -> _Repo:
        owner, _, name = repo.partition("/")
        key = repo.lower()
        if key not in self._repos:
            if not create:
                raise KeyError(repo)
            self._repos[key] = _Repo(owner, name)
        return self._repos[key]

    # What the handler asks.

    def _resolve(self, state: _Repo, ref: str) -> str | None:
        if state.git is not None:
            return state.git.resolve(ref)
        ref = ref.removeprefix("refs/heads/")
        if ref in state.branches:
            return state.branches[ref]
        known = list(state.commits) + list(state.raw_tarballs)
        if ref in known:
            return ref
        if len(ref) >= 7:
            matches = [sha for sha in known if sha.startswith(ref)]
            if len(matches) == 1:
                return matches[0]
        return None

    def _knows(self, state: _Repo, sha: str) -> bool:
        if state.git is not None:
            return state.git.has_commit(sha)
        return sha in state.commits or sha in state.raw_tarballs

    def _branch_head(self, state: _Repo, branch: str) -> str | None:
        return state.git.branch_head(branch) if state.git is not None else state.branches.get(branch)

    def _file(self, state: _Repo, ref: str, path: str) -> bytes | None:
        sha = self._resolve(state, ref)
        if state.git is not None:
            return state.git.file(sha, path) if sha else None
        return state.commits.get(sha or "", {}).get(path)

    def _archive(self, state: _Repo, sha: str) -> bytes:
        if sha in state.raw_tarballs:
            return state.raw_tarballs[sha]
        if state.git is not None:
            return state.git.tarball(sha, f"{state.owner}-{state.name}-{sha[:7]}")
        return build_tarball(f"{state.owner}-{state.name}-{sha[:7]}", state.commits[sha], commit=sha)

    def _record_status(self, repo: _Repo, sha: str, body: dict[str, Any]) -> Status:
        with self._lock:
            status = Status(
                repo=repo.full_name,
                sha=sha,
                state=body["state"],
                context=str(body.get("context") or "default"),
                description=body.get("description"),
                target_url=body.get("target_url"),
                id=len(self._statuses) + 1,
                created_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            )
            self._statuses.append(status)
        return status


def build_tarball(top: str, files: Mapping[str, bytes], *, commit: str | None = None) -> bytes:
    """A gzip tarball laid out as GitHub's: `top/` then every file below it, folders included."""
    buffer = io.BytesIO()
    pax = {"comment": commit} if commit else {}
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT, pax_headers=pax) as tar:
        folders = {top}
        for path in sorted(files):
            parts = path.split("/")
            for depth in range(1, len(parts)):
                folders.add("/".join([top, *parts[:depth]]))
        for folder in sorted(folders):
            info = tarfile.TarInfo(folder + "/")
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o775, 0
            tar.addfile(info)
        for path in sorted(files):
            info = tarfile.TarInfo(f"{top}/{path}")
            info.size, info.mode, info.mtime = len(files[path]), 0o664, 0
            tar.addfile(info, io.BytesIO(files[path]))
    return buffer.getvalue()
