"""The local cloud's AWS endpoint answers programs on this machine, never a web page: a page the
operator opened while `presslift up` ran read every site's webhook secret from moto with a made-up
signature (moto's server allows every origin and checks no signature)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from presslift.localcloud.motoguard import LocalCallersOnly, loopback

SIGNED = {"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261204/us-east-1/ssm/aws4_request, ..."}


def inner(environ: dict[str, Any], start_response: Any) -> Any:
    return Response("moto")(environ, start_response)


def call(path: str = "/", host: str = "127.0.0.1:4566", headers: dict[str, str] | None = None) -> Any:
    return Client(LocalCallersOnly(inner)).post(path, headers={"Host": host, **(headers or {})})


def test_an_sdks_signed_request_and_a_presigned_url_pass() -> None:
    assert call(headers=SIGNED).get_data() == b"moto"
    assert call("/bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=ab").status_code == 200
    assert call("/bucket/key?AWSAccessKeyId=testing&Signature=ab&Expires=1").status_code == 200
    assert call(host="localhost:4566", headers=SIGNED).status_code == 200
    assert call(host="[::1]:4566", headers=SIGNED).status_code == 200


@pytest.mark.parametrize(
    ("headers", "host", "said"),
    [
        ({**SIGNED, "Origin": "http://127.0.0.1:49213"}, "127.0.0.1:4566", "a web page's request"),
        ({**SIGNED, "Sec-Fetch-Site": "same-site"}, "127.0.0.1:4566", "a web page's request"),
        (SIGNED, "attacker.example:4566", "names another host"),
        (SIGNED, "127.0.0.1.attacker.example", "names another host"),
        ({}, "127.0.0.1:4566", "is not signed"),
    ],
)
def test_a_browsers_an_other_hosts_or_an_unsigned_request_is_refused(
    headers: dict[str, str], host: str, said: str
) -> None:
    answer = call(host=host, headers=headers)
    assert answer.status_code == 403
    assert said in answer.get_data(as_text=True)


def test_loopback_names() -> None:
    assert loopback("127.0.0.1") and loopback("LOCALHOST:1") and loopback("bucket.localhost:9")
    assert not loopback("") and not loopback("localhost.example") and not loopback("10.0.0.1:80")


def test_boto3_signs_every_request_it_sends() -> None:
    """What lets the SDKs through: boto3 signs even with the local cloud's made-up credentials."""
    seen: list[Any] = []
    client = boto3.client(
        "ssm",
        endpoint_url="http://127.0.0.1:9",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )

    def capture(request: Any, **_: Any) -> None:
        seen.append(request)
        raise RuntimeError("captured")

    client.meta.events.register("before-send.ssm.*", capture)
    with pytest.raises(RuntimeError, match="captured"):
        client.get_parameters_by_path(Path="/presslift")
    assert seen[0].headers["Authorization"].startswith(b"AWS4-HMAC-SHA256")
    assert "Origin" not in seen[0].headers
