"""The pull-request comment against a loopback HTTP server that speaks GitHub's three issue-comment
endpoints with GitHub's shapes (201 on create, 404 for a deleted comment, pages of at most per_page
comments with a Link header), recording every request it gets."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.errors import InputError, UnauthorizedError
from chalicelib.github.api import GitHubUnavailable
from chalicelib.github.comments import (
    MAX_BODY,
    create_comment,
    edit_comment,
    find_comment,
    fit_body,
    upsert_comment,
)

REPO = "harbour/quayside"
TOKEN = "ghs_test_token_123"
MARKER = "<!-- presslift-preview:quayside -->"
_LIST = re.compile(r"^/repos/([^/]+/[^/]+)/issues/(\d+)/comments$")
_ONE = re.compile(r"^/repos/([^/]+/[^/]+)/issues/comments/(\d+)$")


@dataclass
class Sent:
    method: str
    path: str
    query: dict[str, list[str]]
    authorization: str
    body: Any


@dataclass
class GitHub:
    """The comments of one repository's pull requests, and what was asked of them."""

    url: str = ""
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    refuse: int = 0  # answer every request with this status (401, 403)
    rate_limited: bool = False
    next_id: int = 1000

    def add(self, number: int, body: str, *, login: str = "someone", bot: bool = False) -> int:
        self.next_id += 1
        self.comments[self.next_id] = {
            "id": self.next_id,
            "node_id": f"IC_{self.next_id}",
            "url": f"{self.url}/repos/{REPO}/issues/comments/{self.next_id}",
            "html_url": f"https://github.com/{REPO}/pull/{number}#issuecomment-{self.next_id}",
            "issue_url": f"{self.url}/repos/{REPO}/issues/{number}",
            "body": body,
            "user": {"login": login, "type": "Bot" if bot else "User"},
            "created_at": "2026-11-30T12:00:00Z",
            "updated_at": "2026-11-30T12:00:00Z",
        }
        return self.next_id

    def on(self, number: int) -> list[dict[str, Any]]:
        return [c for c in self.comments.values() if c["issue_url"].endswith(f"/issues/{number}")]


def _handler(github: GitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
            raw = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body: Any = json.loads(self.rfile.read(length)) if length else None
            github.sent.append(
                Sent(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    self.headers.get("Authorization", ""),
                    body,
                )
            )
            if github.rate_limited:
                self._answer(
                    403,
                    {"message": "API rate limit exceeded"},
                    {"X-RateLimit-Remaining": "0", "Retry-After": "60"},
                )
                return
            if github.refuse:
                self._answer(github.refuse, {"message": "Resource not accessible by integration"})
                return
            listing, one = _LIST.match(parts.path), _ONE.match(parts.path)
            if listing and self.command == "GET":
                number = int(listing.group(2))
                query = parse_qs(parts.query)
                per_page = min(int(query.get("per_page", ["30"])[0]), 100)
                page = int(query.get("page", ["1"])[0])
                comments = sorted(github.on(number), key=lambda c: c["id"])
                last = max(1, -(-len(comments) // per_page))
                link = f'<{github.url}{parts.path}?per_page={per_page}&page={page + 1}>; rel="next"'
                headers = {"Link": link} if page < last else {}
                self._answer(200, comments[(page - 1) * per_page : page * per_page], headers)
            elif listing and self.command == "POST":
                if not isinstance(body, dict) or not isinstance(body.get("body"), str):
                    self._answer(422, {"message": "Invalid request."})
                    return
                if len(body["body"]) > MAX_BODY:
                    self._answer(422, {"message": "Body is too long (maximum is 65536 characters)"})
                    return
                created = github.add(int(listing.group(2)), body["body"], login="presslift[bot]", bot=True)
                self._answer(201, github.comments[created])
            elif one and self.command == "PATCH":
                comment = github.comments.get(int(one.group(2)))
                if comment is None:
                    self._answer(404, {"message": "Not Found"})
                    return
                if len(body["body"]) > MAX_BODY:
                    self._answer(422, {"message": "Body is too long (maximum is 65536 characters)"})
                    return
                comment["body"] = body["body"]
                self._answer(200, comment)
            else:
                self._answer(404, {"message": "Not Found"})

        do_GET = do_POST = do_PATCH = _handle

    return Handler


@pytest.fixture
def github() -> Iterator[GitHub]:
    state = GitHub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_create_posts_the_body_with_the_token_and_returns_the_new_id(github: GitHub) -> None:
    body = f"{MARKER}\n### Preview live"
    comment_id = create_comment(github.url, REPO, 12, body, token=TOKEN)
    (sent,) = github.sent
    assert (sent.method, sent.path) == ("POST", f"/repos/{REPO}/issues/12/comments")
    assert sent.authorization == f"Bearer {TOKEN}"
    assert sent.body == {"body": body}
    assert github.comments[comment_id]["body"] == body


def test_upsert_edits_the_comment_it_was_given(github: GitHub) -> None:
    ours = github.add(12, f"{MARKER}\nbuilding", bot=True)
    comment_id = upsert_comment(
        github.url, REPO, 12, f"{MARKER}\nlive", token=TOKEN, comment_id=ours, marker=MARKER
    )
    assert comment_id == ours
    assert [(s.method, s.path) for s in github.sent] == [("PATCH", f"/repos/{REPO}/issues/comments/{ours}")]
    assert github.comments[ours]["body"] == f"{MARKER}\nlive"
    assert len(github.on(12)) == 1


def test_a_deleted_comment_is_found_again_by_its_marker_across_pages(github: GitHub) -> None:
    for n in range(150):
        github.add(12, f"comment {n}")
    github.add(12, f"> {MARKER}\n> quoted by a reviewer")  # a quote is not ours
    ours = github.add(12, f"{MARKER}\nbuilding", bot=True)
    comment_id = upsert_comment(
        github.url, REPO, 12, f"{MARKER}\nlive", token=TOKEN, comment_id=99, marker=MARKER
    )
    assert comment_id == ours
    assert [(s.method, s.path, s.query.get("page")) for s in github.sent] == [
        ("PATCH", f"/repos/{REPO}/issues/comments/99", None),
        ("GET", f"/repos/{REPO}/issues/12/comments", ["1"]),
        ("GET", f"/repos/{REPO}/issues/12/comments", ["2"]),
        ("PATCH", f"/repos/{REPO}/issues/comments/{ours}", None),
    ]
    assert all(s.query.get("per_page") == ["100"] for s in github.sent if s.method == "GET")
    assert github.comments[ours]["body"] == f"{MARKER}\nlive"


def test_without_a_comment_one_is_created_once_then_edited(github: GitHub) -> None:
    github.add(12, "Looks good to me")
    github.add(13, f"{MARKER}\nanother pull request's")
    first = upsert_comment(
        github.url, REPO, 12, f"{MARKER}\nbuilding", token=TOKEN, comment_id=None, marker=MARKER
    )
    assert [s.method for s in github.sent] == ["GET", "POST"]
    second = upsert_comment(
        github.url, REPO, 12, f"{MARKER}\nlive", token=TOKEN, comment_id=None, marker=MARKER
    )
    assert second == first
    assert [s.method for s in github.sent] == ["GET", "POST", "GET", "PATCH"]
    assert [c["body"] for c in github.on(12)] == ["Looks good to me", f"{MARKER}\nlive"]


def test_a_bots_marked_comment_wins_over_a_users_comment_that_starts_with_the_marker(github: GitHub) -> None:
    github.add(12, f"{MARKER}\nposted by hand", login="mallory")
    ours = github.add(12, f"{MARKER}\nours", bot=True)
    assert find_comment(github.url, REPO, 12, MARKER, token=TOKEN) == ours


def test_the_marker_is_put_first_when_the_body_lacks_it(github: GitHub) -> None:
    comment_id = upsert_comment(github.url, REPO, 12, "live", token=TOKEN, comment_id=None, marker=MARKER)
    assert github.comments[comment_id]["body"] == f"{MARKER}\nlive"


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_token_says_which_repository_and_what_it_needs(github: GitHub, status: int) -> None:
    github.refuse = status
    with pytest.raises(UnauthorizedError) as caught:
        create_comment(github.url, REPO, 12, f"{MARKER}\nx", token=TOKEN)
    message = str(caught.value)
    assert REPO in message and "Pull requests: write" in message and "Issues: write" in message
    assert TOKEN not in message
    with pytest.raises(UnauthorizedError, match="Pull requests: write"):
        edit_comment(github.url, REPO, 5, f"{MARKER}\nx", token=TOKEN)
    with pytest.raises(UnauthorizedError, match="Pull requests: read"):
        find_comment(github.url, REPO, 12, MARKER, token=TOKEN)


def test_a_rate_limit_is_retried_later_not_blamed_on_the_token(github: GitHub) -> None:
    github.rate_limited = True
    with pytest.raises(GitHubUnavailable, match="rate limiting"):
        create_comment(github.url, REPO, 12, f"{MARKER}\nx", token=TOKEN)


def test_a_body_longer_than_github_takes_is_cut_politely(github: GitHub) -> None:
    rows = "\n".join(f"+ line {n} of the diff" for n in range(5000))
    body = f"{MARKER}\n## Preview\n<details><summary>posts/a/</summary>\n\n```diff\n{rows}\n```\n</details>\n"
    assert len(body) > MAX_BODY
    comment_id = create_comment(github.url, REPO, 12, body, token=TOKEN)
    sent = github.comments[comment_id]["body"]
    assert len(sent) <= MAX_BODY
    assert sent.startswith(f"{MARKER}\n## Preview\n")
    assert sent.count("```") % 2 == 0 and sent.count("<details>") == sent.count("</details>")
    assert sent.rstrip().endswith("The run page has the whole review._")
    assert fit_body("short") == "short"


@pytest.mark.parametrize(
    ("repo", "number", "token", "complaint"),
    [
        ("../etc", 12, TOKEN, "OWNER/NAME"),
        (REPO, 0, TOKEN, "positive integer"),
        (REPO, True, TOKEN, "positive integer"),
        (REPO, 12, "", "needs a GitHub token"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_sent(
    github: GitHub, repo: str, number: int, token: str, complaint: str
) -> None:
    with pytest.raises(InputError, match=complaint):
        create_comment(github.url, repo, number, "x", token=token)
    assert github.sent == []


def test_a_marker_must_be_one_line(github: GitHub) -> None:
    with pytest.raises(InputError, match="one non-empty line"):
        upsert_comment(github.url, REPO, 12, "x", token=TOKEN, comment_id=None, marker="<!--\n-->")
    assert github.sent == []
