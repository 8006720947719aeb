"""Git LFS as GitHub serves it: the batch API at `/<owner>/<name>.git/info/lfs/objects/batch` (HTTP
Basic auth, the token as password; anonymous for public repositories) answering download actions
whose `href` and `header` the client must use as given, and the objects behind those links."""

from __future__ import annotations

import base64
import json
import secrets
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, request

if TYPE_CHECKING:
    from standins.github.server import LocalGitHub

LFS_JSON = "application/vnd.git-lfs+json"


def add_lfs_routes(app: Flask, github: LocalGitHub) -> None:
    @app.post("/<owner>/<repo_git>/info/lfs/objects/batch")
    def batch(owner: str, repo_git: str) -> Response:
        if not repo_git.endswith(".git"):
            return _lfs(404, {"message": "Not Found"})
        if LFS_JSON not in request.headers.get("Accept", ""):
            return _lfs(406, {"message": f"Accept must be {LFS_JSON}"})
        token = _basic_password(request.headers.get("Authorization", ""))
        with github._lock:
            state = github._repos.get(f"{owner}/{repo_git.removesuffix('.git')}".lower())
            readable = state is not None and github.may_read(state, token)
        if token is not None and not github.may_use(token):
            return _lfs(401, {"message": "Bad credentials"})
        if state is None or not readable:
            return _lfs(404, {"message": "Repository not found"})
        body = request.get_json(force=True, silent=True)
        if (
            not isinstance(body, dict)
            or body.get("operation") != "download"
            or not isinstance(body.get("objects"), list)
        ):
            return _lfs(422, {"message": "operation download and a list of objects are required"})
        answered: list[dict[str, Any]] = []
        for wanted in body["objects"]:
            oid, size = wanted.get("oid"), wanted.get("size")
            with github._lock:
                data = state.lfs.get(oid) if isinstance(oid, str) else None
                grant = secrets.token_urlsafe(12)
                github._lfs_grants[grant] = (state.full_name.lower(), str(oid))
            if data is None or len(data) != size:
                answered.append(
                    {"oid": oid, "size": size, "error": {"code": 404, "message": "Object does not exist"}}
                )
                continue
            href = f"{github.codeload_url}/_lfs/{state.owner}/{state.name}/{oid}"
            download = {"href": href, "header": {"Authorization": f"RemoteAuth {grant}"}, "expires_in": 3600}
            answered.append(
                {"oid": oid, "size": size, "authenticated": True, "actions": {"download": download}}
            )
        return _lfs(200, {"transfer": "basic", "objects": answered, "hash_algo": "sha256"})

    @app.get("/_lfs/<owner>/<name>/<oid>")
    def lfs_object(owner: str, name: str, oid: str) -> Response:
        grant = request.headers.get("Authorization", "").removeprefix("RemoteAuth ")
        with github._lock:
            allowed = github._lfs_grants.get(grant) == (f"{owner}/{name}".lower(), oid)
            state = github._repos.get(f"{owner}/{name}".lower())
            data = state.lfs.get(oid) if state is not None else None
        if not allowed or data is None:
            return Response(
                b"<Error><Code>AccessDenied</Code></Error>", status=403, content_type="application/xml"
            )
        return Response(data, content_type="application/octet-stream")


def _basic_password(header: str) -> str | None:
    if not header.startswith("Basic "):
        return None
    try:
        _, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return None
    return password or None


def _lfs(code: int, body: Any) -> Response:
    return Response(json.dumps(body), status=code, content_type=LFS_JSON)
