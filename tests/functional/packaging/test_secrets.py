"""`make deploy` writes the GitHub token it is given to SSM as a SecureString and leaves the rest alone;
webhook secrets are per site (`presslift site add` writes each), so it writes none."""

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
    written = write_secrets(
        "prod", ssm, {"PRESSLIFT_GITHUB_TOKEN": "t0ken", "PRESSLIFT_WEBHOOK_SECRET": "old"}
    )
    assert written == ["/presslift/prod/github/token"]
    parameter = ssm.get_parameter(Name=written[0], WithDecryption=True)["Parameter"]
    assert (parameter["Type"], parameter["Value"]) == ("SecureString", "t0ken")
    assert [p["Name"] for p in ssm.describe_parameters()["Parameters"]] == written


def test_no_secrets_given_changes_nothing(ssm: Any) -> None:
    assert write_secrets("prod", ssm, {}) == []
    assert ssm.describe_parameters()["Parameters"] == []


def test_the_stack_and_the_writer_agree_on_the_parameter_names(cfn_parameters: dict[str, Any]) -> None:
    for parameter, name in parameter_names("prod").items():
        assert cfn_parameters[parameter]["Default"] == name


@pytest.fixture
def cfn_parameters(sam: dict[str, Any]) -> dict[str, Any]:
    return dict(sam["Parameters"])
