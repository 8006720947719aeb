"""Secrets from SSM Parameter Store and Secrets Manager (moto), cached with a TTL, never leaked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from chalicelib.errors import ConfigError
from chalicelib.secrets import SecretNotFound, Secrets, webhook_secret_name
from chalicelib.services import aws_session

VALUE = "s3cr3t-webhook-value"


@pytest.fixture
def clients() -> Iterator[dict[str, Any]]:
    with mock_aws():
        session = aws_session(region_name="us-east-1")
        yield {"ssm": session.client("ssm")}


class CountingSSM:
    def __init__(self, real: Any) -> None:
        self.real, self.calls = real, 0

    def get_parameter(self, **kwargs: Any) -> Any:
        self.calls += 1
        return self.real.get_parameter(**kwargs)


def test_reads_a_secure_string_parameter(clients: dict[str, Any]) -> None:
    name = webhook_secret_name("www", {})
    assert name == "/presslift/github/webhook-secret/www"
    clients["ssm"].put_parameter(Name=name, Value=VALUE, Type="SecureString")
    assert Secrets(ssm=clients["ssm"]).get(name) == VALUE


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


def test_secrets_manager_names_are_refused_with_what_to_do_instead(clients: dict[str, Any]) -> None:
    # The stack grants SSM only: a Secrets Manager name would fail with AccessDenied on AWS.
    with pytest.raises(
        ConfigError, match="Secrets Manager is not supported; store it as an SSM SecureString"
    ):
        Secrets(ssm=clients["ssm"]).get("secretsmanager:presslift/github#token")


def test_missing_secrets_are_named_and_optional_ones_are_none(clients: dict[str, Any]) -> None:
    reader = Secrets(ssm=clients["ssm"])
    with pytest.raises(SecretNotFound, match="SSM parameter /presslift/nope does not exist"):
        reader.get("/presslift/nope")
    assert reader.get_optional("/presslift/github/token") is None


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


def test_a_secret_rotated_elsewhere_is_read_again_on_a_refusal_at_most_every_few_seconds(
    clients: dict[str, Any],
) -> None:
    """A CLI sweep: a rotated webhook secret was refused for up to the cache's five minutes on an API
    instance that had read the old one. A refused delivery reads it again, but not more often than
    `older_than` seconds, so forged deliveries cannot turn each request into a read."""
    clients["ssm"].put_parameter(Name="/p", Value="one", Type="SecureString")
    ssm, now = CountingSSM(clients["ssm"]), [0.0]
    reader = Secrets(ssm=ssm, ttl_seconds=300, clock=lambda: now[0])
    assert reader.get("/p") == "one"
    clients["ssm"].put_parameter(Name="/p", Value="two", Type="SecureString", Overwrite=True)
    now[0] = 2
    assert reader.reread("/p", older_than=5) is None and ssm.calls == 1  # too soon: no read
    now[0] = 6
    assert reader.reread("/p", older_than=5) == "two" and reader.get("/p") == "two"
    now[0] = 12
    assert reader.reread("/p", older_than=5) is None and ssm.calls == 3  # read, unchanged
