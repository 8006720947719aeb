"""The pipeline's AWS clients: how their requests look on the wire (captured before sending)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from chalicelib.services import AWS_MAX_ATTEMPTS, EXPECT_CONTINUE_FROM, make_client
from tests.conftest import aws_answers


class EmptyBody:
    def stream(self, **_: Any) -> Any:
        yield b""


class Captured:
    def __init__(self) -> None:
        self.headers: list[dict[str, str]] = []

    def __call__(self, request: Any, **_: Any) -> AWSResponse:
        self.headers.append(dict(request.headers))
        return AWSResponse(request.url, 200, {"ETag": '"x"'}, EmptyBody())


def put(s3: Any, size: int) -> dict[str, Any]:
    captured = Captured()
    s3.meta.events.register("before-send.s3", captured)
    s3.put_object(Bucket="site", Key="index.html", Body=b"x" * size)
    return {key.lower(): value for key, value in captured.headers[-1].items()}


@pytest.mark.parametrize("endpoint", [None, "http://127.0.0.1:4566"], ids=["aws-https", "local-http"])
@pytest.mark.parametrize(("size", "expect"), [(0, False), (20_000, False), (EXPECT_CONTINUE_FROM, True)])
def test_small_uploads_send_their_body_without_waiting_for_100_continue(
    endpoint: str | None, size: int, expect: bool
) -> None:
    credentials = {"region_name": "us-east-1", "aws_access_key_id": "k", "aws_secret_access_key": "s"}
    plain = boto3.client("s3", endpoint_url=endpoint, **credentials)

    sent = put(make_client("s3", endpoint_url=endpoint, **credentials), size)

    assert "expect" in put(plain, size), "botocore no longer asks for 100-continue: drop the handler"
    assert ("expect" in sent) is expect


def test_uploads_are_checksummed_once_by_the_md5_they_carry_or_the_crc32_they_ask_for() -> None:
    credentials = {"region_name": "us-east-1", "aws_access_key_id": "k", "aws_secret_access_key": "s"}
    s3 = make_client("s3", **credentials)
    captured = Captured()
    s3.meta.events.register("before-send.s3", captured)

    s3.put_object(Bucket="site", Key="a.html", Body=b"<p>", ContentMD5="uQ2ZN0FbgUKt5tHBD8pHlg==")
    s3.put_object(Bucket="artifacts", Key="tree.tar.gz", Body=b"x", ChecksumAlgorithm="CRC32")
    s3.delete_objects(Bucket="site", Delete={"Objects": [{"Key": "a.html"}]})

    page, artifact, deletes = ({k.lower() for k in headers} for headers in captured.headers)
    assert "content-md5" in page and not any(h.startswith("x-amz-checksum") for h in page)
    assert any(h.startswith("x-amz-checksum") or h == "x-amz-trailer" for h in artifact)
    assert any(h.startswith("x-amz-checksum") or h == "content-md5" for h in deletes), "S3 requires one"


@pytest.mark.parametrize(
    ("service", "operation", "call", "attempts"),
    [
        ("s3", "GetObject", lambda c: c.get_object(Bucket="site", Key="index.html"), AWS_MAX_ATTEMPTS),
        ("lambda", "Invoke", lambda c: c.invoke(FunctionName="runner"), 1),  # the build runner's: never twice
    ],
    ids=["default", "one-try"],
)
def test_a_failing_call_is_tried_exactly_as_often_as_asked(
    no_backoff: list[float], service: str, operation: str, call: Any, attempts: int
) -> None:
    client = make_client(service, region_name="us-east-1", max_attempts=attempts)
    sent = aws_answers(client, operation, 503, "ServiceUnavailable")
    with pytest.raises(ClientError, match="ServiceUnavailable"):
        call(client)
    assert len(sent) == attempts
    assert len(no_backoff) == attempts - 1
