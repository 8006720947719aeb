"""SigV4 for the API: operators sign requests (the CLI, `ApiClient`, the dashboard proxy), and the local
front door verifies them as API Gateway verifies `AWS_IAM` methods.

Both sides use botocore's own `SigV4Auth`: signing is `add_auth`; verifying recomputes the signature of
the received request (only the headers it says it signed, at the time it says it signed) with the
identity's secret and compares the two in constant time. This module must never implement any part of
SigV4 itself, nor accept a request whose key it does not know or whose signature is older than API
Gateway allows (5 minutes either way).
"""

from __future__ import annotations

import hmac
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials, ReadOnlyCredentials

SERVICE = "execute-api"
REGION = "us-east-1"
ALGORITHM = "AWS4-HMAC-SHA256"
#: API Gateway refuses a signature dated more than 5 minutes from its own clock, either way.
MAX_SKEW_SECONDS = 300
#: API Gateway's messages for a refused `AWS_IAM` request (all 403).
MISSING_TOKEN = "Missing Authentication Token"
UNKNOWN_KEY = "The security token included in the request is invalid."
BAD_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. Check your AWS "
    "Secret Access Key and signing method. Consult the service documentation for details."
)

_PARTS = re.compile(r"(Credential|SignedHeaders|Signature)=([^,\s]+)")


@dataclass(frozen=True)
class Caller:
    """Who signed a request that verified: what API Gateway puts in `requestContext.identity`."""

    access_key: str


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused: API Gateway's message and its `x-amzn-ErrorType`."""

    message: str
    error_type: str


def sign(
    credentials: Credentials | ReadOnlyCredentials,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes = b"",
    *,
    region: str = REGION,
) -> dict[str, str]:
    """`headers` plus the signature headers (`Authorization`, `X-Amz-Date`, a session token if any) for
    the request; send exactly these headers (the client adds only unsigned ones: Host is signed from the
    URL as HTTP clients send it)."""
    frozen = credentials.get_frozen_credentials() if isinstance(credentials, Credentials) else credentials
    request = AWSRequest(method=method.upper(), url=url, headers=dict(headers), data=body)
    SigV4Auth(frozen, SERVICE, region).add_auth(request)
    return dict(request.headers.items())


def verify(
    method: str,
    url: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    identities: Mapping[str, str],
    *,
    region: str = REGION,
    clock: Callable[[], float] = time.time,
) -> Caller | Refusal:
    """The caller, if `identities` (access key id -> secret) knows the key that signed the request and
    the signature is the one botocore computes for it; else API Gateway's refusal."""
    header_map = {name.lower(): value for name, value in headers}
    authorization = header_map.get("authorization", "")
    if not authorization:
        return Refusal(MISSING_TOKEN, "MissingAuthenticationTokenException")
    parts = dict(_PARTS.findall(authorization))
    amz_date = header_map.get("x-amz-date", "")
    missing = [
        f"Authorization header requires '{name}' parameter."
        for name in ("Credential", "Signature", "SignedHeaders")
        if name not in parts
    ]
    if not authorization.startswith(ALGORITHM + " ") or missing or not amz_date:
        detail = " ".join(missing) or "Authorization header requires existence of a 'X-Amz-Date' header."
        return Refusal(
            f"{detail} Authorization={authorization.split(' ', 1)[0]}", "IncompleteSignatureException"
        )
    scope = parts["Credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        return Refusal(
            "Credential should be scoped with a valid terminator: 'aws4_request'.",
            "IncompleteSignatureException",
        )
    key_id, date, scope_region, service, _ = scope
    if scope_region != region:
        return Refusal(
            f"Credential should be scoped to a valid region, not '{scope_region}'.",
            "InvalidSignatureException",
        )
    if service != SERVICE:
        return Refusal(
            f"Credential should be scoped to correct service: '{SERVICE}'.", "InvalidSignatureException"
        )
    secret = identities.get(key_id)
    if secret is None:
        return Refusal(UNKNOWN_KEY, "UnrecognizedClientException")
    expired = _expired(amz_date, date, clock())
    if expired:
        return Refusal(expired, "InvalidSignatureException")
    signed = parts["SignedHeaders"].split(";")
    if "host" not in signed:
        return Refusal(BAD_SIGNATURE, "InvalidSignatureException")
    request = AWSRequest(
        method=method.upper(),
        url=url,
        headers={name: header_map.get(name, "") for name in signed},
        data=body,
    )
    request.context["timestamp"] = amz_date
    auth = SigV4Auth(ReadOnlyCredentials(key_id, secret, None), SERVICE, region)
    expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
    if not hmac.compare_digest(expected.encode(), parts["Signature"].encode()):
        return Refusal(BAD_SIGNATURE, "InvalidSignatureException")
    return Caller(key_id)


def _expired(amz_date: str, scope_date: str, now: float) -> str | None:
    """API Gateway's message for a signature outside the allowed skew (or one that is not a date)."""
    try:
        signed_at = datetime.strptime(amz_date, SIGV4_TIMESTAMP).replace(tzinfo=UTC).timestamp()
    except ValueError:
        return f"Date must be in ISO-8601 'basic format'. Got '{amz_date}'."
    if scope_date != amz_date[:8]:
        return (
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{scope_date}' != '{amz_date[:8]}'"
        )
    if signed_at < now - MAX_SKEW_SECONDS:
        return (
            f"Signature expired: {amz_date} is now earlier than {_stamp(now - MAX_SKEW_SECONDS)} "
            f"({_stamp(now)} - 5 min.)"
        )
    if signed_at > now + MAX_SKEW_SECONDS:
        return (
            f"Signature not yet current: {amz_date} is still later than {_stamp(now + MAX_SKEW_SECONDS)} "
            f"({_stamp(now)} + 5 min.)"
        )
    return None


def _stamp(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime(SIGV4_TIMESTAMP)


def session_credentials(profile: str | None = None) -> Any:
    """The operator's credentials as boto3 finds them (the environment, a profile, SSO...), or None."""
    import boto3

    return boto3.session.Session(profile_name=profile).get_credentials()
