"""The local cloud keeps its state across restarts: sites with their own webhook secrets, runs, objects,
queued messages and distribution ids come back as they were; `--fresh` starts empty and sets the old
state aside; a kill -9 leaves a state that loads; piped output of `presslift up` keeps URLs whole."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from chalicelib.errors import NotFoundError
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage
from chalicelib.secrets import webhook_secret_name
from chalicelib.sitemodel import Site
from presslift.localcloud import LocalCloud, LocalCloudError, LocalCloudOptions
from presslift.localcloud.state import BLOB_DIR, STATE_FILE
from tests.conftest import free_port
from tests.e2e.conftest import presslift_up, register

pytestmark = pytest.mark.e2e


def _reset_moto() -> None:
    """What a new `presslift up` process starts with: no moto state in memory."""
    from moto.moto_api import _internal

    _internal.moto_api_backend.reset()


@pytest.fixture
def environment() -> Iterator[None]:
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _start(state_dir: Path, **options: object) -> LocalCloud:
    _reset_moto()
    return LocalCloud(
        LocalCloudOptions(
            state_dir=state_dir,
            aws_port=free_port(),
            api_port=free_port(),
            schedule_seconds=3600,
            **options,  # type: ignore[arg-type]
        )
    ).start()


def _dead_letters(cloud: LocalCloud) -> list[str]:
    sqs = boto3.client("sqs")
    url = cloud.provisioned.dead_letter_urls["build"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    return [message["Body"] for message in got.get("Messages", [])]


def test_restart_keeps_sites_secrets_runs_objects_messages_and_distributions(tmp_path, environment):
    state = tmp_path / "state"
    first = _start(state)
    try:
        assert first.services is not None and first.settings is not None
        secret = register(first, Site("keeper", repo="acme/keeper"))
        first.services.runs.create(
            Run(
                id="20260101-000000-000-abcdef",
                site="keeper",
                kind="hugo",
                trigger=Trigger("push", summary="a kept run"),
                stages=[Stage("fetch")],
            )
        )
        boto3.client("s3").put_object(
            Bucket=first.settings.artifacts_bucket,
            Key="keeper/note.txt",
            Body=b"kept",
            ContentType="text/plain",
        )
        page = b"<html>" + b"kept as a file of its own " * 400  # over BLOB_MIN_BYTES
        boto3.client("s3").put_object(
            Bucket=first.settings.artifacts_bucket, Key="keeper/page.html", Body=page
        )
        boto3.client("sqs").send_message(
            QueueUrl=first.provisioned.dead_letter_urls["build"], MessageBody="a message that failed"
        )
        distributions = dict(first.provisioned.distributions)
    finally:
        first.stop()
    assert (state / STATE_FILE).is_file()
    # Secrets, the token and approval emails inside: no one but its owner may enter the folder.
    assert state.stat().st_mode & 0o777 == 0o700 and (state / STATE_FILE).stat().st_mode & 0o777 == 0o600

    second = _start(state)
    try:
        assert second.services is not None and second.settings is not None
        assert second.restored > 0
        assert second.provisioned.distributions == distributions
        assert second.services.sites.get("keeper").repo == "acme/keeper"
        assert second.services.secrets.get(webhook_secret_name("keeper")) == secret
        assert second.services.runs.get("20260101-000000-000-abcdef").site == "keeper"
        stored = boto3.client("s3").get_object(Bucket=second.settings.artifacts_bucket, Key="keeper/note.txt")
        assert stored["Body"].read() == b"kept" and stored["ContentType"] == "text/plain"
        large = boto3.client("s3").get_object(Bucket=second.settings.artifacts_bucket, Key="keeper/page.html")
        assert large["Body"].read() == page
        assert len(list((state / BLOB_DIR).iterdir())) == 1
        assert _dead_letters(second) == ["a message that failed"]
        assert "restored" in second.banner()
    finally:
        second.stop()

    fresh = _start(state, fresh=True)
    try:
        assert fresh.services is not None
        assert fresh.restored == 0
        assert (state / f"{STATE_FILE}.previous").is_file()  # set aside, not deleted
        assert len(list((state / f"{BLOB_DIR}.previous").iterdir())) == 1  # with its object bodies
        assert fresh.services.sites.list() == []
        with pytest.raises(NotFoundError):
            fresh.services.runs.get("20260101-000000-000-abcdef")
        assert _dead_letters(fresh) == []
        assert "set aside" in fresh.banner()
    finally:
        fresh.stop()


def test_a_state_file_that_cannot_be_read_is_refused_with_the_way_out(tmp_path, environment):
    state = tmp_path / "state"
    state.mkdir()
    (state / STATE_FILE).write_bytes(b"not a snapshot")
    _reset_moto()
    cloud = LocalCloud(LocalCloudOptions(state_dir=state, aws_port=free_port(), api_port=free_port()))
    with pytest.raises(LocalCloudError, match=r"--fresh"):
        cloud.start()
    assert (state / STATE_FILE).read_bytes() == b"not a snapshot"  # nothing of theirs is touched


def _up(state: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    return presslift_up(env, "--state-dir", str(state))


def test_two_local_clouds_cannot_share_one_state(tmp_path, environment):
    first = _start(tmp_path / "state")
    try:
        second = LocalCloud(
            LocalCloudOptions(state_dir=tmp_path / "state", aws_port=free_port(), api_port=free_port())
        )
        with pytest.raises(LocalCloudError, match="another presslift up is using the state"):
            second.start()
    finally:
        first.stop()


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "presslift.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _wait_for_snapshot(path: Path, *markers: bytes) -> None:
    """Until the saved state holds every marker (names are stored as they are in the pickle)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(m in path.read_bytes() for m in markers):
        time.sleep(0.2)


def test_piped_up_keeps_urls_whole_and_a_kill_9_keeps_what_was_saved(tmp_path):
    state = tmp_path / "state"
    env = {
        **os.environ,
        "PRESSLIFT_AWS_PORT": str(free_port()),
        "PRESSLIFT_API_PORT": str(free_port()),
        "PRESSLIFT_DASHBOARD_PORT": str(free_port()),
        "COLUMNS": "80",
    }
    proc, banner = _up(state, env)
    try:
        assert proc.poll() is None, banner
        dashboard = f"http://127.0.0.1:{env['PRESSLIFT_DASHBOARD_PORT']}/"
        assert dashboard in banner
        drop = (
            "imports/<site>/<name>.xml (or .xml.gz, or a .zip of its parts)"
            "  (media: imports/<site>/uploads.zip, put first)"
        )
        assert any(drop in line for line in banner.splitlines()), banner
        cloudfront = next(line for line in banner.splitlines() if "CloudFront" in line)

        added = _cli(env, "site", "add", "survivor", "--repo", "acme/survivor-site-with-a-long-name")
        webhook = f"http://127.0.0.1:{env['PRESSLIFT_API_PORT']}/api/webhooks/github"
        # Rich wrapped this at 80 columns when piped; now the sentence and its URL stay on one line.
        sentence = f"Point the repository's webhook at POST {webhook}"
        assert sentence in added.splitlines(), added
        secret = re.search(r"^\s+([0-9a-f]{32,})\s*$", added, re.MULTILINE)
        assert secret, added
        _wait_for_snapshot(state / STATE_FILE, b"acme/survivor-site-with-a-long-name", b"secret/survivor")
        proc.send_signal(signal.SIGKILL)  # no chance to save on the way out
        proc.wait(timeout=20)

        proc, banner = _up(state, env)
        assert proc.poll() is None, banner
        assert cloudfront in banner.splitlines()
        assert "survivor" in _cli(env, "site", "list")
        ssm = boto3.client(
            "ssm",
            endpoint_url=f"http://127.0.0.1:{env['PRESSLIFT_AWS_PORT']}",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        kept = ssm.get_parameter(Name=webhook_secret_name("survivor"), WithDecryption=True)
        assert kept["Parameter"]["Value"] == secret.group(1)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0  # a bound for a hang, not a timing assert
    finally:
        if proc.poll() is None:
            proc.kill()
