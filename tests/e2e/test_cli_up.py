"""`presslift up` as a user runs it: a banner with every endpoint, a working API, Ctrl-C stops it."""

from __future__ import annotations

import os
import signal
import urllib.error
import urllib.request

import pytest
from botocore.credentials import Credentials

from presslift.api_client import ApiClient
from presslift.localcloud import local_identity
from tests.conftest import free_port
from tests.e2e.conftest import presslift_up

pytestmark = pytest.mark.e2e


def test_up_prints_the_banner_serves_and_stops_on_ctrl_c(tmp_path):
    aws_port, api_port = free_port(), free_port()
    dashboard_port = free_port()
    env = {
        **os.environ,
        "PRESSLIFT_AWS_PORT": str(aws_port),
        "PRESSLIFT_API_PORT": str(api_port),
        "PRESSLIFT_DASHBOARD_PORT": str(dashboard_port),
    }
    proc, banner = presslift_up(env, "--state-dir", str(tmp_path / "state"))
    try:
        for expected in (
            f"http://127.0.0.1:{aws_port}",
            f"http://127.0.0.1:{api_port}/api/runs",
            f"http://127.0.0.1:{dashboard_port}/",
            "presslift-ingest",
            "presslift-artifacts",
            "presslift-site-staging",
            "presslift-deploy",
            "outbox",
            "efs",
        ):
            assert expected in banner, banner
        with pytest.raises(urllib.error.HTTPError) as refused:  # operators only
            urllib.request.urlopen(f"http://127.0.0.1:{api_port}/api/runs", timeout=10)
        assert refused.value.code == 403
        ((key_id, secret),) = local_identity().items()
        operator = ApiClient(f"http://127.0.0.1:{api_port}/api", credentials=Credentials(key_id, secret))
        assert operator.request("GET", "/runs")[0] == 200  # signed with the local cloud's own keys
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        assert "Stopped." in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{api_port}/api/runs", timeout=2)
