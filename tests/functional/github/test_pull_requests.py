"""The local GitHub's pull request, issue comment and combined status routes, over real HTTP, answering
with GitHub's shapes, status codes and Link paging."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from presslift.gitrepo import GitRepo
from standins.github import LocalGitHub
from standins.github.server import Invalid

REPO = "acme/site"
TOKEN = "t0ken"


def call(
    github: LocalGitHub, method: str, path: str, body: Any = None, *, token: str | None = TOKEN
) -> tuple[int, Any, dict[str, str]]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(github.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            raw, status, answer_headers = response.read(), response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        raw, status, answer_headers = exc.read(), exc.code, dict(exc.headers)
    return status, json.loads(raw) if raw else None, answer_headers


@pytest.fixture
def shas(github: LocalGitHub) -> dict[str, str]:
    github.add_repo(REPO, tokens=[TOKEN])
    github.set_login(TOKEN, "jane")
    main = github.add_commit(REPO, {"index.md": "home"})
    feature = github.add_commit(REPO, {"index.md": "new home"}, branch="feature")
    return {"main": main, "feature": feature}


def test_open_then_read_a_pull_request_as_github_answers(github: LocalGitHub, shas: dict[str, str]) -> None:
    status, pr, headers = call(
        github, "POST", f"/repos/{REPO}/pulls", {"title": "New home", "head": "feature", "base": "main"}
    )
    assert status == 201
    assert headers["Location"] == f"{github.url}/repos/{REPO}/pulls/1"
    assert pr["number"] == 1 and pr["state"] == "open" and pr["title"] == "New home"
    assert pr["user"]["login"] == "jane"
    assert pr["merged"] is False and pr["merged_at"] is None
    assert pr["html_url"].endswith(f"/{REPO}/pull/1")
    assert pr["head"]["ref"] == "feature" and pr["head"]["sha"] == shas["feature"]
    assert pr["head"]["label"] == "acme:feature"
    assert pr["head"]["repo"]["full_name"] == REPO and pr["head"]["repo"]["fork"] is False
    assert pr["base"]["ref"] == "main" and pr["base"]["sha"] == shas["main"]
    assert pr["base"]["repo"]["full_name"] == REPO
    status, again, _ = call(github, "GET", f"/repos/{REPO}/pulls/1", token=None)
    assert status == 200 and again == github.pull_request(REPO, 1)
    assert again["head"]["sha"] == shas["feature"]


def test_a_pull_request_follows_its_branch_until_closed(github: LocalGitHub, shas: dict[str, str]) -> None:
    number = github.open_pull_request(REPO, "feature", "main", title="New home")
    pushed = github.add_commit(REPO, {"index.md": "newer home"}, branch="feature")
    assert github.pull_request(REPO, number)["head"]["sha"] == pushed
    status, pr, _ = call(github, "PATCH", f"/repos/{REPO}/pulls/{number}", {"state": "closed"})
    assert status == 200 and pr["state"] == "closed" and pr["closed_at"] and pr["merged"] is False
    github.add_commit(REPO, {"index.md": "after closing"}, branch="feature")
    assert github.pull_request(REPO, number)["head"]["sha"] == pushed
    status, pr, _ = call(
        github, "PATCH", f"/repos/{REPO}/pulls/{number}", {"state": "open", "title": "Again"}
    )
    assert status == 200 and pr["state"] == "open" and pr["title"] == "Again"
    assert pr["head"]["sha"] != pushed  # reopened: it follows the branch again


def test_the_pull_request_ref_serves_its_head_from_the_base_repository(
    github: LocalGitHub, shas: dict[str, str]
) -> None:
    github.open_pull_request(REPO, "feature", "main", title="x", fork_owner="mallory")
    request = urllib.request.Request(f"{github.url}/repos/{REPO}/tarball/refs/pull/1/head")
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Disposition"].endswith(f"acme-site-{shas['feature'][:7]}.tar.gz")
    status, _, _ = call(github, "GET", f"/repos/{REPO}/tarball/refs/pull/9/head")
    assert status == 404


def test_a_fork_pull_request_names_the_fork_as_its_head(github: LocalGitHub, shas: dict[str, str]) -> None:
    number = github.open_pull_request(REPO, "feature", "main", title="From a fork", fork_owner="mallory")
    pr = github.pull_request(REPO, number)
    assert pr["head"]["repo"] == {**pr["head"]["repo"], "full_name": "mallory/site", "fork": True}
    assert pr["head"]["label"] == "mallory:feature" and pr["user"]["login"] == "mallory"
    assert pr["base"]["repo"]["full_name"] == REPO
    status, over_http, _ = call(
        github, "POST", f"/repos/{REPO}/pulls", {"title": "t", "head": "eve:feature", "base": "main"}
    )
    assert status == 201 and over_http["head"]["repo"]["fork"] is True
    assert over_http["user"]["login"] == "eve"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            {"title": "t", "head": "main", "base": "main"},
            {"code": "custom", "message": "No commits between main and main"},
        ),
        ({"title": "t", "head": "nope", "base": "main"}, {"field": "head", "code": "invalid"}),
        ({"title": "t", "head": "feature", "base": "nope"}, {"field": "base", "code": "invalid"}),
        ({"title": "t", "base": "main"}, {"field": "head", "code": "missing_field"}),
        ({"head": "feature", "base": "main"}, {"field": "title", "code": "missing_field"}),
    ],
)
def test_githubs_validation_failures(
    github: LocalGitHub, shas: dict[str, str], body: dict[str, str], error: dict[str, str]
) -> None:
    status, answer, _ = call(github, "POST", f"/repos/{REPO}/pulls", body)
    assert status == 422 and answer["message"] == "Validation Failed"
    assert answer["errors"] == [{"resource": "PullRequest", **error}]


def test_a_second_open_pull_request_for_the_same_head_and_base_is_refused(
    github: LocalGitHub, shas: dict[str, str]
) -> None:
    github.open_pull_request(REPO, "feature", "main", title="one")
    status, answer, _ = call(
        github, "POST", f"/repos/{REPO}/pulls", {"title": "two", "head": "acme:feature", "base": "main"}
    )
    assert status == 422
    assert answer["errors"][0]["message"] == "A pull request already exists for acme:feature."
    with pytest.raises(Invalid):
        github.open_pull_request(REPO, "feature", "main", title="three")
    github.close_pull_request(REPO, 1)
    assert github.open_pull_request(REPO, "feature", "main", title="four") == 2
    status, answer, _ = call(github, "PATCH", f"/repos/{REPO}/pulls/1", {"state": "open"})
    assert status == 422 and "already exists" in answer["errors"][0]["message"]


def test_writes_need_a_known_token_and_reads_of_nothing_are_404(
    github: LocalGitHub, shas: dict[str, str]
) -> None:
    body = {"title": "t", "head": "feature", "base": "main"}
    assert call(github, "POST", f"/repos/{REPO}/pulls", body, token=None)[:2] == (
        401,
        {"message": "Requires authentication", "status": "401"},
    )
    assert call(github, "POST", f"/repos/{REPO}/pulls", body, token="forged")[0] == 401
    assert call(github, "POST", f"/repos/{REPO}/pulls", body, token=github.operator_token)[0] == 201
    assert github.pull_request(REPO, 1)["user"]["login"] == "local"
    assert call(github, "PATCH", f"/repos/{REPO}/pulls/1", {"state": "closed"}, token=None)[0] == 401
    assert call(github, "POST", f"/repos/{REPO}/issues/1/comments", {"body": "x"}, token=None)[0] == 401
    assert call(github, "GET", f"/repos/{REPO}/pulls/7")[0] == 404
    assert call(github, "GET", "/repos/acme/other/pulls/1")[0] == 404
    assert call(github, "PATCH", f"/repos/{REPO}/pulls/1", {"state": "merged"})[0] == 422
    assert call(github, "GET", f"/repos/{REPO}/pulls?state=merged")[0] == 422


def test_a_private_repository_hides_its_pull_requests(github: LocalGitHub) -> None:
    github.add_repo("acme/secret", private=True, tokens=["inside"])
    github.add_commit("acme/secret", {"a": "1"})
    github.add_commit("acme/secret", {"a": "2"}, branch="topic")
    github.open_pull_request("acme/secret", "topic", "main", title="hidden")
    github.add_repo("acme/open", tokens=["outside"])
    assert call(github, "GET", "/repos/acme/secret/pulls/1", token="outside")[0] == 404
    status, pr, _ = call(github, "GET", "/repos/acme/secret/pulls/1", token="inside")
    assert status == 200 and pr["base"]["repo"]["private"] is True


def _links(header: str) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', header)}


def test_listing_pull_requests_filters_and_pages_as_github(github: LocalGitHub, shas: dict[str, str]) -> None:
    for i in range(5):
        github.add_commit(REPO, {"page.md": str(i)}, branch=f"topic-{i}")
        github.open_pull_request(REPO, f"topic-{i}", "main", title=f"topic {i}")
    github.close_pull_request(REPO, 2)
    status, page, headers = call(github, "GET", f"/repos/{REPO}/pulls?state=all&per_page=2")
    assert status == 200 and [pr["number"] for pr in page] == [5, 4]  # newest first
    links = _links(headers["Link"])
    assert set(links) == {"next", "last"}
    assert "page=3" in links["last"] and "state=all" in links["last"] and "per_page=2" in links["last"]
    _, second, headers = call(github, "GET", links["next"].removeprefix(github.url))
    assert [pr["number"] for pr in second] == [3, 2]
    assert set(_links(headers["Link"])) == {"prev", "first", "next", "last"}
    _, opened, headers = call(github, "GET", f"/repos/{REPO}/pulls")
    assert [pr["number"] for pr in opened] == [5, 4, 3, 1] and "Link" not in headers
    _, closed, _ = call(github, "GET", f"/repos/{REPO}/pulls?state=closed")
    assert [pr["number"] for pr in closed] == [2]
    _, one, _ = call(github, "GET", f"/repos/{REPO}/pulls?head=acme:topic-3&base=main")
    assert [pr["number"] for pr in one] == [4]
    _, beyond, _ = call(github, "GET", f"/repos/{REPO}/pulls?state=all&per_page=2&page=9")
    assert beyond == []


def test_comments_are_created_edited_listed_and_deleted(github: LocalGitHub, shas: dict[str, str]) -> None:
    number = github.open_pull_request(REPO, "feature", "main", title="New home")
    status, comment, headers = call(
        github, "POST", f"/repos/{REPO}/issues/{number}/comments", {"body": "Preview"}
    )
    assert status == 201
    assert set(comment) >= {"id", "body", "user", "html_url", "created_at", "updated_at"}
    assert comment["user"]["login"] == "jane" and comment["body"] == "Preview"
    assert comment["html_url"].endswith(f"/{REPO}/pull/{number}#issuecomment-{comment['id']}")
    assert headers["Location"] == comment["url"]
    path = f"/repos/{REPO}/issues/comments/{comment['id']}"
    status, edited, _ = call(github, "PATCH", path, {"body": "Preview, again"})
    assert status == 200 and edited["id"] == comment["id"] and edited["body"] == "Preview, again"
    assert edited["updated_at"] >= comment["created_at"]
    assert call(github, "GET", path, token=None)[1]["body"] == "Preview, again"
    assert [c.body for c in github.comments(REPO, number)] == ["Preview, again"]
    assert call(github, "DELETE", path)[:2] == (204, None)
    assert call(github, "GET", path)[0] == 404
    assert call(github, "PATCH", path, {"body": "gone"})[0] == 404
    assert github.comments(REPO, number) == []


def test_comment_validation_and_missing_pull_requests(github: LocalGitHub, shas: dict[str, str]) -> None:
    number = github.open_pull_request(REPO, "feature", "main", title="New home")
    comments = f"/repos/{REPO}/issues/{number}/comments"
    status, answer, _ = call(github, "POST", comments, {"body": ""})
    assert status == 422 and answer["errors"][0] == {
        "resource": "IssueComment",
        "code": "missing_field",
        "field": "body",
    }
    assert call(github, "POST", comments, {"body": "x" * 65537})[0] == 422
    assert call(github, "POST", f"/repos/{REPO}/issues/42/comments", {"body": "x"})[0] == 404
    assert call(github, "GET", f"/repos/{REPO}/issues/42/comments")[0] == 404
    request = urllib.request.Request(
        github.url + comments, data=b"{not json", method="POST", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 400


def test_comments_page_oldest_first(github: LocalGitHub, shas: dict[str, str]) -> None:
    number = github.open_pull_request(REPO, "feature", "main", title="New home")
    for i in range(5):
        call(github, "POST", f"/repos/{REPO}/issues/{number}/comments", {"body": f"comment {i}"})
    status, first, headers = call(github, "GET", f"/repos/{REPO}/issues/{number}/comments?per_page=2")
    assert status == 200 and [c["body"] for c in first] == ["comment 0", "comment 1"]
    last = _links(headers["Link"])["last"]
    _, final, headers = call(github, "GET", last.removeprefix(github.url))
    assert [c["body"] for c in final] == ["comment 4"]
    assert set(_links(headers["Link"])) == {"prev", "first"}


def test_combined_status_takes_the_newest_of_each_context(github: LocalGitHub, shas: dict[str, str]) -> None:
    sha = shas["feature"]
    _, combined, _ = call(github, "GET", f"/repos/{REPO}/commits/{sha}/status")
    assert combined["state"] == "pending" and combined["total_count"] == 0
    for state, context in (("pending", "presslift"), ("success", "presslift"), ("success", "ci")):
        call(github, "POST", f"/repos/{REPO}/statuses/{sha}", {"state": state, "context": context})
    _, combined, _ = call(github, "GET", f"/repos/{REPO}/commits/feature/status")
    assert combined["state"] == "success" and combined["sha"] == sha and combined["total_count"] == 2
    call(github, "POST", f"/repos/{REPO}/statuses/{sha}", {"state": "failure", "context": "ci"})
    _, combined, _ = call(github, "GET", f"/repos/{REPO}/commits/{sha}/status")
    assert combined["state"] == "failure"
    assert {(s["context"], s["state"]) for s in combined["statuses"]} == {
        ("presslift", "success"),
        ("ci", "failure"),
    }


def _git(repo: Path, *args: str) -> str:
    import subprocess

    user = ["-c", "user.name=Jane Doe", "-c", "user.email=jane@example.org"]
    done = subprocess.run(["git", "-C", str(repo), *user, *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_a_git_folder_pull_request_follows_the_branch_on_disk(github: LocalGitHub, tmp_path: Path) -> None:
    folder = tmp_path / "quayside"
    folder.mkdir()
    _git(folder, "init", "-q", "-b", "main")
    (folder / "index.md").write_text("home")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "Home")
    _git(folder, "checkout", "-q", "-b", "feature")
    (folder / "index.md").write_text("new home")
    _git(folder, "commit", "-q", "-am", "New home")
    github.add_git_repo("local/quayside", GitRepo(folder))
    number = github.open_pull_request("local/quayside", "feature", "main", title="New home")
    assert github.pull_request("local/quayside", number)["head"]["sha"] == _git(
        folder, "rev-parse", "feature"
    )
    (folder / "index.md").write_text("newer home")
    _git(folder, "commit", "-q", "-am", "Newer home")
    head = _git(folder, "rev-parse", "feature")
    assert github.pull_request("local/quayside", number)["head"]["sha"] == head
    _git(folder, "checkout", "-q", "main")
    _git(folder, "branch", "-q", "-D", "feature")
    assert github.pull_request("local/quayside", number)["head"]["sha"] == head  # kept, as GitHub keeps it
    github.close_pull_request("local/quayside", number)
    with pytest.raises(Invalid, match="Validation Failed"):
        github.reopen_pull_request("local/quayside", number)


def test_the_html_url_shows_the_pull_request_its_statuses_and_comments_escaped(
    github: LocalGitHub, shas: dict[str, str]
) -> None:
    created, pr, _ = call(
        github,
        "POST",
        f"/repos/{REPO}/pulls",
        {"title": "<script>x</script>", "head": "feature", "base": "main"},
    )
    call(
        github, "POST", f"/repos/{REPO}/issues/1/comments", {"body": "<!-- marker -->\n<img src=x onerror=y>"}
    )
    call(
        github,
        "POST",
        f"/repos/{REPO}/statuses/{shas['feature']}",
        {
            "state": "success",
            "context": "presslift/preview",
            "target_url": "http://127.0.0.1:9/previews/pr-1/",
        },
    )
    call(
        github,
        "POST",
        f"/repos/{REPO}/statuses/{shas['feature']}",
        {"state": "failure", "context": "evil", "target_url": "javascript:alert(1)"},
    )
    assert created == 201
    with urllib.request.urlopen(pr["html_url"]) as response:
        assert response.headers["Content-Type"].startswith("text/html")
        page = response.read().decode()
    assert "&lt;script&gt;x&lt;/script&gt; <small>#1</small>" in page and "<script>" not in page
    assert "&lt;img src=x onerror=y&gt;" in page and "<img" not in page
    assert '<a href="http://127.0.0.1:9/previews/pr-1/" rel="nofollow">' in page
    assert 'href="javascript' not in page and "javascript:alert(1)" in page
    assert f"acme:feature → acme:main, head <code>{shas['feature']}</code>" in page
    assert call(github, "GET", f"/{REPO}/pull/9")[0] == 404
