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
  a bad state); `GET /repos/{o}/{r}/commits/{ref}/statuses` lists them, newest first, and
  `.../commits/{ref}/status` combines the newest of each context;
- pull requests and their issue comments (`standins.github.pullroutes`): open, read, list (paged with a
  `Link` header), close and reopen; comments listed, created, edited and deleted. A pull request
  follows its head branch; `refs/pull/{n}/head` names its head commit in the base repository.

Writes need a token: a repository's own, or `operator_token` (accepted for every repository, for the
operator's `presslift pr`).

Repositories are either in memory, set by tests (`add_commit`), or local git repositories served as
they are on disk (`add_git_repo`, `presslift up --github DIR`): a commit made there is served at once.
Tests set the repository state in memory (`add_commit`), make a repository slow (`set_delay`, for
"latest wins"), or serve hand-made archives (`set_tarball`, for extraction attacks). The webhook
deliveries GitHub would send are built by `standins.github.payloads`.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import tarfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from chalicelib.github.webhook import NULL_SHA
from standins.github.api import Request, github_api
from standins.github.pulls import Comment, PullRequest, now, pull_json
from standins.serving import Served, StandIn

HOST = "127.0.0.1"
#: The refs GitHub keeps in the base repository for a pull request's head.
_PULL_REF = re.compile(r"^(?:refs/)?pull/([1-9][0-9]{0,8})/head$")
#: Who a token belongs to when nobody said (`set_login`).
DEFAULT_LOGIN = "octocat"


class Invalid(ValueError):
    """A request GitHub would refuse with 422 `Validation Failed`; `errors` are GitHub's error objects."""

    def __init__(self, errors: list[dict[str, str]], message: str = "Validation Failed") -> None:
        super().__init__(message)
        self.message, self.errors = message, errors


def custom(resource: str, message: str) -> Invalid:
    return Invalid([{"resource": resource, "code": "custom", "message": message}])


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
    def submodule(self, sha: str, path: str) -> str | None: ...
    def tags(self) -> dict[str, str]: ...
    def current_branch(self) -> str | None: ...
    def tarball(self, sha: str, top: str) -> bytes: ...


@dataclass
class _Repo:
    owner: str
    name: str
    private: bool = False
    tokens: set[str] = field(default_factory=set)
    delay: float = 0.0
    commits: dict[str, dict[str, bytes]] = field(default_factory=dict)
    #: Per commit, its submodules: path -> the commit pinned there (a gitlink: an empty folder in tarballs).
    gitlinks: dict[str, dict[str, str]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)  # name -> commit, for commits made here
    lfs: dict[str, bytes] = field(default_factory=dict)  # Git LFS objects by sha256
    branches: dict[str, str] = field(default_factory=dict)
    raw_tarballs: dict[str, bytes] = field(default_factory=dict)
    commit_delays: dict[str, float] = field(default_factory=dict)
    git: GitSource | None = None
    pulls: dict[int, PullRequest] = field(default_factory=dict)

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
        self._lfs_grants: dict[str, tuple[str, str]] = {}  # a download's grant -> (repository, oid)
        self._comments: dict[int, Comment] = {}
        self._ids = 0
        #: Accepted for every repository, reads and writes: what `presslift pr` authenticates with.
        self.operator_token = secrets.token_urlsafe(24)
        self._logins: dict[str, str] = {self.operator_token: "local"}
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

    def add_commit(
        self,
        repo: str,
        files: Mapping[str, bytes | str],
        *,
        branch: str = "main",
        submodules: Mapping[str, str] | None = None,
    ) -> str:
        """A new commit on `branch` holding exactly `files`, and `submodules` (path: the commit pinned
        there; name them in a `.gitmodules` of `files` too, as git does); returns its 40-character SHA."""
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
            for path, pinned in sorted((submodules or {}).items()):
                digest.update(f"{path}\0{pinned}".encode())
            sha = digest.hexdigest()
            state.commits[sha] = tree
            state.gitlinks[sha] = dict(submodules or {})
            state.branches[branch] = sha
        return sha

    def add_lfs_object(self, repo: str, data: bytes) -> bytes:
        """Store `data` as a Git LFS object of `repo`; the pointer file a commit holds in its place."""
        oid = hashlib.sha256(data).hexdigest()
        with self._lock:
            self._repo(repo, create=True).lfs[oid] = data
        return f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {len(data)}\n".encode()

    def add_tag(self, repo: str, name: str, sha: str) -> None:
        """Tag commit `sha` of `repo` (made with `add_commit`) as `name`."""
        with self._lock:
            self._repo(repo).tags[name] = sha

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

    def set_login(self, token: str, login: str) -> None:
        """Make `token` belong to `login`: the `user` of what is created with it (default: octocat)."""
        with self._lock:
            self._logins[token] = login

    def login_for(self, token: str | None) -> str:
        return self._logins.get(token or "", DEFAULT_LOGIN)

    def may_use(self, token: str) -> bool:
        """Whether `token` is one GitHub would know (else: 401 Bad credentials)."""
        return token == self.operator_token or any(token in r.tokens for r in self._repos.values())

    def may_read(self, state: _Repo, token: str | None) -> bool:
        return not state.private or token == self.operator_token or token in state.tokens

    # Pull requests and their comments.

    def open_pull_request(
        self,
        repo: str,
        head_branch: str,
        base: str = "main",
        *,
        title: str = "",
        body: str = "",
        fork_owner: str | None = None,
        user: str | None = None,
    ) -> int:
        """Open a pull request from `head_branch` (of the fork `fork_owner`'s copy, if given: its commits
        still come from this repository) into `base`; its number. `Invalid` as GitHub's 422."""
        with self._lock:
            pr = self._open(
                self._repo(repo),
                head_branch,
                base,
                title or head_branch,
                body,
                fork_owner,
                user or fork_owner,
            )
        return pr.number

    def close_pull_request(self, repo: str, number: int, *, merged: bool = False) -> None:
        with self._lock:
            self._pull(self._repo(repo), number).close(merged=merged)

    def reopen_pull_request(self, repo: str, number: int) -> None:
        with self._lock:
            self._reopen(self._repo(repo), self._pull(self._repo(repo), number))

    def pull_request(self, repo: str, number: int) -> dict[str, Any]:
        """The pull request as `GET /repos/{o}/{r}/pulls/{n}` answers it (KeyError if there is none)."""
        with self._lock:
            state = self._repo(repo)
            return self._pull_json(state, self._pull(state, number))

    def comments(self, repo: str, number: int) -> list[Comment]:
        """The comments on pull request `number` of `repo`, oldest first."""
        with self._lock:
            return [
                c for c in self._comments.values() if c.repo.lower() == repo.lower() and c.number == number
            ]

    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    def _pull(self, state: _Repo, number: int) -> PullRequest:
        return state.pulls[number]

    def _pull_head(self, state: _Repo, pr: PullRequest) -> str:
        """The head commit: the branch's head while the pull request is open (kept if it is deleted)."""
        if pr.state == "open":
            pr.head_sha = self._branch_head(state, pr.head) or pr.head_sha
        return pr.head_sha

    def _pull_json(self, state: _Repo, pr: PullRequest) -> dict[str, Any]:
        head = self._pull_head(state, pr)
        base = self._branch_head(state, pr.base)
        return pull_json(self.url, pr, head_sha=head, base_sha=base, private=state.private)

    def _open(
        self,
        state: _Repo,
        head: str,
        base: str,
        title: str,
        body: str,
        fork_owner: str | None,
        user: str | None,
    ) -> PullRequest:
        head_sha = self._branch_head(state, head)
        base_sha = self._branch_head(state, base)
        if base_sha is None:
            raise Invalid([{"resource": "PullRequest", "field": "base", "code": "invalid"}])
        if head_sha is None:
            raise Invalid([{"resource": "PullRequest", "field": "head", "code": "invalid"}])
        if (fork_owner is None and head == base) or head_sha == base_sha:
            raise custom("PullRequest", f"No commits between {base} and {head}")
        pr = PullRequest(
            repo=state.full_name,
            number=len(state.pulls) + 1,
            id=0,
            title=title,
            body=body,
            head=head,
            base=base,
            user=user or state.owner,
            head_sha=head_sha,
            fork_owner=fork_owner if fork_owner and fork_owner.lower() != state.owner.lower() else None,
        )
        self._refuse_duplicate(state, pr)
        pr.id = self._next_id()
        pr.created_at = pr.updated_at = now()
        state.pulls[pr.number] = pr
        return pr

    def _refuse_duplicate(self, state: _Repo, pr: PullRequest) -> None:
        for other in state.pulls.values():
            same = (other.head_label.lower(), other.base) == (pr.head_label.lower(), pr.base)
            if other is not pr and other.state == "open" and same:
                raise custom("PullRequest", f"A pull request already exists for {pr.head_label}.")

    def _reopen(self, state: _Repo, pr: PullRequest) -> None:
        if pr.state == "open":
            return
        if self._branch_head(state, pr.head) is None:
            raise custom("PullRequest", f"state cannot be changed. The {pr.head} branch has been deleted.")
        self._refuse_duplicate(state, pr)
        pr.reopen()

    def _add_comment(self, state: _Repo, number: int, body: str, user: str) -> Comment:
        stamp = now()
        comment = Comment(self._next_id(), state.full_name, number, body, user, stamp, stamp)
        self._comments[comment.id] = comment
        return comment

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
        pull = _PULL_REF.match(ref)
        if pull:
            pr = state.pulls.get(int(pull.group(1)))
            return self._pull_head(state, pr) if pr else None
        if state.git is not None:
            return state.git.resolve(ref)
        ref = ref.removeprefix("refs/heads/")
        if ref in state.branches:
            return state.branches[ref]
        if ref.removeprefix("refs/tags/") in state.tags:
            return state.tags[ref.removeprefix("refs/tags/")]
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

    def _tags(self, state: _Repo) -> dict[str, str]:
        return state.git.tags() if state.git is not None else dict(state.tags)

    def _default_branch(self, state: _Repo) -> str:
        if state.git is not None:
            return state.git.current_branch() or "main"
        return "main" if "main" in state.branches or not state.branches else next(iter(state.branches))

    def _branch_head(self, state: _Repo, branch: str) -> str | None:
        return state.git.branch_head(branch) if state.git is not None else state.branches.get(branch)

    def _file(self, state: _Repo, ref: str, path: str) -> bytes | None:
        sha = self._resolve(state, ref)
        if state.git is not None:
            return state.git.file(sha, path) if sha else None
        return state.commits.get(sha or "", {}).get(path)

    def _submodule(self, state: _Repo, ref: str, path: str) -> str | None:
        sha = self._resolve(state, ref)
        if state.git is not None:
            return state.git.submodule(sha, path) if sha else None
        return state.gitlinks.get(sha or "", {}).get(path)

    def _archive(self, state: _Repo, sha: str) -> bytes:
        if sha in state.raw_tarballs:
            return state.raw_tarballs[sha]
        if state.git is not None:
            return state.git.tarball(sha, f"{state.owner}-{state.name}-{sha[:7]}")
        links = state.gitlinks.get(sha, {})
        return build_tarball(
            f"{state.owner}-{state.name}-{sha[:7]}", state.commits[sha], commit=sha, links=links
        )

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


def build_tarball(
    top: str, files: Mapping[str, bytes], *, commit: str | None = None, links: Iterable[str] = ()
) -> bytes:
    """A gzip tarball laid out as GitHub's: `top/` then every file below it, folders included, and each
    submodule link (`links`) an empty folder, as `git archive` writes a gitlink. Deflated
    at gzip's default level 6, as `git archive` (GitHub's archives; its tar.gz runs `gzip -cn`) does:
    tarfile's own default, level 9, made the stand-in spend seconds of the caller's CPU on a large
    repository."""
    buffer = io.BytesIO()
    pax = {"comment": commit} if commit else {}
    with tarfile.open(
        fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT, pax_headers=pax, compresslevel=6
    ) as tar:
        # A path can hold a file or a link, not both (a test may pin a link where a file is: left out).
        links = [link for link in links if not any(link == f or link.startswith(f"{f}/") for f in files)]
        folders = {top, *(f"{top}/{link}" for link in links)}
        for path in [*files, *links]:
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
