"""GitHub's pull request and issue comment routes, as the local GitHub answers them.

- `POST /repos/{o}/{r}/pulls` (`title`, `head`, `base`, `body`) → 201; 422 `Validation Failed` when a
  field is missing, a branch does not exist, head and base are the same commit, or an open pull request
  for the same head and base exists. `head` may be `OWNER:BRANCH`; another owner than the base's makes a
  pull request from that owner's fork.
- `GET .../pulls?state=open|closed|all&head=OWNER:BRANCH&base=BRANCH&per_page&page` → newest first,
  paged with a `Link` header; `GET .../pulls/{n}`; `PATCH .../pulls/{n}` (`state`, `title`, `body`).
- `GET|POST .../issues/{n}/comments` (paged, oldest first; 201 on create),
  `GET|PATCH|DELETE .../issues/comments/{id}` (204 on delete).
- `GET /{o}/{r}/pull/{n}` (the `html_url`): a page with the pull request, its head's statuses and its
  comments, for an operator to look at.

Writes need a token (401 `Requires authentication`); an unknown token is 401 `Bad credentials`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

from flask import Flask, Response, request

from standins.github.api import _bearer, _json
from standins.github.pullpage import pull_page as render_pull_page
from standins.github.pulls import comment_json, now
from standins.github.server import Invalid

if TYPE_CHECKING:
    from standins.github.server import LocalGitHub, _Repo

REPO = "/repos/<owner>/<name>"
PER_PAGE, MAX_PER_PAGE = 30, 100
#: GitHub's limit on an issue comment's body.
MAX_BODY = 65536
T = TypeVar("T")


def add_pull_routes(app: Flask, github: LocalGitHub, repo_for: Callable[[str, str], _Repo]) -> None:
    def writer(owner: str, name: str) -> tuple[_Repo, str, dict[str, Any]]:
        """The repository, the caller's login and the JSON body of a write, or GitHub's refusal."""
        token = _bearer(request.headers.get("Authorization"))
        if token is None:
            raise _Refused(_json(401, {"message": "Requires authentication", "status": "401"}))
        state = repo_for(owner, name)
        try:
            body = json.loads(request.get_data() or b"{}")
        except ValueError:
            raise _Refused(_json(400, {"message": "Problems parsing JSON", "status": "400"})) from None
        if not isinstance(body, dict):
            raise _Refused(_json(400, {"message": "Problems parsing JSON", "status": "400"}))
        with github._lock:
            login = github.login_for(token)
        return state, login, body

    @app.errorhandler(_Refused)
    def refused(exc: _Refused) -> Response:
        return exc.response

    @app.errorhandler(Invalid)
    def invalid(exc: Invalid) -> Response:
        return _json(422, {"message": exc.message, "errors": exc.errors, "status": "422"})

    @app.post(f"{REPO}/pulls")
    def create_pull(owner: str, name: str) -> Response:
        state, login, body = writer(owner, name)
        for required in ("head", "base"):
            if not isinstance(body.get(required), str) or not body[required]:
                raise Invalid([{"resource": "PullRequest", "code": "missing_field", "field": required}])
        title = body.get("title")
        if not isinstance(title, str) or not title.strip():
            raise Invalid([{"resource": "PullRequest", "code": "missing_field", "field": "title"}])
        head_owner, _, head = str(body["head"]).rpartition(":")
        fork = head_owner if head_owner and head_owner.lower() != state.owner.lower() else None
        with github._lock:
            pr = github._open(
                state, head, body["base"], title, str(body.get("body") or ""), fork, fork or login
            )
            answer = github._pull_json(state, pr)
        return _json(201, answer, {"Location": answer["url"]})

    @app.get(f"{REPO}/pulls")
    def list_pulls(owner: str, name: str) -> Response:
        state = repo_for(owner, name)
        wanted = request.args.get("state", "open")
        if wanted not in ("open", "closed", "all"):
            raise Invalid([{"resource": "PullRequest", "field": "state", "code": "invalid"}])
        head, base = request.args.get("head"), request.args.get("base")
        with github._lock:
            found = [
                pr
                for pr in sorted(state.pulls.values(), key=lambda p: p.number, reverse=True)
                if wanted in ("all", pr.state)
                and (not head or pr.head_label.lower() == head.lower())
                and (not base or pr.base == base)
            ]
            page, links = _page(found)
            answer = [github._pull_json(state, pr) for pr in page]
        return _json(200, answer, links)

    @app.get(f"{REPO}/pulls/<int:number>")
    def get_pull(owner: str, name: str, number: int) -> Response:
        state = repo_for(owner, name)
        with github._lock:
            pr = state.pulls.get(number)
            return _json(200, github._pull_json(state, pr)) if pr else _not_found()

    @app.patch(f"{REPO}/pulls/<int:number>")
    def update_pull(owner: str, name: str, number: int) -> Response:
        state, _, body = writer(owner, name)
        wanted = body.get("state")
        if wanted is not None and wanted not in ("open", "closed"):
            raise Invalid([{"resource": "PullRequest", "field": "state", "code": "invalid"}])
        for field in ("title", "body"):
            if field in body and body[field] is not None and not isinstance(body[field], str):
                raise Invalid([{"resource": "PullRequest", "field": field, "code": "invalid"}])
        with github._lock:
            pr = state.pulls.get(number)
            if pr is None:
                return _not_found()
            github._pull_head(state, pr)  # the head as it is now, before a close freezes it
            if wanted == "closed" and pr.state == "open":
                pr.close()
            elif wanted == "open":
                github._reopen(state, pr)
            if body.get("title"):
                pr.title = body["title"]
            if "body" in body:
                pr.body = body["body"] or ""
            return _json(200, github._pull_json(state, pr))

    @app.get(f"{REPO}/issues/<int:number>/comments")
    def list_comments(owner: str, name: str, number: int) -> Response:
        state = repo_for(owner, name)
        with github._lock:
            if number not in state.pulls:
                return _not_found()
        found = github.comments(state.full_name, number)
        page, links = _page(found)
        return _json(200, [comment_json(github.url, c) for c in page], links)

    @app.post(f"{REPO}/issues/<int:number>/comments")
    def create_comment(owner: str, name: str, number: int) -> Response:
        state, login, body = writer(owner, name)
        text = _comment_body(body)
        with github._lock:
            if number not in state.pulls:
                return _not_found()
            comment = github._add_comment(state, number, text, login)
        answer = comment_json(github.url, comment)
        return _json(201, answer, {"Location": answer["url"]})

    @app.route(f"{REPO}/issues/comments/<int:comment_id>", methods=["GET", "PATCH", "DELETE"])
    def one_comment(owner: str, name: str, comment_id: int) -> Response:
        body: dict[str, Any] = {}
        if request.method == "GET":
            state = repo_for(owner, name)
        else:
            state, _, body = writer(owner, name)
        with github._lock:
            comment = github._comments.get(comment_id)
            if comment is None or comment.repo.lower() != state.full_name.lower():
                return _not_found()
            if request.method == "DELETE":
                del github._comments[comment_id]
                return Response(b"", status=204)
            if request.method == "PATCH":
                comment.body = _comment_body(body)
                comment.updated_at = _later(comment.updated_at)
            return _json(200, comment_json(github.url, comment))

    @app.get("/<owner>/<name>/pull/<int:number>")
    def pull_page(owner: str, name: str, number: int) -> Response:
        """The pull request's `html_url`: what GitHub's page would show of it, as HTML."""
        state = repo_for(owner, name)
        with github._lock:
            pr = state.pulls.get(number)
            if pr is None:
                return _not_found()
            answer = github._pull_json(state, pr)
        page = render_pull_page(
            answer,
            reversed(github.statuses(state.full_name, answer["head"]["sha"])),
            github.comments(state.full_name, number),
        )
        return Response(page, content_type="text/html; charset=utf-8")


class _Refused(Exception):
    """Ends a request with GitHub's answer."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def _comment_body(body: dict[str, Any]) -> str:
    text = body.get("body")
    if not isinstance(text, str) or not text:
        raise Invalid([{"resource": "IssueComment", "code": "missing_field", "field": "body"}])
    if len(text) > MAX_BODY:
        raise Invalid(
            [
                {
                    "resource": "IssueComment",
                    "code": "custom",
                    "field": "body",
                    "message": f"body is too long (maximum is {MAX_BODY} characters)",
                }
            ]
        )
    return text


def _later(stamp: str) -> str:
    return max(now(), stamp)


def _not_found() -> Response:
    return _json(404, {"message": "Not Found", "status": "404"})


def _number(name: str, default: int) -> int:
    """A paging parameter: GitHub takes what is not a positive number as its default."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else default


def _page(items: Sequence[T]) -> tuple[Sequence[T], dict[str, str]]:
    """The requested page of `items` and GitHub's `Link` header (none when everything fits one page)."""
    per_page = min(_number("per_page", PER_PAGE), MAX_PER_PAGE)
    page = _number("page", 1)
    last = max(1, -(-len(items) // per_page))
    chosen = items[(page - 1) * per_page : page * per_page]
    if last == 1:
        return chosen, {}

    def link(number: int, rel: str) -> str:
        query = {**request.args.to_dict(), "per_page": str(per_page), "page": str(number)}
        return f'<{request.base_url}?{urlencode(query)}>; rel="{rel}"'

    rels = []
    if page > 1:
        rels += [link(min(page - 1, last), "prev"), link(1, "first")]
    if page < last:
        rels += [link(page + 1, "next"), link(last, "last")]
    return chosen, {"Link": ", ".join(rels)} if rels else {}
