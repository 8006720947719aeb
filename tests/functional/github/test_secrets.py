"""Secrets from SSM Parameter Store and Secrets Manager (moto), cached with a TTL, never leaked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.errors import ConfigError
from chalicelib.secrets import WEBHOOK_SECRET_PARAMETER, SecretNotFound, Secrets

VALUE = "s3cr3t-webhook-value"


@pytest.fixture
def clients() -> Iterator[dict[str, Any]]:
    with mock_aws():
        session = boto3.session.Session(region_name="us-east-1")
        yield {"ssm": session.client("ssm"), "secretsmanager": session.client("secretsmanager")}


class CountingSSM:
    def __init__(self, real: Any) -> None:
        self.real, self.calls = real, 0

    def get_parameter(self, **kwargs: Any) -> Any:
        self.calls += 1
        return self.real.get_parameter(**kwargs)


def test_reads_a_secure_string_parameter(clients: dict[str, Any]) -> None:
    clients["ssm"].put_parameter(Name=WEBHOOK_SECRET_PARAMETER, Value=VALUE, Type="SecureString")
    assert Secrets(ssm=clients["ssm"]).get(WEBHOOK_SECRET_PARAMETER) == VALUE


def test_values_are_cached_until_the_ttl(clients: dict[str, Any]) -> None:
    clients["ssm"].put_parameter(Name="/p", Value="one", Type="SecureString")
    ssm, now = CountingSSM(clients["ssm"]), [0.0]
    reader = Secrets(ssm=ssm, ttl_seconds=60, clock=lambda: now[0])
    assert [reader.get("/p") for _ in range(5)] == ["one"] * 5
    assert ssm.calls == 1
    clients["ssm"].put_parameter(Name="/p", Value="two", Type="SecureString", Overwrite=True)
    now[0] = 59
    assert reader.get("/p") == "one"
    now[0] = 61
    assert reader.get("/p") == "two"
    assert ssm.calls == 2
    reader.forget("/p")
    assert reader.get("/p") == "two" and ssm.calls == 3


def test_reads_secrets_manager_by_name_arn_and_field(clients: dict[str, Any]) -> None:
    sm = clients["secretsmanager"]
    arn = sm.create_secret(Name="presslift/github", SecretString=json.dumps({"token": "ghp_x", "other": 1}))[
        "ARN"
    ]
    sm.create_secret(Name="plain", SecretString=VALUE)
    reader = Secrets(secretsmanager=sm)
    assert reader.get("secretsmanager:plain") == VALUE
    assert reader.get(f"secretsmanager:{arn}#token") == "ghp_x"
    assert reader.get("secretsmanager:presslift/github#token") == "ghp_x"


def test_missing_secrets_are_named_and_optional_ones_are_none(clients: dict[str, Any]) -> None:
    reader = Secrets(ssm=clients["ssm"], secretsmanager=clients["secretsmanager"])
    with pytest.raises(SecretNotFound, match="SSM parameter /presslift/nope does not exist"):
        reader.get("/presslift/nope")
    with pytest.raises(SecretNotFound, match="Secrets Manager secret nope does not exist"):
        reader.get("secretsmanager:nope")
    assert reader.get_optional("/presslift/github/token") is None


def test_a_missing_field_names_the_field_but_never_the_value(clients: dict[str, Any]) -> None:
    clients["secretsmanager"].create_secret(Name="json", SecretString=json.dumps({"token": VALUE}))
    clients["secretsmanager"].create_secret(Name="text", SecretString=VALUE)
    reader = Secrets(secretsmanager=clients["secretsmanager"])
    for name in ("secretsmanager:json#missing", "secretsmanager:text#token"):
        with pytest.raises(ConfigError) as raised:
            reader.get(name)
        assert VALUE not in str(raised.value) and raised.value.__cause__ is None
        assert "field" in str(raised.value)


def test_the_value_is_not_in_the_readers_repr(clients: dict[str, Any]) -> None:
    clients["ssm"].put_parameter(Name="/p", Value=VALUE, Type="SecureString")
    reader = Secrets(ssm=clients["ssm"])
    reader.get("/p")
    assert VALUE not in repr(reader) and "/p" in repr(reader)


def test_clients_are_made_lazily(clients: dict[str, Any]) -> None:
    made: list[str] = []

    def factory(service: str) -> Any:
        made.append(service)
        return clients[service]

    clients["ssm"].put_parameter(Name="/p", Value="v", Type="String")
    reader = Secrets(client_factory=factory)
    assert made == []
    reader.get("/p")
    reader.get("/p")
    assert made == ["ssm"]
