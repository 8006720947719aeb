"""`make deploy` writes the secrets it is given to SSM as SecureStrings and leaves the rest alone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from presslift.packaging.ssm_secrets import parameter_names, write_secrets

pytestmark = pytest.mark.xdist_group("packaging")  # one test reads the packaged template


@pytest.fixture
def ssm() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("ssm", region_name="us-east-1")


def test_given_secrets_are_written_as_securestrings_under_the_stage(ssm: Any) -> None:
    written = write_secrets("prod", ssm, {"PRESSLIFT_WEBHOOK_SECRET": "s3cret"})
    assert written == ["/presslift/prod/github/webhook-secret"]
    parameter = ssm.get_parameter(Name=written[0], WithDecryption=True)["Parameter"]
    assert (parameter["Type"], parameter["Value"]) == ("SecureString", "s3cret")


def test_no_secrets_given_changes_nothing(ssm: Any) -> None:
    assert write_secrets("prod", ssm, {}) == []
    assert ssm.describe_parameters()["Parameters"] == []


def test_the_stack_and_the_writer_agree_on_the_parameter_names(cfn_parameters: dict[str, Any]) -> None:
    for parameter, name in parameter_names("prod").items():
        assert cfn_parameters[parameter]["Default"] == name


@pytest.fixture
def cfn_parameters(sam: dict[str, Any]) -> dict[str, Any]:
    return dict(sam["Parameters"])
