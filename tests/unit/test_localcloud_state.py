"""The local cloud's saved state: which requests change it, an atomic write, and moto's backends
(SSM's lambda-built tag maps and its ParameterDict included) surviving a dump and a load."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from presslift.localcloud.state import (
    StateError,
    changes_state,
    dump_backends,
    load_backends,
    write_atomically,
)


@pytest.mark.parametrize(
    ("environ", "body", "changes"),
    [
        ({"REQUEST_METHOD": "GET"}, b"", False),
        ({"REQUEST_METHOD": "HEAD"}, b"", False),
        ({"REQUEST_METHOD": "PUT"}, b"data", True),
        ({"REQUEST_METHOD": "DELETE"}, b"", True),
        ({"REQUEST_METHOD": "POST", "HTTP_X_AMZ_TARGET": "DynamoDB_20120810.GetItem"}, b"{}", False),
        ({"REQUEST_METHOD": "POST", "HTTP_X_AMZ_TARGET": "DynamoDB_20120810.PutItem"}, b"{}", True),
        ({"REQUEST_METHOD": "POST", "HTTP_X_AMZ_TARGET": "AmazonSQS.ReceiveMessage"}, b"{}", False),
        ({"REQUEST_METHOD": "POST", "HTTP_X_AMZ_TARGET": "AmazonSQS.DeleteMessage"}, b"{}", True),
        (
            {"REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/x-www-form-urlencoded"},
            b"Action=Publish&TopicArn=x",
            True,
        ),
        (
            {"REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/x-www-form-urlencoded"},
            b"Action=ListSubscriptions",
            False,
        ),
    ],
)
def test_only_requests_that_change_something_call_for_a_snapshot(environ, body, changes):
    assert changes_state(environ, body) is changes


def test_a_write_replaces_the_file_whole_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "cloud.state"
    target.write_bytes(b"old")
    write_atomically(target, b"new state")
    assert target.read_bytes() == b"new state"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cloud.state"]


def test_ssm_parameters_tags_and_buckets_survive_a_dump_and_a_load(tmp_path):
    saved = tmp_path / "cloud.state"
    with mock_aws():
        ssm = boto3.client("ssm", region_name="us-east-1")
        ssm.put_parameter(Name="/presslift/github/webhook-secret/demo", Value="s3cret", Type="SecureString")
        ssm.add_tags_to_resource(
            ResourceType="Parameter",
            ResourceId="/presslift/github/webhook-secret/demo",
            Tags=[{"Key": "k", "Value": "v"}],
        )
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="kept-bucket")
        saved.write_bytes(dump_backends())
    with mock_aws():  # a new, empty moto
        assert load_backends(saved) > 0
        ssm = boto3.client("ssm", region_name="us-east-1")
        got = ssm.get_parameter(Name="/presslift/github/webhook-secret/demo", WithDecryption=True)
        assert got["Parameter"]["Value"] == "s3cret"
        tags = ssm.list_tags_for_resource(
            ResourceType="Parameter", ResourceId="/presslift/github/webhook-secret/demo"
        )
        assert tags["TagList"] == [{"Key": "k", "Value": "v"}]
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="kept-bucket")  # idempotent in us-east-1: the bucket is known as ours
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["kept-bucket"]


def test_a_foreign_file_is_refused(tmp_path):
    path = tmp_path / "cloud.state"
    path.write_bytes(b"\x80\x05K\x01.")  # a pickle of the number 1
    with pytest.raises(StateError, match="not a Presslift local cloud state"):
        load_backends(path)
