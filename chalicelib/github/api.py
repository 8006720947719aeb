"""Talking to GitHub's REST API with the standard library only (the Lambda package stays small).

One opener for every call: GitHub's headers (`Accept`, `X-GitHub-Api-Version`, a User-Agent, the
token as `Authorization: Bearer`), redirects followed (the tarball endpoint answers 302 to codeload)
but the token dropped when a redirect leaves the API's host, and HTTP errors mapped to the pipeline's
errors: 401 → UnauthorizedError, 404 → NotFoundError, other 4xx → InputError; 403/429 rate limits and
5xx raise `GitHubUnavailable`, which is not a PipelineError, so the stage is retried.

Never: log or put a token, or a redirect URL (codeload's carry one), in a message.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import IO, Any
from urllib.parse import urlsplit

from chalicelib.errors import InputError, NotFoundError, UnauthorizedError

API_ENV = "PRESSLIFT_GITHUB_API"
DEFAULT_API = "https://api.github.com"
API_VERSION = "2022-11-28"
USER_AGENT = "presslift (+https://github.com/presslift)"

_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


class GitHubUnavailable(RuntimeError):
    """GitHub is rate limiting us or failing; worth retrying later."""


def api_base(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    return (env.get(API_ENV) or DEFAULT_API).rstrip("/")


def check_repo(repo: str) -> str:
    """`owner/name`, or an InputError that says what was given."""
    if not isinstance(repo, str) or not _REPO.match(repo) or ".." in repo:
        raise InputError(f"repository must look like OWNER/NAME, not {repo!r}")
    return repo


def headers(token: str | None) -> dict[str, str]:
    out = {
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": API_VERSION,
        "User-Agent": USER_AGENT,
    }
    if token:
        out["Authorization"] = f"Bearer {token}"
    return out


class _KeepTokenOnSameHost(urllib.request.HTTPRedirectHandler):
    """urllib copies every header onto the redirected request; a token must not follow to other hosts."""

    def redirect_request(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and urlsplit(newurl).netloc != urlsplit(req.full_url).netloc:
            new.remove_header("Authorization")
        return new


_opener = urllib.request.build_opener(_KeepTokenOnSameHost)


def open_url(request: urllib.request.Request, *, timeout: float, what: str) -> Any:
    """The response to `request`; `what` names the call in errors (`the tarball of o/r at abc1234`)."""
    try:
        return _opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        raise _error(exc, what) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise GitHubUnavailable(f"GitHub could not be reached for {what}: {reason}") from None


def request_json(
    method: str, url: str, *, token: str | None, body: Mapping[str, Any] | None, timeout: float, what: str
) -> dict[str, Any]:
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers(token))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with open_url(request, timeout=timeout, what=what) as response:
        raw = response.read()
    try:
        answer = json.loads(raw) if raw else {}
    except json.JSONDecodeError as exc:
        raise GitHubUnavailable(f"GitHub answered {what} with something that is not JSON") from exc
    return answer if isinstance(answer, dict) else {"items": answer}


def _error(exc: urllib.error.HTTPError, what: str) -> Exception:
    message = _github_message(exc)
    detail = f" ({message})" if message else ""
    if exc.code == 401:
        return UnauthorizedError(f"GitHub refused the token for {what}{detail}")
    if exc.code == 404:
        return NotFoundError(
            f"GitHub has no {what}{detail}; for a private repository, check that the token can read it"
        )
    if exc.code == 429 or (exc.code == 403 and exc.headers.get("X-RateLimit-Remaining") == "0"):
        return GitHubUnavailable(
            f"GitHub is rate limiting {what}; retry after {exc.headers.get('Retry-After') or 'a while'}"
        )
    if exc.code == 403:
        return UnauthorizedError(f"GitHub forbids {what}{detail}; check the token's permissions")
    if exc.code >= 500:
        return GitHubUnavailable(f"GitHub failed {what} with HTTP {exc.code}")
    return InputError(f"GitHub refused {what} with HTTP {exc.code}{detail}")


def _github_message(exc: urllib.error.HTTPError) -> str:
    try:
        data = json.loads(exc.read(4096) or b"{}")
    except (json.JSONDecodeError, OSError, ValueError):
        return ""
    message = data.get("message") if isinstance(data, dict) else None
    return str(message)[:200] if message else ""
