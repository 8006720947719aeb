"""GitHub's REST API as `LocalGitHub` speaks it: the routes, the answers and their headers, as a Flask app.

Errors are GitHub's JSON (`{"message": "Not Found"}` ...), also for paths and methods it does not
serve. Private repositories are hidden (404) from callers without one of their tokens, and an unknown
token is `Bad credentials` (401), as on github.com.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, abort, request
from werkzeug.exceptions import HTTPException

from standins.serving import raw_target

if TYPE_CHECKING:
    from standins.github.server import LocalGitHub, Status, _Repo

STATES = ("pending", "success", "failure", "error")
REPO = "/repos/<owner>/<name>"


@dataclass
class Request:
    """One request the server received, for tests to check what a client sent (header names lowercased)."""

    method: str
    path: str
    headers: dict[str, str]


def github_api(github: LocalGitHub) -> Flask:
    app = Flask("standins.github")

    @app.before_request
    def record() -> None:
        headers = {key.lower(): value for key, value in request.headers.items()}
        with github._lock:
            github.requests.append(Request(request.method, raw_target(request.environ), headers))

    @app.errorhandler(HTTPException)
    def not_served(exc: HTTPException) -> Response:
        """GitHub's answer that ended a request early (`abort`); 404 for what GitHub does not serve."""
        if isinstance(exc.response, Response):
            return exc.response
        return _json(404, {"message": "Not Found"})

    def repo_for(owner: str, name: str) -> _Repo:
        """The repository if the caller may see it; otherwise the request ends with GitHub's answer."""
        token = _bearer(request.headers.get("Authorization"))
        with github._lock:
            state = github._repos.get(f"{owner}/{name}".lower())
            known = token is None or github.may_use(token)
            readable = state is not None and github.may_read(state, token)
        if not known:
            abort(_json(401, {"message": "Bad credentials", "status": "401"}))
        if state is None or not readable:
            abort(_json(404, {"message": "Not Found", "status": "404"}))
        return state

    @app.get(f"{REPO}/tarball", defaults={"ref": None})
    @app.get(f"{REPO}/tarball/<path:ref>")
    def tarball(owner: str, name: str, ref: str | None) -> Response:
        state = repo_for(owner, name)
        with github._lock:
            sha = github._resolve(state, ref or "main")
        if sha is None:
            return _json(404, {"message": "Not Found", "status": "404"})
        # Like codeload, the redirect carries its own short-lived token instead of the caller's.
        grant = secrets.token_urlsafe(12)
        with github._lock:
            github._codeload_tokens[grant] = (state.full_name.lower(), sha)
        location = f"{github.codeload_url}/_codeload/{owner}/{name}/legacy.tar.gz/{sha}?token={grant}"
        return Response(b"", status=302, headers={"Location": location})

    @app.get("/_codeload/<owner>/<name>/legacy.tar.gz/<path:sha>")
    def codeload(owner: str, name: str, sha: str) -> Response:
        grant = request.args.get("token", "")
        with github._lock:
            state = github._repos.get(f"{owner}/{name}".lower())
            allowed = github._codeload_tokens.get(grant) == (f"{owner}/{name}".lower(), sha)
        if state is None or (state.private and not allowed) or not github._knows(state, sha):
            return _json(404, {"message": "Not Found"})
        delay = state.commit_delays.get(sha, state.delay)
        if delay:
            time.sleep(delay)
        with github._lock:
            archive = github._archive(state, sha)
        disposition = f"attachment; filename={state.owner}-{state.name}-{sha[:7]}.tar.gz"
        return Response(
            archive, content_type="application/x-gzip", headers={"Content-Disposition": disposition}
        )

    @app.get(REPO)
    def repository(owner: str, name: str) -> Response:
        """The repository, with what Presslift reads of it (its default branch)."""
        state = repo_for(owner, name)
        with github._lock:
            branch = github._default_branch(state)
        body = {"name": state.name, "full_name": state.full_name, "private": state.private}
        return _json(200, {**body, "default_branch": branch})

    @app.get(f"{REPO}/tags")
    def tags(owner: str, name: str) -> Response:
        """The repository's tags, newest name first, one page of `per_page` (GitHub's cap: 100)."""
        state = repo_for(owner, name)
        with github._lock:
            found = github._tags(state)
        per_page = max(1, min(100, request.args.get("per_page", 30, type=int) or 30))
        listed = sorted(found.items(), reverse=True)[:per_page]
        return _json(200, [{"name": tag, "commit": {"sha": sha}} for tag, sha in listed])

    @app.get(f"{REPO}/branches/<path:branch>")
    def branch(owner: str, name: str, branch: str) -> Response:
        """The branch and its head commit, as GitHub answers."""
        state = repo_for(owner, name)
        with github._lock:
            sha = github._branch_head(state, branch)
        if sha is None:
            return _json(404, {"message": "Branch not found", "status": "404"})
        return _json(200, {"name": branch, "commit": {"sha": sha}, "protected": False})

    @app.get(f"{REPO}/contents/<path:path>")
    def contents(owner: str, name: str, path: str) -> Response:
        """A file raw (`Accept: application/vnd.github.raw+json`) or as GitHub's object, and a submodule
        as GitHub's `type: submodule` object with the commit it is pinned to. Folders are not served."""
        state = repo_for(owner, name)
        ref = request.args.get("ref", "main")
        with github._lock:
            data = github._file(state, ref, path)
            pinned = github._submodule(state, ref, path) if data is None else None
            listing = github._file(state, ref, ".gitmodules") if pinned else None
        if pinned is not None:
            return _json(
                200, contents_object(state, path, "submodule", pinned, url=_gitmodules_url(listing, path))
            )
        if data is None:
            return _json(404, {"message": "Not Found", "status": "404"})
        if "raw" in request.headers.get("Accept", ""):
            return Response(data, content_type="application/vnd.github.raw+json; charset=utf-8")
        blob = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
        answer = contents_object(state, path, "file", blob, size=len(data))
        return _json(200, {**answer, "encoding": "base64", "content": base64.encodebytes(data).decode()})

    @app.post(f"{REPO}/statuses/<sha>")
    def post_status(owner: str, name: str, sha: str) -> Response:
        if not sha or any(c not in "0123456789abcdefABCDEF" for c in sha):
            return _json(404, {"message": "Not Found"})
        if _bearer(request.headers.get("Authorization")) is None:
            return _json(401, {"message": "Requires authentication", "status": "401"})
        state = repo_for(owner, name)
        try:
            body = json.loads(request.get_data() or b"{}")
        except ValueError:
            return _json(400, {"message": "Problems parsing JSON", "status": "400"})
        if not isinstance(body, dict) or body.get("state") not in STATES:
            invalid = {"message": "Validation Failed", "errors": [{"field": "state", "code": "invalid"}]}
            return _json(422, invalid)
        if len(str(body.get("description") or "")) > 140:
            return _json(422, {"message": "Validation Failed", "errors": [{"field": "description"}]})
        with github._lock:
            known = github._knows(state, sha)
        if not known:
            return _json(422, {"message": f"No commit found for SHA: {sha}", "status": "422"})
        status = github._record_status(state, sha, body)
        return _json(201, {**asdict(status), "url": f"{github.url}/repos/{state.full_name}/statuses/{sha}"})

    @app.get(f"{REPO}/commits/<ref>/statuses")
    def list_statuses(owner: str, name: str, ref: str) -> Response:
        state = repo_for(owner, name)
        with github._lock:
            sha = github._resolve(state, ref)
        found = github.statuses(state.full_name, sha) if sha else []
        return _json(200, [asdict(s) for s in reversed(found)])

    @app.get(f"{REPO}/commits/<path:ref>/status")
    def combined_status(owner: str, name: str, ref: str) -> Response:
        """The newest status of each context and their combined state, as GitHub combines them."""
        state = repo_for(owner, name)
        with github._lock:
            sha = github._resolve(state, ref)
        if sha is None:
            return _json(422, {"message": f"No commit found for SHA: {ref}", "status": "422"})
        newest: dict[str, Status] = {}
        for status in reversed(github.statuses(state.full_name, sha)):
            newest.setdefault(status.context, status)
        states = {s.state for s in newest.values()}
        combined = (
            "failure"
            if states & {"failure", "error"}
            else "pending"
            if not states or "pending" in states
            else "success"
        )
        body = {
            "state": combined,
            "statuses": [asdict(s) for s in newest.values()],
            "sha": sha,
            "total_count": len(newest),
            "repository": {"full_name": state.full_name},
            "commit_url": f"{github.url}/repos/{state.full_name}/commits/{sha}",
            "url": f"{github.url}/repos/{state.full_name}/commits/{sha}/status",
        }
        return _json(200, body)

    from standins.github.pullroutes import add_pull_routes

    add_pull_routes(app, github, repo_for)
    from standins.github.lfsroutes import add_lfs_routes

    add_lfs_routes(app, github)
    return app


def contents_object(
    state: _Repo, path: str, kind: str, sha: str, *, size: int = 0, url: str = ""
) -> dict[str, Any]:
    """GitHub's contents object for `path` (a file or a submodule), with its links."""
    base = f"{request.host_url.rstrip('/')}/repos/{state.full_name}"
    answer: dict[str, Any] = {
        "type": kind,
        "size": size,
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": sha,
        "url": f"{base}/contents/{path}",
        "git_url": f"{base}/git/{'trees' if kind == 'submodule' else 'blobs'}/{sha}",
        "html_url": None,
        "download_url": None,
    }
    if kind == "submodule":
        answer["submodule_git_url"] = url
    answer["_links"] = {"self": answer["url"], "git": answer["git_url"], "html": None}
    return answer


def _gitmodules_url(listing: bytes | None, path: str) -> str:
    """The url .gitmodules gives the submodule at `path` ("" when it names none)."""
    sections: list[dict[str, str]] = []
    for line in (listing or b"").decode("utf-8", "replace").splitlines():
        if line.strip().startswith("["):
            sections.append({})
        elif "=" in line and sections:
            key, _, value = line.partition("=")
            sections[-1][key.strip().lower()] = value.strip().strip('"')
    return next((section.get("url", "") for section in sections if section.get("path") == path), "")


def _json(code: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body), status=code, content_type="application/json; charset=utf-8", headers=headers
    )


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() in ("bearer", "token") and value.strip() else None
