"""Pull-request comments: the one comment Presslift keeps on a pull request, created once, then edited.

GitHub's REST API treats a pull request as an issue for comments: `POST
/repos/{o}/{r}/issues/{n}/comments` creates one, `PATCH /repos/{o}/{r}/issues/comments/{id}` edits it,
`GET /repos/{o}/{r}/issues/{n}/comments?per_page=100&page=N` lists them (oldest first). A body is at
most 65,536 characters (GitHub answers 422 past that), so a longer one is cut politely: its marker kept,
any code fence or `<details>` block closed, and a last line saying it was shortened.

`upsert_comment` edits the comment it is given; when that one is gone (deleted: 404) it looks for
Presslift's comment by its marker (the body's first line), and creates one only when there is none, so
a pull request never collects a second Presslift comment.

Never: put the token in a message, or edit a comment that does not start with the marker.
"""

from __future__ import annotations

from typing import Any

from chalicelib.errors import InputError, NotFoundError, UnauthorizedError
from chalicelib.github.api import GitHubUnavailable, api_base, check_repo, request_json

#: GitHub refuses longer comment bodies (422 "Body is too long (maximum is 65536 characters)").
MAX_BODY = 65_536
#: Comments asked for per page: GitHub's maximum.
PER_PAGE = 100
#: Pages of comments read when looking for the marker (10,000 comments): a bound on a hostile server.
MAX_PAGES = 100
SHORTENED = (
    "\n\n---\n_This comment was shortened: GitHub keeps at most 65,536 characters."
    " The run page has the whole review._\n"
)
WRITE_PERMISSION = "'Pull requests: write' (or 'Issues: write')"
READ_PERMISSION = "'Pull requests: read' (or 'Issues: read')"


def create_comment(
    api: str | None, repo: str, number: int, body: str, *, token: str, timeout: float = 10.0
) -> int:
    """Post `body` as a new comment on pull request (or issue) `number` of `repo`; its comment id."""
    _check_number(number, "pull request number")
    where = f"issues/{number}/comments"
    what = f"a comment on pull request #{number} of {repo}"
    return _write(api, "POST", repo, where, body, token, timeout, what, f"comment on pull request #{number}")


def edit_comment(
    api: str | None, repo: str, comment_id: int, body: str, *, token: str, timeout: float = 10.0
) -> int:
    """Replace the body of comment `comment_id` of `repo`; the comment id. NotFoundError when the
    comment was deleted."""
    _check_number(comment_id, "comment id")
    where = f"issues/comments/{comment_id}"
    what = f"comment {comment_id} of {repo}"
    return _write(api, "PATCH", repo, where, body, token, timeout, what, f"edit comment {comment_id}")


def find_comment(
    api: str | None, repo: str, number: int, marker: str, *, token: str, timeout: float = 10.0
) -> int | None:
    """The id of the comment on pull request `number` whose body starts with `marker` (a bot's first
    when several do: anyone can post a comment that starts with it), or None."""
    check_repo(repo)
    _check_number(number, "pull request number")
    _check_marker(marker)
    found: list[tuple[bool, int]] = []
    for page in range(1, MAX_PAGES + 1):
        url = f"{_base(api)}/repos/{repo}/issues/{number}/comments?per_page={PER_PAGE}&page={page}"
        what = f"the comments of pull request #{number} of {repo}"
        doing = f"read the comments of pull request #{number}"
        answer = _send("GET", url, None, repo, token, timeout, what, doing, needs=READ_PERMISSION)
        comments = answer.get("items")
        if not isinstance(comments, list):
            raise GitHubUnavailable(f"GitHub's answer for {what} is not a list of comments")
        for comment in comments:
            match = _marked(comment, marker)
            if match is not None:
                found.append(match)
        if len(comments) < PER_PAGE:
            break
    bots = [comment_id for by_bot, comment_id in found if by_bot]
    return bots[0] if bots else found[0][1] if found else None


def upsert_comment(
    api: str | None,
    repo: str,
    number: int,
    body: str,
    *,
    token: str,
    comment_id: int | None,
    marker: str,
    timeout: float = 10.0,
) -> int:
    """Edit comment `comment_id` when it still exists, else Presslift's comment found by `marker` in
    the pull request's comments, else create one; the id of the comment that now carries `body`."""
    _check_marker(marker)
    if not body.startswith(marker):
        body = f"{marker}\n{body}"
    if comment_id is not None:
        try:
            return edit_comment(api, repo, comment_id, body, token=token, timeout=timeout)
        except NotFoundError:
            pass  # deleted by someone: find ours by the marker, or post a new one
    found = find_comment(api, repo, number, marker, token=token, timeout=timeout)
    if found is not None and found != comment_id:
        try:
            return edit_comment(api, repo, found, body, token=token, timeout=timeout)
        except NotFoundError:
            pass  # deleted between the listing and the edit
    return create_comment(api, repo, number, body, token=token, timeout=timeout)


def fit_body(body: str, limit: int = MAX_BODY) -> str:
    """`body` as it is when GitHub takes it; else cut at a line end, its open code fence and
    `<details>` blocks closed, with a note that it was shortened (the first line, the marker, kept)."""
    if len(body) <= limit:
        return body
    room = limit - len(SHORTENED) - 200  # 200: the closing fence and tags
    kept = body[:room]
    if "\n" in kept:
        kept = kept.rsplit("\n", 1)[0]
    closing = ""
    if kept.count("```") % 2:
        closing += "\n```"
    open_details = kept.count("<details>") - kept.count("</details>")
    closing += "\n</details>" * max(0, min(open_details, 20))
    return kept + closing + SHORTENED


def _marked(comment: Any, marker: str) -> tuple[bool, int] | None:
    """(written by a bot, its id) for a comment whose body starts with `marker`; None for others."""
    if not isinstance(comment, dict):
        return None
    body, comment_id = comment.get("body"), comment.get("id")
    if not isinstance(body, str) or not body.lstrip().startswith(marker):
        return None
    if isinstance(comment_id, bool) or not isinstance(comment_id, int) or comment_id < 1:
        return None
    user = comment.get("user")
    by_bot = isinstance(user, dict) and user.get("type") == "Bot"
    return by_bot, comment_id


def _write(
    api: str | None,
    method: str,
    repo: str,
    where: str,
    body: str,
    token: str,
    timeout: float,
    what: str,
    doing: str,
) -> int:
    """Send `body` (fitted to GitHub's limit) to `where` in `repo`; the id of the comment it made."""
    check_repo(repo)
    _check_token(token, repo)
    url = f"{_base(api)}/repos/{repo}/{where}"
    answer = _send(method, url, {"body": fit_body(body)}, repo, token, timeout, what, doing)
    return _comment_id(answer, what)


def _send(
    method: str,
    url: str,
    body: dict[str, Any] | None,
    repo: str,
    token: str,
    timeout: float,
    what: str,
    doing: str,
    *,
    needs: str = WRITE_PERMISSION,
) -> dict[str, Any]:
    """GitHub's answer; a 401 or 403 (not a rate limit: that stays GitHubUnavailable, retried) told
    as what the token needs on the repository."""
    try:
        return request_json(method, url, token=token, body=body, timeout=timeout, what=what)
    except UnauthorizedError as exc:
        raise UnauthorizedError(
            f"GitHub refused to {doing} of {repo}: the token needs {needs} on {repo} ({exc})"
        ) from None


def _comment_id(answer: dict[str, Any], what: str) -> int:
    comment_id = answer.get("id")
    if isinstance(comment_id, bool) or not isinstance(comment_id, int) or comment_id < 1:
        raise GitHubUnavailable(f"GitHub's answer for {what} has no comment id")
    return comment_id


def _base(api: str | None) -> str:
    return (api or api_base()).rstrip("/")


def _check_number(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError(f"a {name} must be a positive integer, not {value!r}")


def _check_token(token: str, repo: str) -> None:
    if not token:
        raise InputError(f"commenting on a pull request of {repo} needs a GitHub token")


def _check_marker(marker: str) -> None:
    if not isinstance(marker, str) or not marker.strip() or "\n" in marker:
        raise InputError(f"a comment marker must be one non-empty line, not {marker!r}")
