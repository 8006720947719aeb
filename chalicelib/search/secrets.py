"""Reading the Algolia admin key from SSM Parameter Store or Secrets Manager, cached per container.

A site names where its key lives, never the key: `ssm:/presslift/demo/algolia-admin-key` (a
SecureString parameter) or `secretsmanager:<name or ARN>` with an optional `#field` for a JSON secret.
The value is cached for a few minutes so a warm Lambda does not pay a call per deploy, and a rotated
key is picked up soon after. This module never logs, prints or puts a secret's value in a message.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import ConfigError

CACHE_SECONDS = 300.0
_cache: dict[str, tuple[float, str]] = {}
_lock = threading.Lock()


def read_secret(
    reference: str,
    *,
    ssm: Any = None,
    secretsmanager: Any = None,
    now: float | None = None,
) -> str:
    """The secret `reference` points to; ConfigError (naming the reference, not the value) if unreadable.

    `ssm` / `secretsmanager` are boto3 clients; the one the reference needs is created when not given.
    """
    moment = time.monotonic() if now is None else now
    with _lock:
        cached = _cache.get(reference)
        if cached and moment - cached[0] < CACHE_SECONDS:
            return cached[1]
    kind, _, name = reference.partition(":")
    if not name:
        raise ConfigError(
            f"secret reference {reference!r} must look like ssm:/path/to/parameter or secretsmanager:name"
        )
    try:
        if kind == "ssm":
            value = _from_ssm(name, ssm)
        elif kind == "secretsmanager":
            value = _from_secrets_manager(name, secretsmanager)
        else:
            raise ConfigError(f"secret reference {reference!r}: the store must be ssm or secretsmanager")
    except (ClientError, BotoCoreError) as error:
        code = error.response.get("Error", {}).get("Code", "") if isinstance(error, ClientError) else ""
        raise ConfigError(f"cannot read the secret {reference!r} ({code or type(error).__name__})") from None
    if not value:
        raise ConfigError(f"the secret {reference!r} is empty")
    with _lock:
        _cache[reference] = (moment, value)
    return value


def forget_secrets() -> None:
    """Drop every cached value (tests; and after a key was rotated by hand)."""
    with _lock:
        _cache.clear()


def _from_ssm(name: str, client: Any) -> str:
    if client is None:
        import boto3

        client = boto3.client("ssm")
    response = client.get_parameter(Name=name, WithDecryption=True)
    return str(response["Parameter"]["Value"])


def _from_secrets_manager(name: str, client: Any) -> str:
    secret_id, _, field = name.partition("#")
    if client is None:
        import boto3

        client = boto3.client("secretsmanager")
    text = str(client.get_secret_value(SecretId=secret_id).get("SecretString") or "")
    if not field:
        return text
    try:
        data = json.loads(text)
    except ValueError:
        raise ConfigError(f"the secret {secret_id!r} is not JSON, so it has no field {field!r}") from None
    value = data.get(field) if isinstance(data, dict) else None
    if not isinstance(value, str):
        raise ConfigError(f"the secret {secret_id!r} has no text field {field!r}")
    return value
