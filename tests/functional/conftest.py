"""Functional tests run against moto (in-process `mock_aws`), with the pipeline's real resources."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.config import Settings
from chalicelib.services import Services


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
