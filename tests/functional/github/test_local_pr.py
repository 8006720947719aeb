"""`presslift pr SITE` end to end, in process: a real git repository served by the local GitHub (as
`presslift up --github` serves it), the site registered in moto with its own webhook secret, and a
loopback HTTP receiver in place of the API that checks each delivery's signature and parses it as the
pipeline does. The command's one line, its exit codes and the pull request's state on the local GitHub."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from chalicelib.errors import UnauthorizedError
from chalicelib.github.pullrequest import PullRequestEvent, parse_pull_request
from chalicelib.github.webhook import verify_signature
from chalicelib.services import Services
from chalicelib.sitemodel import Site
from chalicelib.sites import register
from presslift import cli
from presslift.gitrepo import GitRepo
from presslift.localpr import DELIVERED_FILE
from presslift.localpush import Served
from standins.github import LocalGitHub

REPO = "local/quayside"


def git(folder: Path, *args: str) -> str:
    user = ["-c", "user.name=Jane Doe", "-c", "user.email=jane@example.org"]
    done = subprocess.run(
        ["git", "-C", str(folder), *user, *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def commit(folder: Path, text: str, message: str) -> str:
    (folder / "index.md").write_text(text, encoding="utf-8")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", message)
    return git(folder, "rev-parse", "HEAD")


@dataclass
class Receiver:
    """The API's webhook on loopback: checks the signature with `secret`, parses the delivery."""

    secret: str = ""
    deliveries: list[tuple[str, PullRequestEvent, dict[str, Any]]] = field(default_factory=list)
    url: str = ""

    def answer(self, headers: Any, body: bytes) -> tuple[int, dict[str, Any]]:
        try:
            verify_signature(self.secret, body, headers.get("X-Hub-Signature-256"))
        except UnauthorizedError as exc:
            return 401, {"message": str(exc)}
        payload = json.loads(body)
        event = parse_pull_request(payload)
        self.deliveries.append((headers["X-GitHub-Delivery"], event, payload))
        if event.action == "closed":
            return 202, {"ignored": f"pull request #{event.number} closed: its preview is removed"}
        run = f"run-{len(self.deliveries)}"
        return 202, {"run_id": run, "links": [f"{self.url}/api/runs/{run}"]}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.path != "/api/webhooks/github" or self.headers["X-GitHub-Event"] != "pull_request":
                status, answer = 404, {"message": f"unexpected {self.path} {self.headers['X-GitHub-Event']}"}
            else:
                status, answer = state.answer(self.headers, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class Road:
    folder: Path
    state: Path
    github: LocalGitHub
    receiver: Receiver
    main: str
    feature: str

    def pr(self, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
        code = cli.main(["pr", "quayside", "--state-dir", str(self.state), *args])
        out, err = capsys.readouterr()
        return code, out.strip(), err.strip()


@pytest.fixture
def road(
    tmp_path: Path, provisioned: Services, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Road]:
    folder = tmp_path / "quayside"
    folder.mkdir()
    git(folder, "init", "-q", "-b", "main")
    main = commit(folder, "home", "Home")
    git(folder, "checkout", "-q", "-b", "feature")
    feature = commit(folder, "new home\n", "A new home page\n\nWith more words.")
    svc = Services(replace(provisioned.settings, api_url=receiver.url + "/api"))
    receiver.secret = register(svc, Site("quayside", repo=REPO, branch="main"))
    monkeypatch.setattr("presslift.target.pipeline_services", lambda args: svc)
    state = tmp_path / "state"
    state.mkdir()
    with LocalGitHub() as github:
        github.add_git_repo(REPO, GitRepo(folder))
        Served(github.url, {REPO: folder}, github.operator_token).save(state)
        yield Road(folder, state, github, receiver, main, feature)


def test_open_synchronize_close_and_reopen_deliver_signed_pull_request_events(
    road: Road, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = road.pr(capsys)
    assert code == 0, err
    ((delivery, event, payload),) = road.receiver.deliveries
    assert out == (
        f"pull request #1 {REPO}:feature -> main: opened (delivery {delivery}): "
        "preview run run-1 (follow it: presslift watch, or presslift show run-1)"
    )
    assert (event.action, event.number, event.head_sha, event.head_ref) == (
        "opened",
        1,
        road.feature,
        "feature",
    )
    assert event.repository == REPO and not event.fork and event.base_ref == "main"
    assert event.title == "A new home page"  # the head commit's subject, as GitHub proposes
    pr = road.github.pull_request(REPO, 1)
    assert pr["state"] == "open" and pr["head"]["sha"] == road.feature and pr["user"]["login"] == "local"
    assert payload["pull_request"]["base"]["sha"] == road.main

    code, out, _ = road.pr(capsys)  # nothing moved: nothing is sent
    assert code == 0 and len(road.receiver.deliveries) == 1
    unchanged = f"no change since the last delivery ({road.feature[:7]}); nothing sent"
    assert out == f"pull request #1 {REPO}:feature -> main: {unchanged}"

    pushed = commit(road.folder, "newer home\n", "Newer")
    code, out, _ = road.pr(capsys, "--title", "A newer home page")
    assert code == 0 and ": synchronize (delivery " in out
    _, event, payload = road.receiver.deliveries[-1]
    assert event.action == "synchronize" and event.head_sha == pushed
    assert (payload["before"], payload["after"]) == (road.feature, pushed)
    assert event.title == "A newer home page" == road.github.pull_request(REPO, 1)["title"]

    code, out, _ = road.pr(capsys, "--close")
    assert code == 0 and out.endswith(": pull request #1 closed: its preview is removed")
    _, event, payload = road.receiver.deliveries[-1]
    assert event.action == "closed" and payload["pull_request"]["merged"] is False
    assert road.github.pull_request(REPO, 1)["state"] == "closed"

    code, out, _ = road.pr(capsys, "--reopen")
    assert code == 0 and ": reopened (delivery " in out
    assert road.receiver.deliveries[-1][1].action == "reopened"
    assert road.github.pull_request(REPO, 1)["state"] == "open"
    assert [e.action for _, e, _ in road.receiver.deliveries] == [
        "opened",
        "synchronize",
        "closed",
        "reopened",
    ]
    delivered = json.loads((road.state / DELIVERED_FILE).read_text())
    assert list(delivered.values()) == [pushed]


def test_a_fork_pull_request_names_the_fork(road: Road, capsys: pytest.CaptureFixture[str]) -> None:
    git(road.folder, "checkout", "-q", "main")
    code, out, err = road.pr(capsys, "--branch", "feature", "--fork", "mallory")
    assert code == 0, err
    assert out.startswith("pull request #1 mallory/quayside:feature -> main: opened")
    _, event, payload = road.receiver.deliveries[-1]
    assert event.fork and event.head_repository == "mallory/quayside" and event.author == "mallory"
    assert payload["pull_request"]["head"]["repo"]["fork"] is True
    assert event.head_sha == road.feature  # served from the base repository, as GitHub serves it
    code, out, _ = road.pr(capsys, "--branch", "feature")  # the same branch, not from the fork
    assert code == 0 and out.startswith(f"pull request #2 {REPO}:feature -> main: opened")


@pytest.mark.parametrize(
    ("setup", "args", "words"),
    [
        ("on-main", (), "name the branch to propose with --branch"),
        (None, ("--branch", "nope"), "branch 'nope' is not in"),
        (None, ("--branch=--upload-pack=x",), "is not in"),
        (None, ("--close",), "has no open pull request from local:feature into main"),
        (None, ("--reopen",), "has no closed pull request from local:feature into main"),
        (None, ("--fork=-rf",), "is not a GitHub owner name"),
        ("no-github", (), "no local GitHub is serving repositories"),
        ("github-down", (), "does not answer"),
        ("same-commit", (), "No commits between"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(
    road: Road, capsys: pytest.CaptureFixture[str], setup: str | None, args: tuple[str, ...], words: str
) -> None:
    if setup == "on-main":
        git(road.folder, "checkout", "-q", "main")
    elif setup == "no-github":
        (road.state / "github.json").unlink()
    elif setup == "github-down":
        road.github.stop()
    elif setup == "same-commit":
        git(road.folder, "checkout", "-q", "-b", "empty", "main")
    code, out, err = road.pr(capsys, *args)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and words in err
    assert road.receiver.deliveries == []


def test_a_pull_request_whose_branch_was_deleted_still_closes(
    road: Road, capsys: pytest.CaptureFixture[str]
) -> None:
    assert road.pr(capsys)[0] == 0
    git(road.folder, "checkout", "-q", "main")
    git(road.folder, "branch", "-q", "-D", "feature")
    code, out, err = road.pr(capsys, "--branch", "feature", "--close")
    assert code == 0, err
    assert out.startswith(f"pull request #1 {REPO}:feature -> main: closed (delivery ")
    _, event, _ = road.receiver.deliveries[-1]
    assert event.action == "closed" and event.head_sha == road.feature  # the head it had
    code, _, err = road.pr(capsys, "--branch", "feature", "--reopen")
    assert code == 2 and "branch 'feature' is not in" in err


def test_a_refused_delivery_is_an_error_and_is_sent_again(
    road: Road, capsys: pytest.CaptureFixture[str]
) -> None:
    secret, road.receiver.secret = road.receiver.secret, "not the site's secret"
    code, out, err = road.pr(capsys)
    assert code == 1 and out == ""
    assert err.startswith("error: pull request #1 local/quayside:feature -> main: opened (delivery ")
    assert "), refused by the API: 401 " in err and len(err.splitlines()) == 1
    road.receiver.secret = secret
    code, out, _ = road.pr(capsys)  # the pull request is open; its head was never delivered
    assert code == 0 and ": synchronize (delivery " in out


def test_run_from_another_folder_it_says_where_to_run_it(
    road: Road, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["pr", "quayside", "--state-dir", str(tmp_path / "elsewhere" / ".presslift")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.strip() == (
        f"error: no local cloud keeps its state in {tmp_path / 'elsewhere' / '.presslift'} (it is not "
        "there): run this from the folder presslift up --github DIR runs in, or pass --state-dir with "
        "the one it uses"
    )
    assert road.receiver.deliveries == []
