"""A code site through the local cloud: a push bundles the repository and drops it onto the EFS
stages dev, then stage, then (after one approval) prod, each switched atomically; rollback is one switch."""

from __future__ import annotations

import json
import os
import urllib.request

import pytest

from chalicelib.sitemodel import Site
from standins.github.payloads import push_payload, webhook_request
from tests.e2e.conftest import local_github, register, wait_for_commit_states

pytestmark = pytest.mark.e2e

REPO = "acme/worker"
SECRETS: dict[str, str] = {}
APP = "worker-app"  # the operator names the EFS folder (the repository cannot)
CONFIG = b"""kind = "code"

[code]
exclude = ["tests/**"]
check = ["python", "-m", "compileall", "-q", "."]
"""


@pytest.fixture(scope="module")
def github(cloud):
    with local_github(REPO) as server:
        SECRETS["worker"] = register(cloud, Site("worker", repo=REPO, kind="code", code_app=APP))
        yield server


def push(api, github, version: str) -> dict:
    files = {
        "presslift.toml": CONFIG,
        "worker/__init__.py": f'VERSION = "{version}"\n'.encode(),
        "worker/jobs.py": b"def run():\n    return 42\n",
        "tests/test_jobs.py": b"def test_run():\n    assert True\n",
    }
    before = github.add_commit(REPO, {"README.md": b"old"})
    after = github.add_commit(REPO, files)
    body, headers = webhook_request(
        "push",
        push_payload(REPO, "refs/heads/main", before, after, ["worker/__init__.py"]),
        SECRETS["worker"],
    )
    request = urllib.request.Request(
        api.base_url + "/webhooks/github", data=body, headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        run_id = json.loads(response.read())["run_id"]
    return api.wait_for_run(run_id, lambda r: r["status"] != "running", timeout=240)


def live_version(cloud, stage: str) -> str:
    current = cloud.efs_dir / stage / APP / "current"
    assert current.is_symlink() and not os.path.isabs(os.readlink(current))
    return (current / "worker" / "__init__.py").read_text()


def test_a_push_drops_dev_and_stage_then_prod_after_approval_and_rolls_back(cloud, api, github, monkeypatch):
    from presslift.cli import main

    first = push(api, github, "1.0")
    assert first["status"] == "awaiting_approval", first
    assert [s["name"] for s in first["stages"]] == [
        "fetch",
        "build",
        "codedrop-dev",
        "codedrop-stage",
        "approval",
        "codedrop-prod",
    ]
    assert '"1.0"' in live_version(cloud, "dev") and '"1.0"' in live_version(cloud, "stage")
    assert not (cloud.efs_dir / "prod" / APP / "current").exists()
    assert not (cloud.efs_dir / "dev" / APP / "current" / "tests").exists()  # excluded
    # The code-drop function cannot reach GitHub: the deploy function posts what it handed over.
    sha = first["trigger"]["sha"]
    states = wait_for_commit_states(github, REPO, sha, lambda states: "success" in states)
    assert states == ["pending", "success"]
    assert github.statuses(REPO, sha)[-1].description == "dropped on dev and stage"
    email = cloud.wait_for_email(lambda e: first["id"] in e.body and "/approvals/" in e.body, timeout=30)
    assert "prod" in email.body and "worker" in email.body

    monkeypatch.setenv("PRESSLIFT_AWS_PORT", str(cloud.options.aws_port))
    monkeypatch.setenv("PRESSLIFT_API_PORT", str(cloud.options.api_port))
    assert main(["approve", first["id"], "--yes"]) == 0
    first = api.wait_for_run(first["id"], lambda r: r["status"] != "running", timeout=120)
    assert first["status"] == "succeeded", first
    assert '"1.0"' in live_version(cloud, "prod")
    # One release on prod: refused before anything is queued (it was queued, then failed at the mount).
    runs_before = len(api.runs("worker"))
    assert main(["rollback", "worker", "prod", "--yes"]) == 2
    assert len(api.runs("worker")) == runs_before

    second = push(api, github, "2.0")
    assert main(["approve", second["id"], "--yes"]) == 0
    second = api.wait_for_run(second["id"], lambda r: r["status"] != "running", timeout=120)
    assert second["status"] == "succeeded" and '"2.0"' in live_version(cloud, "prod")
    drop = second["stages"][-1]["detail"]["drop"]
    assert drop["files_copied"] == 1  # only the changed file is written; the rest is hard-linked

    assert main(["rollback", "worker", "prod", "--yes"]) == 0
    rollback = api.runs("worker")[0]
    rollback = api.wait_for_run(rollback["id"], lambda r: r["status"] != "running", timeout=120)
    assert rollback["status"] == "succeeded", rollback
    assert '"1.0"' in live_version(cloud, "prod")
