"""A local stand-in for GitHub's API: repository tarballs and commit statuses over real HTTP.

`LocalGitHub` is a ThreadingHTTPServer on 127.0.0.1 (a free port) that answers as GitHub does:

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
deliveries GitHub would send are built by `presslift.githubpayloads`.

Runs on an operator's machine or in tests only; never imported by `chalicelib`.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import secrets
import sys
import tarfile
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from chalicelib.github.webhook import NULL_SHA
from presslift.gitrepo import GitRepo

HOST = "127.0.0.1"
STATES = ("pending", "success", "failure", "error")


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


@dataclass
class Request:
    """One request the server received, for tests to check what a client sent (header names lowercased)."""

    method: str
    path: str
    headers: dict[str, str]


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
    git: GitRepo | None = None

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


class LocalGitHub:
    def __init__(self, host: str = HOST, port: int = 0, *, codeload_host: str | None = None) -> None:
        """`codeload_host` (say "localhost") makes the tarball redirect leave the API's host, as
        GitHub's does (api.github.com → codeload.github.com)."""
        self._codeload_host = codeload_host
        self._lock = threading.Lock()
        self._repos: dict[str, _Repo] = {}
        self._statuses: list[Status] = []
        self.requests: list[Request] = []
        self._codeload_tokens: dict[str, tuple[str, str]] = {}
        self._server = _Server((host, port), _handler(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="local-github",
            daemon=True,
        )

    # Life cycle.

    @property
    def url(self) -> str:
        """The API base to use as PRESSLIFT_GITHUB_API."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def codeload_url(self) -> str:
        if not self._codeload_host:
            return self.url
        return f"http://{self._codeload_host}:{self._server.server_address[1]}"

    def start(self) -> LocalGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LocalGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

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

    def add_git_repo(self, repo: str, git: GitRepo, *, tokens: Iterable[str] = ()) -> None:
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


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that stops reading (a size cap, a timeout) is what some tests do on purpose.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


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


_TARBALL = re.compile(r"^/repos/([^/]+)/([^/]+)/tarball(?:/(.+))?$")
_CODELOAD = re.compile(r"^/_codeload/([^/]+)/([^/]+)/legacy\.tar\.gz/(.+)$")
_STATUSES = re.compile(r"^/repos/([^/]+)/([^/]+)/statuses/([0-9a-fA-F]+)$")
_CONTENTS = re.compile(r"^/repos/([^/]+)/([^/]+)/contents/(.+)$")
_BRANCH = re.compile(r"^/repos/([^/]+)/([^/]+)/branches/(.+)$")
_LIST_STATUSES = re.compile(r"^/repos/([^/]+)/([^/]+)/commits/([^/]+)/statuses$")


def _handler(github: LocalGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # tests read `github.requests` instead

        def do_GET(self) -> None:
            self._record()
            path = urlsplit(self.path).path
            if found := _TARBALL.match(path):
                self._tarball(*found.groups())
            elif found := _CODELOAD.match(path):
                self._codeload(*found.groups())
            elif found := _CONTENTS.match(path):
                self._contents(*found.groups())
            elif found := _LIST_STATUSES.match(path):
                self._list_statuses(*found.groups())
            elif found := _BRANCH.match(path):
                self._branch(*found.groups())
            else:
                self._json(404, {"message": "Not Found"})

        def do_POST(self) -> None:
            self._record()
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if found := _STATUSES.match(urlsplit(self.path).path):
                owner, name, sha = found.groups()
                self._post_status(owner, name, sha, raw)
            else:
                self._json(404, {"message": "Not Found"})

        def _record(self) -> None:
            with github._lock:
                github.requests.append(
                    Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
                )

        def _repo_for(self, owner: str, name: str) -> _Repo | None:
            """The repository if the caller may see it; otherwise answers as GitHub does and returns None."""
            token = _bearer(self.headers.get("Authorization"))
            with github._lock:
                state = github._repos.get(f"{owner}/{name}".lower())
                known_tokens = {t for repo in github._repos.values() for t in repo.tokens}
            if token is not None and token not in known_tokens:
                self._json(401, {"message": "Bad credentials", "status": "401"})
                return None
            if state is None or (state.private and token not in state.tokens):
                self._json(404, {"message": "Not Found", "status": "404"})
                return None
            return state

        def _tarball(self, owner: str, name: str, ref: str | None) -> None:
            state = self._repo_for(owner, name)
            if state is None:
                return
            with github._lock:
                sha = github._resolve(state, ref or "main")
            if sha is None:
                self._json(404, {"message": "Not Found", "status": "404"})
                return
            # Like codeload, the redirect carries its own short-lived token instead of the caller's.
            grant = secrets.token_urlsafe(12)
            with github._lock:
                github._codeload_tokens[grant] = (state.full_name.lower(), sha)
            self.send_response(302)
            location = f"{github.codeload_url}/_codeload/{owner}/{name}/legacy.tar.gz/{sha}?token={grant}"
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _codeload(self, owner: str, name: str, sha: str) -> None:
            grant = (parse_qs(urlsplit(self.path).query).get("token") or [""])[0]
            with github._lock:
                state = github._repos.get(f"{owner}/{name}".lower())
                allowed = github._codeload_tokens.get(grant) == (f"{owner}/{name}".lower(), sha)
            if state is None or (state.private and not allowed) or not github._knows(state, sha):
                self._json(404, {"message": "Not Found"})
                return
            delay = state.commit_delays.get(sha, state.delay)
            if delay:
                time.sleep(delay)
            with github._lock:
                archive = github._archive(state, sha)
            self.send_response(200)
            self.send_header("Content-Type", "application/x-gzip")
            self.send_header(
                "Content-Disposition", f"attachment; filename={state.owner}-{state.name}-{sha[:7]}.tar.gz"
            )
            self.send_header("Content-Length", str(len(archive)))
            self.end_headers()
            self.wfile.write(archive)

        def _branch(self, owner: str, name: str, branch: str) -> None:
            """`GET /repos/{o}/{r}/branches/{branch}`: the branch and its head commit, as GitHub answers."""
            state = self._repo_for(owner, name)
            if state is None:
                return
            branch = unquote(branch)
            with github._lock:
                sha = github._branch_head(state, branch)
            if sha is None:
                self._json(404, {"message": "Branch not found", "status": "404"})
                return
            self._json(200, {"name": branch, "commit": {"sha": sha}, "protected": False})

        def _contents(self, owner: str, name: str, path: str) -> None:
            """Answers with the raw media type only, which is all that Presslift asks for."""
            state = self._repo_for(owner, name)
            if state is None:
                return
            ref = (parse_qs(urlsplit(self.path).query).get("ref") or ["main"])[0]
            with github._lock:
                data = github._file(state, ref, unquote(path))
            if data is None:
                self._json(404, {"message": "Not Found", "status": "404"})
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/vnd.github.raw+json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _post_status(self, owner: str, name: str, sha: str, raw: bytes) -> None:
            if _bearer(self.headers.get("Authorization")) is None:
                self._json(401, {"message": "Requires authentication", "status": "401"})
                return
            state = self._repo_for(owner, name)
            if state is None:
                return
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                self._json(400, {"message": "Problems parsing JSON", "status": "400"})
                return
            if not isinstance(body, dict) or body.get("state") not in STATES:
                self._json(
                    422, {"message": "Validation Failed", "errors": [{"field": "state", "code": "invalid"}]}
                )
                return
            if len(str(body.get("description") or "")) > 140:
                self._json(422, {"message": "Validation Failed", "errors": [{"field": "description"}]})
                return
            with github._lock:
                known = github._knows(state, sha)
            if not known:
                self._json(422, {"message": f"No commit found for SHA: {sha}", "status": "422"})
                return
            status = github._record_status(state, sha, body)
            self._json(201, {**asdict(status), "url": f"{github.url}/repos/{state.full_name}/statuses/{sha}"})

        def _list_statuses(self, owner: str, name: str, ref: str) -> None:
            state = self._repo_for(owner, name)
            if state is None:
                return
            with github._lock:
                sha = github._resolve(state, ref)
            found = github.statuses(state.full_name, sha) if sha else []
            self._json(200, [asdict(s) for s in reversed(found)])

        def _json(self, code: int, body: Any) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() in ("bearer", "token") and value.strip() else None
