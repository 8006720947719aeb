"""End-to-end tests: the local cloud on free ports, driven over S3 and HTTP as a user would."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from botocore.credentials import Credentials

from chalicelib.github.api import API_ENV
from chalicelib.logs import registered_secrets
from chalicelib.sitemodel import Site
from chalicelib.sites import register as register_site
from presslift.api_client import ApiClient
from presslift.dashboard import SigningProxy
from presslift.localcloud import LocalCloud, LocalCloudOptions, local_identity
from presslift.localcloud.functionlogs import FUNCTION_LOG
from standins.github import LocalGitHub
from standins.github.payloads import push_payload, webhook_request
from tests.conftest import free_port
from tests.e2e import logsecrets

#: The token the local cloud gives the pipeline for GitHub; `local_github` repositories accept it.
GITHUB_TOKEN = "e2e-github-token"
logsecrets.remember("the GitHub token", GITHUB_TOKEN)


@pytest.fixture(scope="session")
def captured_logs() -> Iterator[logsecrets.LogCapture]:
    """Every log record of the session, at INFO and above (the pipeline's own level on Lambda)."""
    root = logging.getLogger()
    capture, level = logsecrets.LogCapture(), root.level
    root.addHandler(capture)
    root.setLevel(min(level or logging.WARNING, logging.INFO))
    try:
        yield capture
    finally:
        root.removeHandler(capture)
        root.setLevel(level)


@pytest.fixture(autouse=True)
def no_secret_in_logs(request: pytest.FixtureRequest, captured_logs: logsecrets.LogCapture) -> Iterator[None]:
    """Fails a test whose log lines show a known secret, naming it and where (never its value)."""
    start, before = len(captured_logs.lines), registered_secrets()
    yield
    logsecrets.note_reads(before)
    lines = [line for line, _ in captured_logs.lines[start:]]
    leaks = logsecrets.leaks_in(lines, f"the logs of {request.node.nodeid}")
    if leaks:
        pytest.fail("; ".join(leaks), pytrace=False)


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloud]:
    saved = dict(os.environ)
    options = LocalCloudOptions(
        state_dir=tmp_path_factory.mktemp("presslift-state"),
        aws_port=free_port(),
        api_port=free_port(),
        github_token=GITHUB_TOKEN,
        schedule_seconds=3600,
    )
    # moto keeps its backends per process, not per server: without a reset, an earlier module's runs
    # (in the same table name) would show up in this module's cloud.
    from moto.moto_api import _internal

    _internal.moto_api_backend.reset()
    local = LocalCloud(options, on_email=lambda email: logsecrets.remember_approval_tokens(email.links))
    local.start()
    try:
        yield local
    finally:
        local.stop()
        os.environ.clear()
        os.environ.update(saved)
        function_log = local.state_dir / FUNCTION_LOG
        leaks = logsecrets.leaks_in(logsecrets.file_lines(function_log), str(function_log))
        if leaks:
            pytest.fail("; ".join(leaks), pytrace=False)


@pytest.fixture(scope="module")
def api(cloud: LocalCloud) -> ApiClient:
    return ApiClient(cloud.options.api_url)


@pytest.fixture(scope="module")
def dashboard(cloud: LocalCloud) -> Iterator[SigningProxy]:
    """`presslift dashboard --local`: the signing proxy a browser reaches the dashboard through."""
    ((key_id, secret),) = local_identity().items()
    proxy = SigningProxy(cloud.options.api_url, Credentials(key_id, secret)).start()
    try:
        yield proxy
    finally:
        proxy.stop()


def register(cloud: LocalCloud, site: Site) -> str:
    """`presslift site add` through the library, as the CLI does it: the site's own webhook secret."""
    assert cloud.services is not None
    secret = register_site(cloud.services, site)
    logsecrets.remember(f"the webhook secret of site {site.name}", secret)
    return secret


def outbox_files(cloud: LocalCloud) -> list[Path]:
    return sorted(cloud.outbox_dir.glob("*.eml"))


def wait_for_commit_states(
    github: LocalGitHub, repo: str, sha: str, done: Callable[[list[str]], bool], timeout: float = 30
) -> list[str]:
    """The states posted on `sha`, oldest first, once `done` holds for them: statuses arrive after the
    stage that handed them over, when the deploy function has posted them."""
    deadline = time.monotonic() + timeout
    while True:
        states = [s.state for s in github.statuses(repo, sha)]
        if done(states) or time.monotonic() > deadline:
            return states
        time.sleep(0.2)


# What a leak of a function's environment would show in a run or a log: an `env` dump's lines.
ENV_LINE = re.compile(rb"\b(AWS|PRESSLIFT)_[A-Z_]+=")

#: A code site's presslift.toml whose check prints its whole environment (both ways) and fails.
PRINTS_ITS_ENVIRONMENT = b"""kind = "code"

[code]
check = ["sh", "-c", "env; tr '\\\\0' '\\\\n' < /proc/self/environ; exit 1"]
"""


def leaks(secrets: Iterable[str], data: bytes) -> list[str]:
    """The `secrets` found in `data`, and any environment lines (`ENV_LINE`)."""
    found = [value for value in secrets if value and value.encode() in data]
    return found + [match.group().decode() for match in ENV_LINE.finditer(data)]


@contextmanager
def local_github(*repos: str, private: bool = False) -> Iterator[LocalGitHub]:
    """The local GitHub server serving `repos` (readable with `GITHUB_TOKEN`), with the pipeline pointed
    at it (`PRESSLIFT_GITHUB_API`) until the block ends."""
    with LocalGitHub() as server:
        for repo in repos:
            server.add_repo(repo, private=private, tokens=[GITHUB_TOKEN])
        saved = os.environ.get(API_ENV)
        os.environ[API_ENV] = server.url
        try:
            yield server
        finally:
            if saved is None:
                os.environ.pop(API_ENV, None)
            else:
                os.environ[API_ENV] = saved


def send_webhook(api: ApiClient, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """POST a delivery to the webhook, unsigned by AWS (as GitHub sends it): status and JSON answer."""
    request = urllib.request.Request(
        api.base_url + "/webhooks/github", data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def signed_push(
    github: LocalGitHub,
    repo: str,
    files: dict[str, bytes],
    secret: str,
    *,
    pushed_at: int | None = None,
    before: dict[str, bytes] | None = None,
    submodules: dict[str, str] | None = None,
) -> tuple[str, bytes, dict[str, str]]:
    """Two new commits on main (`before`, then `files` and `submodules`) and the push delivery for
    them, signed with `secret`: the pushed commit, the body and the headers."""
    first = github.add_commit(repo, before or {"README.md": b"before"})
    after = github.add_commit(repo, files, submodules=submodules)
    payload = push_payload(repo, "refs/heads/main", first, after, sorted(files), pushed_at=pushed_at)
    body, headers = webhook_request("push", payload, secret)
    return after, body, headers


def run_logs(api: ApiClient, run: dict[str, Any]) -> str:
    """Every log a run's stages kept, read as an operator (signed)."""
    texts = []
    for stage in run["stages"]:
        key = (stage.get("detail") or {}).get("log_key")
        if key:
            name = key.rsplit("/", 1)[-1]
            status, text = api.request("GET", f"/runs/{run['id']}/logs/{name}")
            assert status == 200, text
            texts.append(text)
    return "\n".join(texts)


def push_and_wait(
    api: ApiClient, body: bytes, headers: dict[str, str], timeout: float = 300
) -> dict[str, Any]:
    """Deliver a push the webhook accepts (202), and the run it started once it stops running."""
    status, answer = send_webhook(api, body, headers)
    assert status == 202, answer
    return dict(api.wait_for_run(answer["run_id"], lambda r: r["status"] != "running", timeout=timeout))


def assert_a_replayed_push_builds_nothing(
    api: ApiClient,
    github: LocalGitHub,
    repo: str,
    site: str,
    secret: str,
    page: Callable[[str], dict[str, bytes]],
) -> None:
    """A push, a newer push, then the first delivery's signed body again with a new delivery id: the
    replay is ignored as older than the head the site last built, and the newer run keeps its
    approval."""
    _, old_body, old_headers = signed_push(
        github, repo, page("First"), secret, pushed_at=1_000, before=page("Before")
    )
    first = push_and_wait(api, old_body, old_headers)
    _, body, headers = signed_push(
        github, repo, page("Second"), secret, pushed_at=2_000, before=page("Before")
    )
    newer = push_and_wait(api, body, headers)
    assert newer["status"] == "awaiting_approval", newer
    status, answer = send_webhook(api, old_body, {**old_headers, "X-GitHub-Delivery": str(uuid.uuid4())})
    assert status == 202 and "older than" in answer["ignored"], answer
    assert [run["id"] for run in api.runs(site)] == [newer["id"], first["id"]]
    assert api.run(newer["id"])["status"] == "awaiting_approval"


def assert_a_stale_push_builds_nothing(
    api: ApiClient, github: LocalGitHub, repo: str, secret: str, page: Callable[[str], dict[str, bytes]]
) -> None:
    """A push delivered after the branch moved on: its run is superseded at the fetch, which says why,
    and every later stage is skipped."""
    stale, body, headers = signed_push(
        github, repo, page("Overtaken"), secret, pushed_at=3_000, before=page("Before")
    )
    github.add_commit(repo, page("Newer, not yet delivered"))  # the branch has moved on
    run = push_and_wait(api, body, headers, timeout=120)
    assert run["status"] == "superseded", run
    fetch, *later = run["stages"]
    assert fetch["status"] == "skipped" and f"{stale[:7]} is no longer the head of main" in fetch["error"]
    assert all(stage["status"] == "skipped" for stage in later)


def presslift_up(env: dict[str, str], *args: str, timeout: float = 90) -> tuple[subprocess.Popen[str], str]:
    """`presslift up ARGS` in a subprocess whose output is a pipe (not a terminal), and the banner it
    printed up to "Press Ctrl-C" (or all it printed, if it ended first)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "presslift.cli", "up", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    lines = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line)
        if "Press Ctrl-C" in line or not line:
            break
    return proc, "".join(lines)


def fetch(url: str) -> tuple[int, str]:
    """GET `url` unsigned, as a visitor's browser: (status, text), errors included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def sample_awaiting_approval(cloud: LocalCloud, api: ApiClient, site: str) -> dict[str, Any]:
    """The sample export dropped for `site`, and its run once it is on staging, waiting for approval."""
    from presslift.demo import drop_sample

    drop_sample(cloud.services.s3, cloud.settings.ingest_bucket, site=site)
    run = api.wait_for_new_run(site, set(), timeout=60)
    run = api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=240)
    assert run["status"] == "awaiting_approval", run
    return dict(run)
