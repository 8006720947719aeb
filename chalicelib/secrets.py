"""Secrets (each site's webhook secret, GitHub tokens, search admin keys) from SSM Parameter Store.

A secret is an SSM parameter, read with decryption. Each site has its own webhook secret, under the
stack's webhook secrets path (`/presslift/<stage>/github/webhook-secret/<site>`, locally
`/presslift/github/webhook-secret/<site>`): the operator's `presslift site add` generates it and
writes it (`Secrets.store`), the API function only reads it. Secrets
Manager names (`secretsmanager:...`) are refused with a message: the stack grants no Secrets Manager
access (one store, one grant per path, and the code-drop function's VPC has an SSM endpoint but none
for Secrets Manager). Values are cached per cold start for `ttl_seconds`, so a webhook does not pay
an SSM round trip each time, and a rotated secret is seen within the TTL.

Never: put a secret's value in an exception, a log line or a repr. Errors name the secret only.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from secrets import token_hex
from typing import Any

from chalicelib import logs
from chalicelib.errors import ConfigError

#: The SSM path under which each site's webhook secret lives (`<path>/<site>`).
WEBHOOK_SECRETS_PATH = "/presslift/github/webhook-secret"
WEBHOOK_SECRETS_ENV = "PRESSLIFT_WEBHOOK_SECRETS_PATH"
GITHUB_TOKEN_PARAMETER = "/presslift/github/token"
GITHUB_TOKEN_ENV = "PRESSLIFT_GITHUB_TOKEN_PARAMETER"
SECRETS_MANAGER_PREFIX = "secretsmanager:"
DEFAULT_TTL_SECONDS = 300.0

_MISSING = {"ParameterNotFound", "ResourceNotFoundException"}
_DENIED = {"AccessDeniedException", "AccessDenied", "UnrecognizedClientException"}


class SecretNotFound(ConfigError):
    """The named secret does not exist (a ConfigError: someone has to create it)."""


class Secrets:
    """Reads and caches secrets. Clients are passed in (tests, the local cloud) or made on first use."""

    def __init__(
        self,
        *,
        ssm: Any = None,
        client_factory: Callable[[str], Any] | None = None,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clients: dict[str, Any] = {"ssm": ssm}
        self._client_factory = client_factory or _boto3_client
        self._ttl = ttl_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Secrets(cached={sorted(self._cache)}, ttl_seconds={self._ttl})"

    def get(self, name: str) -> str:
        """The secret's value; SecretNotFound or ConfigError (naming it, never showing it) if unreadable."""
        now = self._clock()
        with self._lock:
            cached = self._cache.get(name)
        if cached and now - cached[0] < self._ttl:
            return cached[1]
        value = self._read(name)
        with self._lock:
            self._cache[name] = (now, value)
        return value

    def reread(self, name: str, *, older_than: float) -> str | None:
        """The secret read again when the cached value is older than `older_than` seconds and the
        stored one differs (a webhook secret rotated a moment ago, which the cache would have refused
        for up to its TTL); None otherwise, so a flood of forged deliveries costs at most one read per
        `older_than` seconds."""
        now = self._clock()
        with self._lock:
            cached = self._cache.get(name)
        if cached is None or now - cached[0] < older_than:
            return None
        value = self._read(name)
        with self._lock:
            self._cache[name] = (now, value)
        return value if value != cached[1] else None

    def store(self, name: str, value: str) -> None:
        """Write `name` as a SecureString (operators only: `presslift site add/rotate-secret`)."""
        refuse_secrets_manager(name)
        self._client("ssm").put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)
        self.forget(name)

    def delete(self, name: str) -> bool:
        """Remove `name` (operators only: `presslift site remove`); whether it existed."""
        refuse_secrets_manager(name)
        client = self._client("ssm")
        self.forget(name)
        try:
            client.delete_parameter(Name=name)
        except client.exceptions.ParameterNotFound:
            return False
        return True

    def get_optional(self, name: str) -> str | None:
        """Like `get`, but None when the secret does not exist (an optional token, for instance)."""
        try:
            return self.get(name)
        except SecretNotFound:
            return None

    def forget(self, name: str | None = None) -> None:
        """Drop one cached value (or all): the next `get` reads it again."""
        with self._lock:
            if name is None:
                self._cache.clear()
            else:
                self._cache.pop(name, None)

    def _client(self, service: str) -> Any:
        with self._lock:
            if self._clients.get(service) is None:
                self._clients[service] = self._client_factory(service)
            return self._clients[service]

    def _read(self, name: str) -> str:
        if not name:
            raise ConfigError("a secret name is empty")
        refuse_secrets_manager(name)
        try:
            response = self._client("ssm").get_parameter(Name=name, WithDecryption=True)
        except Exception as exc:
            raise _error(exc, f"SSM parameter {name}") from None
        value = str(response["Parameter"]["Value"])
        logs.register_secret(value)  # from now on no log line of this process can show it
        return value


def refuse_secrets_manager(name: str, where: str = "a secret") -> None:
    """ConfigError for a `secretsmanager:` name: Presslift reads secrets from SSM only."""
    if name.startswith(SECRETS_MANAGER_PREFIX):
        raise ConfigError(
            f"{where} is {name!r}: Secrets Manager is not supported; store it as an SSM SecureString "
            "parameter and name that (the functions are granted SSM only)"
        )


def _error(exc: Exception, what: str) -> Exception:
    code = getattr(exc, "response", {}).get("Error", {}).get("Code", "") if hasattr(exc, "response") else ""
    if code in _MISSING:
        return SecretNotFound(f"{what} does not exist; create it (see the README) or set its name")
    if code in _DENIED:
        return ConfigError(f"{what} cannot be read: access denied; the function's role needs permission")
    if code:
        return ConfigError(f"{what} cannot be read: {code}")
    return exc  # not an AWS answer (a network fault, say): let it propagate and the caller retry


def _boto3_client(service: str) -> Any:
    from chalicelib.services import aws_session  # imported lazily: most handlers never read a secret

    return aws_session().client(service)


def webhook_secret_name(site: str, env: dict[str, str] | None = None) -> str:
    """The SSM parameter holding `site`'s own webhook secret."""
    env = dict(os.environ) if env is None else env
    path = env.get(WEBHOOK_SECRETS_ENV) or WEBHOOK_SECRETS_PATH
    return f"{path.rstrip('/')}/{site}"


def new_webhook_secret() -> str:
    """256 random bits, as hex (what GitHub's webhook form accepts)."""
    return token_hex(32)


def github_token_name(env: dict[str, str] | None = None) -> str:
    env = dict(os.environ) if env is None else env
    return env.get(GITHUB_TOKEN_ENV) or GITHUB_TOKEN_PARAMETER
