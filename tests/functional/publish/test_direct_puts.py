"""Site files go out as direct signed PUTs (publish/direct.py): same object as put_object would make,
signatures S3 accepts, and botocore takes over whenever the direct path cannot go on."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from chalicelib.publish.direct import DirectPuts
from chalicelib.services import make_client
from tests.conftest import aws_answers
from tests.functional.publish.conftest import BUCKET, SITE_V1, publish, write_tree

ODD_NAMES: dict[str, bytes | str] = {
    "index.html": "<h1>home</h1>",
    "posts/a file with spaces/index.html": "<p>spaces</p>",
    "posts/ünïcode+plus&amp;/index.html": "<p>unicode</p>",
    "tags/c++/index.xml": "<rss/>",
    "images/tilde~name.PNG": b"\x89PNG\r\n\x1a\n" + bytes(range(200)),
}


def calls_through_botocore(s3: Any) -> list[str]:
    """The keys PutObject was called for through the client's API (the direct path never emits this)."""
    keys: list[str] = []
    s3.meta.events.register("before-call.s3.PutObject", lambda params, **_: keys.append(params["url_path"]))
    return keys


def test_a_publish_puts_site_files_directly_and_they_match_what_put_object_makes(
    clients: dict[str, Any], tmp_path: Path
) -> None:
    s3 = clients["s3"]
    through_botocore = calls_through_botocore(s3)
    manifest = write_tree(tmp_path / "site", ODD_NAMES)

    result = publish(s3, tmp_path / "site", manifest)

    assert result.uploaded == len(ODD_NAMES)
    # Only Presslift's own state (marker, record) went through put_object.
    assert all("/.presslift/" in path for path in through_botocore) and len(through_botocore) == 2
    for entry in manifest.files:
        head = s3.head_object(Bucket=BUCKET, Key=f"blog/{entry.path}")
        body = s3.get_object(Bucket=BUCKET, Key=f"blog/{entry.path}")["Body"].read()
        assert body == (tmp_path / "site" / entry.path).read_bytes()
        assert head["ETag"].strip('"') == entry.md5 == hashlib.md5(body, usedforsecurity=False).hexdigest()
        assert head["ContentType"] == entry.content_type
        assert head["CacheControl"].startswith("public, max-age=")
        assert head["Metadata"] == {"md5": entry.md5}


def test_redirects_are_put_directly_with_their_location(clients: dict[str, Any], tmp_path: Path) -> None:
    s3 = clients["s3"]
    through_botocore = calls_through_botocore(s3)
    manifest = write_tree(tmp_path / "site", SITE_V1, redirects={"old/index.html": "/posts/first/"})

    publish(s3, tmp_path / "site", manifest)

    head = s3.head_object(Bucket=BUCKET, Key="blog/old/index.html")
    assert head["WebsiteRedirectLocation"] == "/posts/first/" and head["ContentLength"] == 0
    assert len(through_botocore) == 2


def test_a_refused_direct_put_hands_it_and_the_rest_to_put_object(
    clients: dict[str, Any], tmp_path: Path, no_backoff: list[float]
) -> None:
    s3 = clients["s3"]
    through_botocore = calls_through_botocore(s3)
    # The marker is attempt 1; attempt 3 is the second site file's direct PUT.
    aws_answers(s3, "PutObject", 500, "InternalError", only={3})

    result = publish(s3, tmp_path / "site", write_tree(tmp_path / "site", SITE_V1), concurrency=1)

    assert result.uploaded == len(SITE_V1)
    site_files_through_botocore = [path for path in through_botocore if "/.presslift/" not in path]
    assert len(site_files_through_botocore) == len(SITE_V1) - 1  # all but the first, put directly
    assert no_backoff == []  # the refused direct PUT was handed over, not retried after a backoff


def test_a_refusal_that_put_object_meets_too_fails_the_publish_with_its_reason(
    clients: dict[str, Any], tmp_path: Path, no_backoff: list[float]
) -> None:
    aws_answers(clients["s3"], "PutObject", 403, "AccessDenied", only={2, 3})

    with pytest.raises(Exception, match=r"AccessDenied.*nothing was deleted"):
        publish(clients["s3"], tmp_path / "site", write_tree(tmp_path / "site", SITE_V1), concurrency=1)


@pytest.fixture
def signing_checked() -> Iterator[tuple[Any, dict[str, str]]]:
    """moto checking every request's SigV4 signature against an IAM user's key (as S3 does)."""
    with mock_aws():
        iam = make_client("iam", region_name="us-east-1")
        iam.create_user(UserName="publisher")
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        }
        iam.put_user_policy(UserName="publisher", PolicyName="s3", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName="publisher")["AccessKey"]
        make_client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        yield iam, {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}


def test_s3_accepts_the_direct_puts_signature_and_refuses_a_wrong_one(
    signing_checked: tuple[Any, dict[str, str]],
) -> None:
    _, keys = signing_checked

    @set_initial_no_auth_action_count(0)
    def put_with(secret: str) -> str | None:
        s3 = make_client("s3", region_name="us-east-1", **{**keys, "aws_secret_access_key": secret})
        direct = DirectPuts.for_bucket(s3, BUCKET)
        assert direct is not None
        return direct.put("blog/signed.html", b"<p>signed</p>", {"Content-Type": "text/html"})

    assert put_with(keys["aws_secret_access_key"]) == hashlib.md5(b"<p>signed</p>").hexdigest()
    assert put_with("not-the-secret") is None


def test_clients_it_cannot_read_are_left_to_put_object(clients: dict[str, Any]) -> None:
    class Wrapper:
        def __getattr__(self, name: str) -> Any:
            return getattr(clients["s3"], name)

    unsigned = boto3.client("s3", region_name="us-east-1", config=Config(signature_version=UNSIGNED))

    assert DirectPuts.for_bucket(Wrapper(), BUCKET) is None
    assert DirectPuts.for_bucket(unsigned, BUCKET) is None
    assert DirectPuts.for_bucket(clients["cloudfront"], BUCKET) is None
    assert DirectPuts.for_bucket(clients["s3"], "Not A Bucket!") is None
    assert DirectPuts.for_bucket(clients["s3"], BUCKET) is not None


def test_large_bodies_are_left_to_put_object(clients: dict[str, Any]) -> None:
    direct = DirectPuts.for_bucket(clients["s3"], BUCKET)
    assert direct is not None
    assert (
        direct.put("blog/big.bin", bytes(8 * 1024 * 1024), {"Content-Type": "application/octet-stream"})
        is None
    )
    assert not direct.given_up  # a large body is not a failure: the next small one still goes directly
