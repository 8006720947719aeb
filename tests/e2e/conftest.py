"""End-to-end tests: the local cloud on free ports, driven over S3 and HTTP as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from botocore.credentials import Credentials

from chalicelib.sites import Site
from chalicelib.sites import register as register_site
from presslift.api_client import ApiClient
from presslift.dashboard import SigningProxy
from presslift.localcloud import LocalCloud, LocalCloudOptions, local_identity
from presslift.localgithub import LocalGitHub
from tests.conftest import free_port


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloud]:
    saved = dict(os.environ)
    options = LocalCloudOptions(
        state_dir=tmp_path_factory.mktemp("presslift-state"),
        aws_port=free_port(),
        api_port=free_port(),
        github_token="e2e-github-token",
        schedule_seconds=3600,
    )
    # moto keeps its backends per process, not per server: without a reset, an earlier module's runs
    # (in the same table name) would show up in this module's cloud.
    from moto.moto_api import _internal

    _internal.moto_api_backend.reset()
    local = LocalCloud(options)
    local.start()
    try:
        yield local
    finally:
        local.stop()
        os.environ.clear()
        os.environ.update(saved)


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
    return register_site(cloud.services, site)


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
