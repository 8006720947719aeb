"""Commit statuses of a code site: the code-drop function never talks to GitHub, the deploy function does.

On AWS the code-drop function sits in a VPC with no route to GitHub. Here it runs with the GitHub API
pointed at a listener that counts every connection attempt and answers none, and must make none; the
statuses it hands over reach the local GitHub server through the deploy function's handler.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import pytest

from chalicelib import events
from chalicelib.manifest import Manifest, scan_tree
from chalicelib.runparts import ArtifactRef, Trigger
from chalicelib.runs import Run, Stage, new_run_id
from chalicelib.services import Services, use_services
from chalicelib.sitemodel import Site
from chalicelib.work import artifacts
from presslift.localcloud.dispatcher import lambda_event
from standins.github import LocalGitHub

REPO = "acme/worker"
TOKEN = "t0ken"
CODE_TOML = 'kind = "code"\n'


class Unreachable:
    """A port that accepts TCP connections only to count and drop them: GitHub as the VPC sees it."""

    def __init__(self) -> None:
        self.attempts = 0
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            self.attempts += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._sock.close()


@pytest.fixture
def unreachable() -> Iterator[Unreachable]:
    listener = Unreachable()
    yield listener
    listener.close()


@pytest.fixture
def svc(provisioned: Services, tmp_path: Path, github: LocalGitHub) -> Iterator[Services]:
    provisioned.settings = replace(provisioned.settings, efs_mount=str(tmp_path / "efs"))
    ssm = boto3.client("ssm", region_name="us-east-1")
    ssm.put_parameter(Name="/presslift/github/token", Value=TOKEN, Type="SecureString")
    provisioned.sites.add(Site("worker", repo=REPO, kind="code"))
    github.add_repo(REPO, tokens=[TOKEN])
    use_services(provisioned)
    yield provisioned
    use_services(None)


def code_run(svc: Services, sha: str, *, bundle: Path | None) -> Run:
    """A push run of the code site whose build is done (its bundle stored, when given)."""
    run_id = new_run_id(svc.clock())
    if bundle is not None:
        manifest = Manifest("worker", run_id, "code", "", scan_tree(bundle))
        artifacts(svc).put_tree(bundle, manifest)
    run = Run(
        id=run_id,
        site="worker",
        kind="code",
        trigger=Trigger("push", repository=REPO, sha=sha, branch="main"),
        stages=[
            Stage("fetch", "succeeded"),
            Stage("build", "succeeded"),
            *(Stage(name) for name in ("codedrop-dev", "codedrop-stage", "approval", "codedrop-prod")),
        ],
        artifact=ArtifactRef(artifact_run=run_id, presslift_toml=CODE_TOML),
        generation=svc.sites.next_generation("worker"),
    )
    return svc.runs.create(run)


def deliver(svc: Services, function: str) -> list[events.Message]:
    """Feed what waits on `function`'s queue to the app's handler, as Lambda would; what it handled."""
    import app

    role = function
    url = svc.queue_url(role)
    arn = svc.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    handled: list[events.Message] = []
    while True:
        got: list[dict[str, Any]] = svc.sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=1, AttributeNames=["All"]
        ).get("Messages", [])
        if not got:
            return handled
        result = app.app.handler_map[function](lambda_event(got, arn, "us-east-1"), None)
        assert result == {"batchItemFailures": []}
        svc.sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
        handled.append(events.decode(got[0]["Body"]))


def test_code_drops_hand_their_statuses_to_the_deploy_function(
    svc: Services,
    github: LocalGitHub,
    unreachable: Unreachable,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    sha = github.add_commit(REPO, {"worker/__init__.py": b"VERSION = 1\n"})
    bundle = tmp_path / "bundle"
    (bundle / "worker").mkdir(parents=True)
    (bundle / "worker" / "__init__.py").write_text("VERSION = 1\n")
    run = code_run(svc, sha, bundle=bundle)
    svc.send(
        "codedrop", events.encode(events.DeployRequest(run.id, "worker", "dev")), group="worker", dedup="d"
    )

    monkeypatch.setenv("PRESSLIFT_GITHUB_API", unreachable.url)
    dropped = deliver(svc, "codedrop")
    assert [m.stage for m in dropped if isinstance(m, events.DeployRequest)] == ["dev", "stage"]
    assert svc.runs.get(run.id).status == "awaiting_approval"
    assert unreachable.attempts == 0
    assert github.requests == []

    monkeypatch.setenv("PRESSLIFT_GITHUB_API", github.url)
    (handed,) = deliver(svc, "deploy")
    assert isinstance(handed, events.CommitStatus) and handed.state == "success"
    (status,) = github.statuses(REPO, sha)
    assert (status.state, status.description, status.context) == (
        "success",
        "dropped on dev and stage",
        "presslift",
    )
    assert status.target_url == svc.settings.links.run_page(run.id)
    assert unreachable.attempts == 0


def test_a_failed_code_drop_hands_over_its_failure(
    svc: Services, github: LocalGitHub, unreachable: Unreachable, monkeypatch: pytest.MonkeyPatch
) -> None:
    sha = github.add_commit(REPO, {"worker/__init__.py": b"VERSION = 2\n"})
    run = code_run(svc, sha, bundle=None)  # no bundle stored: the drop fails
    svc.send(
        "codedrop", events.encode(events.DeployRequest(run.id, "worker", "dev")), group="worker", dedup="f"
    )

    monkeypatch.setenv("PRESSLIFT_GITHUB_API", unreachable.url)
    deliver(svc, "codedrop")
    assert svc.runs.get(run.id).stage("codedrop-dev").status == "failed"
    assert unreachable.attempts == 0

    monkeypatch.setenv("PRESSLIFT_GITHUB_API", github.url)
    deliver(svc, "deploy")
    assert [s.state for s in github.statuses(REPO, sha)] == ["failure"]


def test_a_handed_over_status_is_sent_once_per_run_and_state(
    svc: Services, github: LocalGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:

    sha = github.add_commit(REPO, {"a": b"a"})
    run = code_run(svc, sha, bundle=None)
    for _ in range(2):  # a retried stage hands the same status over again
        svc.notifier.commit_status(run, "pending", "building")
    monkeypatch.setenv("PRESSLIFT_GITHUB_API", github.url)
    assert len(deliver(svc, "deploy")) == 1
    assert [s.state for s in github.statuses(REPO, sha)] == ["pending"]


def test_statuses_of_runs_not_pushed_are_never_handed_over(svc: Services) -> None:

    run = svc.runs.create(
        Run(id=new_run_id(), site="worker", kind="code", trigger=Trigger("rollback"), stages=[])
    )
    svc.notifier.commit_status(run, "success", "rolled back")
    assert deliver(svc, "deploy") == []


def test_giving_up_on_a_status_message_fails_no_run(svc: Services, github: LocalGitHub) -> None:
    from chalicelib import pipeline

    sha = github.add_commit(REPO, {"a": b"b"})
    run = code_run(svc, sha, bundle=None)
    status = events.CommitStatus(run.id, "worker", REPO, sha, "pending", "building", "http://x/")
    pipeline.give_up(svc, events.encode(status), RuntimeError("GitHub down"))
    assert svc.runs.get(run.id).status == "running"
