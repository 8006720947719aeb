"""`presslift diff RUN [--against prod|RUN] [--json]`: the command as an operator types it, against a
moto server standing in for the local cloud (real HTTP on loopback)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest

from chalicelib.config import Settings
from chalicelib.services import Services
from presslift.localcloud import LocalCloudOptions, client_environment
from presslift.localcloud.provision import provision
from tests.conftest import moto_server
from tests.functional.review.seed import Seeded, seed


@pytest.fixture
def local_cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """A moto server where the CLI looks for the local cloud, provisioned as `presslift up` does."""
    with moto_server() as endpoint:
        monkeypatch.setenv("PRESSLIFT_AWS_PORT", str(urlsplit(endpoint).port))
        for name, value in client_environment(LocalCloudOptions()).items():
            monkeypatch.setenv(name, value)
        settings = Settings.from_env()
        names = ("s3", "sqs", "sns", "dynamodb", "cloudfront")
        provision(settings, {name: boto3.client(name, endpoint_url=endpoint) for name in names})
        yield Services(settings)


@pytest.fixture
def seeded(local_cloud: Services, tmp_path: Path) -> Seeded:
    return seed(local_cloud, tmp_path)


def presslift(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from presslift.cli import main

    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_diff_prints_the_review_as_text(seeded: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = presslift(["diff", seeded.new.id], capsys)
    assert code == 0
    assert f"Changes in run {seeded.new.id} of harbour against prod (run {seeded.live.id}'s build)" in out
    assert "Post 3 · Blog  https://harbour.example/posts/p3/" in out
    assert "    - Words of post 3." in out
    assert "    + Words of post 3, corrected." in out
    assert "8 pages changed only in site-wide parts" in out
    assert "  + /old-p3/ -> https://harbour.example/posts/p3/" in out
    assert "Read 8 of" in out


def test_diff_json_against_another_run(seeded: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = presslift(["diff", seeded.live.id, "--against", seeded.new.id, "--json"], capsys)
    assert code == 0
    data: dict[str, Any] = json.loads(out)
    assert data["against"] == f"run {seeded.new.id}"
    (changed,) = data["pages"]["changed"]
    assert changed["url"] == "https://harbour.example/posts/p3/"
    assert changed["changes"][0]["inline"] == "Words of post [-3, corrected.-]{+3.+}"
    assert data["assets"]["stylesheets"][0]["change"] == "replaced"
    assert data["files_read"] <= data["changed_files"]


def test_diff_of_an_unknown_run_is_one_line_and_exit_code_2(
    local_cloud: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = presslift(["diff", "20260101-000000-000-000000"], capsys)
    assert code == 2
    assert out == ""
    assert err.strip() == "error: no run with id '20260101-000000-000-000000'"
