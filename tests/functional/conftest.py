"""Functional tests run against moto (in-process `mock_aws`), with the pipeline's real resources."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib.config import Settings
from chalicelib.services import Services, use_services


@pytest.fixture
def aws() -> Iterator[dict[str, Any]]:
    with mock_aws():
        session = boto3.session.Session(region_name="us-east-1")
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
