"""The GitHub road tried as the README tells it, with no code: `presslift up --github DIR` over a real git
repository holding a small Hugo site, `presslift site add`, a commit, `presslift push SITE`, and the run
reaches staging with the committed page; the local GitHub serves the repository as git has it."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from botocore.credentials import Credentials

from presslift.api_client import ApiClient
from presslift.localcloud import local_identity
from tests.conftest import free_port
from tests.e2e.conftest import fetch, presslift_up

pytestmark = pytest.mark.e2e

GIT_USER = ["-c", "user.name=Jane Doe", "-c", "user.email=jane@example.org"]


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *GIT_USER, *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def write(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def hugo_site(title: str) -> dict[str, str]:
    """A small Hugo site with no theme of its own (the pipeline renders it with its default theme)."""
    return {
        "presslift.toml": 'watch_paths = ["content", "hugo.toml"]\n',
        "hugo.toml": 'title = "Quayside"\n',
        "content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
        "content/posts/news.md": f"---\ntitle: {title}\ndate: 2026-01-02\n---\nFresh from the quay.\n",
    }


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "presslift.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


def _printed_line(proc: subprocess.Popen[str], pattern: re.Pattern[str], timeout: float = 60) -> str:
    """The first line `proc` prints that matches `pattern` (what it printed, if none did in time). A
    thread reads the pipe: the text wrapper buffers lines that a select() on the pipe would not see."""
    assert proc.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if pattern.match(line.rstrip("\n")):
            return line.strip()
        seen.append(line)
    return "".join(seen)


def test_up_github_site_add_commit_push_reaches_staging(tmp_path):
    repos = tmp_path / "repos"
    repo = repos / "quayside"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    write(repo, hugo_site("First Light"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "First light")
    (repos / "notes").mkdir()  # a folder that is no repository is passed over

    state = tmp_path / "state"
    env = {
        **os.environ,
        "PRESSLIFT_AWS_PORT": str(free_port()),
        "PRESSLIFT_API_PORT": str(free_port()),
        "PRESSLIFT_DASHBOARD_PORT": str(free_port()),
        "PRESSLIFT_GITHUB_PORT": str(free_port()),
    }
    proc, banner = presslift_up(env, "--state-dir", str(state), "--github", str(repos))
    try:
        assert proc.poll() is None, banner
        assert f"http://127.0.0.1:{env['PRESSLIFT_GITHUB_PORT']}" in banner
        assert f"local/quayside  ({repo.resolve()})" in banner

        added = cli(env, "site", "add", "quayside", "--repo", "local/quayside")
        assert added.returncode == 0, added.stderr

        write(
            repo, {"content/posts/news.md": "---\ntitle: Tide Tables Are Back\ndate: 2026-01-03\n---\nHi.\n"}
        )
        git(repo, "commit", "-q", "-am", "Tide tables are back")
        head = git(repo, "rev-parse", "HEAD")

        pushed = cli(env, "push", "quayside", "--state-dir", str(state))
        assert pushed.returncode == 0, pushed.stderr
        assert f"local/quayside@{head[:7]} to main of site quayside: run " in pushed.stdout
        run_id = re.search(r": run (\S+)", pushed.stdout).group(1)  # type: ignore[union-attr]

        ((key_id, secret),) = local_identity().items()
        api = ApiClient(
            f"http://127.0.0.1:{env['PRESSLIFT_API_PORT']}/api", credentials=Credentials(key_id, secret)
        )
        run = api.wait_for_run(run_id, lambda r: r["status"] != "running", timeout=240)
        assert run["status"] == "awaiting_approval", run
        assert run["trigger"]["type"] == "push" and run["trigger"]["sha"] == head
        assert "Tide tables are back" in run["trigger"]["summary"]
        status, page = fetch(run["urls"]["staging"] + "posts/news/")
        assert status == 200 and "Tide Tables Are Back" in page
        # `presslift up` prints the approval email's links; piped, each stays whole on its line.
        link = _printed_line(
            proc, re.compile(r"^\s+http://127\.0\.0\.1:\d+/api/approvals/\S+\?token=\S{16,}$")
        )
        assert run_id in link, link

        # An older commit is not the branch's head: the command says so, as the run will end superseded.
        older = cli(env, "push", "quayside", "--commit", "HEAD~1", "--state-dir", str(state))
        assert "is not the head of main" in older.stderr, older.stdout + older.stderr
        missing = cli(env, "push", "quayside", "--commit", "--upload-pack=x", "--state-dir", str(state))
        assert missing.returncode != 0 and "Traceback" not in missing.stderr

        unknown = cli(env, "push", "nosuchsite", "--state-dir", str(state))
        assert unknown.returncode == 2 and "nosuchsite" in unknown.stderr
        assert "Traceback" not in unknown.stderr

        # A second site's repository, put in the folder while the local cloud runs, is served too.
        harbour = repos / "harbour"
        harbour.mkdir()
        git(harbour, "init", "-q", "-b", "main")
        write(harbour, hugo_site("Harbour"))
        git(harbour, "add", "-A")
        git(harbour, "commit", "-q", "-m", "Harbour")
        assert cli(env, "site", "add", "harbour", "--repo", "local/harbour").returncode == 0
        served = state / "github.json"
        deadline = time.monotonic() + 30  # a bound for a hang: the folder is looked at every second
        while "local/harbour" not in served.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        second = cli(env, "push", "harbour", "--state-dir", str(state))
        assert second.returncode == 0 and "local/harbour@" in second.stdout, second.stderr

        # A pull request from a branch: `presslift up` keeps it between commands; each change is delivered.
        git(repo, "checkout", "-q", "-b", "tide-times")
        write(repo, {"content/posts/news.md": "---\ntitle: Tide Times\ndate: 2026-01-04\n---\nHigh water.\n"})
        git(repo, "commit", "-q", "-am", "Tide times")
        opened = cli(env, "pr", "quayside", "--state-dir", str(state))
        assert opened.returncode == 0, opened.stdout + opened.stderr
        assert re.match(
            r"pull request #1 local/quayside:tide-times -> main: opened \(delivery \S+\): ", opened.stdout
        )
        again = cli(env, "pr", "quayside", "--state-dir", str(state))
        assert again.returncode == 0 and "no change since the last delivery" in again.stdout, again.stderr
        closed = cli(env, "pr", "quayside", "--close", "--state-dir", str(state))
        assert closed.returncode == 0 and ": closed (delivery " in closed.stdout, closed.stderr
        github = f"http://127.0.0.1:{env['PRESSLIFT_GITHUB_PORT']}/repos/local/quayside/pulls/1"
        status, answer = fetch(github)
        assert status == 200 and '"state": "closed"' in answer
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0  # a bound for a hang, not a timing assert
    finally:
        if proc.poll() is None:
            proc.kill()
    stopped = cli(env, "push", "quayside", "--state-dir", str(state))
    assert stopped.returncode == 2 and "presslift up --github" in stopped.stderr


def test_up_github_refuses_a_folder_without_repositories(tmp_path):
    env = {**os.environ, "PRESSLIFT_AWS_PORT": str(free_port()), "PRESSLIFT_API_PORT": str(free_port())}
    done = cli(env, "up", "--state-dir", str(tmp_path / "state"), "--github", str(tmp_path))
    assert done.returncode == 2
    assert "is not a git repository and holds none" in done.stderr and "Traceback" not in done.stderr
