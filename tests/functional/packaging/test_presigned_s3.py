"""Presigned S3 URLs on packaged mode's moto (`presslift.localcloud.packaged.presigned_s3`), with IAM
enforced: a URL works for what its signer may do, for as long as it says, and for nothing else.

A moto process of its own (the extension is installed only there), a bucket, and two roles: a writer
that may get and put under `ok/`, and a logger that may do nothing in S3 (the build runner's role).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import botocore.auth
import pytest
from botocore.config import Config

from presslift.localcloud.packaged import iam
from presslift.localcloud.packaged.cloud import MotoProcess
from tests.conftest import free_port

BUCKET = "presigned-artifacts"
KEY = "ok/runs/r 1+a.tar.gz"  # a space and a plus: the path is signed as sent
REGION = "us-east-1"


def _role(client: Any, name: str, statements: list[dict[str, Any]]) -> str:
    anyone = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
    trust = {"Version": "2012-10-17", "Statement": [anyone]}
    arn = client.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    document = {"Version": "2012-10-17", "Statement": statements}
    client.put_role_policy(RoleName=name, PolicyName="own", PolicyDocument=json.dumps(document))
    return str(arn)


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    port = free_port()
    server = MotoProcess(port, tmp_path_factory.mktemp("moto") / "moto.log")
    server.start()
    url = f"http://127.0.0.1:{port}"
    setup = boto3.session.Session(
        aws_access_key_id="setup", aws_secret_access_key="setup", region_name=REGION
    )
    setup.client("s3", endpoint_url=url).create_bucket(Bucket=BUCKET)
    iam_client, sts = setup.client("iam", endpoint_url=url), setup.client("sts", endpoint_url=url)
    objects = f"arn:aws:s3:::{BUCKET}/ok/*"
    writer = _role(
        iam_client,
        "writer",
        [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": objects}],
    )
    logger = _role(
        iam_client, "logger", [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]
    )
    operator = iam.operator_credentials(iam_client)
    roles = {
        name: iam.role_credentials(sts, arn, name) for name, arn in (("writer", writer), ("logger", logger))
    }
    iam.enforce(url)
    try:
        yield {"url": url, "operator": operator, **roles}
    finally:
        server.stop()


def s3(moto: dict[str, Any], who: str) -> Any:
    keys: iam.Credentials = moto[who]
    session = boto3.session.Session(
        aws_access_key_id=keys.access_key_id,
        aws_secret_access_key=keys.secret_access_key,
        aws_session_token=keys.session_token or None,
        region_name=REGION,
    )
    return session.client("s3", endpoint_url=moto["url"], config=Config(signature_version="s3v4"))


def fetch(url: str, method: str = "GET", body: bytes | None = None, **headers: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def put_url(client: Any, key: str = KEY, seconds: int = 60) -> str:
    params = {"Bucket": BUCKET, "Key": key, "ContentType": "application/gzip"}
    return str(client.generate_presigned_url("put_object", Params=params, ExpiresIn=seconds))


def get_url(client: Any, key: str = KEY, seconds: int = 60) -> str:
    return str(
        client.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": key}, ExpiresIn=seconds)
    )


def test_a_presigned_put_then_get_works_for_its_signer(moto):
    writer = s3(moto, "writer")
    assert fetch(put_url(writer), "PUT", b"tarball", **{"Content-Type": "application/gzip"}) == (200, b"")
    assert fetch(get_url(writer)) == (200, b"tarball")
    # what the URL wrote is really there, for a header-signed caller too
    assert s3(moto, "operator").get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == b"tarball"


def test_a_tampered_signature_is_refused(moto):
    url = get_url(s3(moto, "writer"))
    signature = url.rsplit("X-Amz-Signature=", 1)[1]
    forged = url.replace(signature, signature[::-1])
    status, body = fetch(forged)
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body


def test_a_url_for_one_key_does_not_reach_another(moto):
    url = put_url(s3(moto, "writer"))
    other = url.replace("/ok/runs/", "/ok/other/")
    status, body = fetch(other, "PUT", b"x", **{"Content-Type": "application/gzip"})
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body


def test_a_put_with_another_content_type_than_signed_is_refused(moto):
    status, body = fetch(put_url(s3(moto, "writer")), "PUT", b"<html>", **{"Content-Type": "text/html"})
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body


def test_an_expired_url_is_refused(moto, monkeypatch):
    """Signed two hours ago for one minute: a genuine signature, past its time."""
    signed_at = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=2)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda *args, **kwargs: signed_at)
    url = get_url(s3(moto, "writer"))
    monkeypatch.undo()
    status, body = fetch(url)
    assert status == 403
    assert b"<Code>AccessDenied</Code>" in body and b"Request has expired" in body


def test_a_url_presigned_by_a_role_without_the_permission_is_refused(moto):
    """The build runner's role may only write its logs: a URL it signs itself opens nothing."""
    logger = s3(moto, "logger")
    status, body = fetch(
        put_url(logger, "ok/runs/stolen"), "PUT", b"x", **{"Content-Type": "application/gzip"}
    )
    assert status == 403 and b"<Code>AccessDenied</Code>" in body
    status, body = fetch(get_url(logger))
    assert status == 403 and b"<Code>AccessDenied</Code>" in body
    # and the writer's own URL outside what its role may do
    status, body = fetch(get_url(s3(moto, "writer"), "elsewhere/x"))
    assert status == 403 and b"<Code>AccessDenied</Code>" in body


def test_malformed_query_auth_is_a_clear_400(moto):
    url = get_url(s3(moto, "writer")).replace("X-Amz-Expires=60", "X-Amz-Expires=999999999")
    status, body = fetch(url)
    assert status == 400 and b"AuthorizationQueryParametersError" in body and b"604800" in body


def test_an_anonymous_request_is_refused(moto):
    # moto itself refuses an unsigned read of a private object (with an empty body) before any
    # authentication; a listing reaches the authentication, which refuses it as anonymous
    assert fetch(f"{moto['url']}/{BUCKET}/ok/runs/r%201%2Ba.tar.gz")[0] == 403
    status, body = fetch(f"{moto['url']}/{BUCKET}")
    assert status == 403 and b"<Code>AccessDenied</Code>" in body
    status, body = fetch(f"{moto['url']}/{BUCKET}/ok/anonymous", "PUT", b"x")
    assert status == 403 and b"<Code>AccessDenied</Code>" in body
