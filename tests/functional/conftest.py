"""Functional tests run against moto (in-process `mock_aws`), with the pipeline's real resources."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib.buildrunner.invoke import ProcessRunner
from chalicelib.config import Settings
from chalicelib.services import Services, aws_session, use_services
from tests.conftest import moto_server


@pytest.fixture
def aws() -> Iterator[dict[str, Any]]:
    with mock_aws():
        session = aws_session(region_name="us-east-1")  # botocore's models read once per worker
        yield {name: session.client(name) for name in ("s3", "sqs", "sns", "dynamodb", "cloudfront")}


@pytest.fixture
def provisioned(aws: dict[str, Any]) -> Services:
    from presslift.localcloud.provision import provision

    settings = Settings.from_env({})
    provision(settings, aws)
    return Services(settings)


@pytest.fixture
def api(provisioned: Services) -> Iterator[Client]:
    """app.py's own routes through Chalice's test client, with the test's services (moto)."""
    import app

    use_services(provisioned)
    try:
        with Client(app.app) as client:
            yield client
    finally:
        use_services(None)


class PresignedRunner(ProcessRunner):
    """The runner as the runner function gets its job: presigned URLs only (a child process here)."""

    shares_disk = False


@pytest.fixture
def presigned(monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """The pipeline's resources on a moto server (presigned URLs need one to answer them), with the
    build runner handed presigned URLs as the runner function is."""
    from presslift.localcloud.provision import provision

    with moto_server() as endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        settings = Settings.from_env({})
        svc = Services(settings)
        names = ("s3", "sqs", "sns", "dynamodb", "cloudfront")
        provision(settings, {name: getattr(svc, name) for name in names})
        svc.__dict__["build_runner"] = PresignedRunner()
        yield svc
