"""The Algolia admin key read from SSM Parameter Store and Secrets Manager (moto), cached."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.errors import ConfigError
from chalicelib.search.secrets import CACHE_SECONDS, forget_secrets, read_secret
from tests.functional.search.conftest import ADMIN_KEY


@pytest.fixture
def stores() -> Iterator[dict[str, Any]]:
    forget_secrets()
    with mock_aws():
        ssm = boto3.client("ssm", region_name="us-east-1")
        secrets = boto3.client("secretsmanager", region_name="us-east-1")
        ssm.put_parameter(Name="/presslift/demo/algolia-admin-key", Value=ADMIN_KEY, Type="SecureString")
        secrets.create_secret(
            Name="presslift/demo/algolia", SecretString=json.dumps({"admin_key": ADMIN_KEY})
        )
        secrets.create_secret(Name="presslift/demo/plain", SecretString=ADMIN_KEY)
        yield {"ssm": ssm, "secretsmanager": secrets}
    forget_secrets()


@pytest.mark.parametrize(
    "reference",
    [
        "ssm:/presslift/demo/algolia-admin-key",
        "secretsmanager:presslift/demo/algolia#admin_key",
        "secretsmanager:presslift/demo/plain",
    ],
)
def test_the_admin_key_is_read_from_either_store(stores: dict[str, Any], reference: str) -> None:
    assert read_secret(reference, **stores) == ADMIN_KEY


def test_the_value_is_cached_then_read_again_after_a_while(stores: dict[str, Any]) -> None:
    reference = "ssm:/presslift/demo/algolia-admin-key"
    assert read_secret(reference, now=0.0, **stores) == ADMIN_KEY
    stores["ssm"].put_parameter(Name="/presslift/demo/algolia-admin-key", Value="rotated", Overwrite=True)
    assert read_secret(reference, now=1.0, **stores) == ADMIN_KEY
    assert read_secret(reference, now=CACHE_SECONDS + 1, **stores) == "rotated"


@pytest.mark.parametrize(
    ("reference", "complaint"),
    [
        ("ssm:/presslift/missing", "cannot read the secret 'ssm:/presslift/missing' (ParameterNotFound)"),
        ("secretsmanager:presslift/demo/algolia#other", "has no text field 'other'"),
        ("secretsmanager:presslift/demo/plain#admin_key", "is not JSON"),
        ("vault:/x", "the store must be ssm or secretsmanager"),
        ("just-a-name", "must look like"),
    ],
)
def test_unreadable_secrets_fail_with_the_reference_never_the_value(
    stores: dict[str, Any], reference: str, complaint: str
) -> None:
    with pytest.raises(ConfigError) as failure:
        read_secret(reference, **stores)
    assert complaint in str(failure.value)
    assert ADMIN_KEY not in str(failure.value)
