"""The local cloud's saved state: which requests change it, an atomic write, and moto's backends
(SSM's lambda-built tag maps and its ParameterDict included) surviving a dump and a load."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from presslift.localcloud.state import (
    BLOB_DIR,
    Blobs,
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
    # It holds the webhook secrets and the GitHub token: its owner's alone, as ~/.aws/credentials is.
    assert target.stat().st_mode & 0o777 == 0o600


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


def test_large_object_bodies_are_files_of_their_own_written_once_and_pruned(tmp_path):
    # A few sites' trees are gigabytes: a snapshot names their bodies instead of pickling them again.
    saved, folder = tmp_path / "cloud.state", tmp_path / BLOB_DIR
    blobs = Blobs(folder)
    big, other = b"<html>" + b"x" * 20_000, b"y" * 50_000
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="site")
        for key in ("staging/index.html", "prod/index.html"):  # the same page twice: one file
            s3.put_object(Bucket="site", Key=key, Body=big)
        s3.put_object(Bucket="site", Key="old.tar.gz", Body=other)
        s3.put_object(Bucket="site", Key="small.txt", Body=b"kept inline")
        saved.write_bytes(dump_backends(blobs))
        blobs.prune()
        assert len(saved.read_bytes()) < 20_000
        assert sorted(p.stat().st_size for p in folder.iterdir()) == [20_006, 50_000]
        page = {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.stat().st_size == 20_006}
        s3.delete_object(Bucket="site", Key="old.tar.gz")
        saved.write_bytes(dump_backends(blobs))
        blobs.prune()
        # The page's file is not written again, and the deleted object's body is gone.
        assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == page
    with mock_aws():
        assert load_backends(saved) > 0
        s3 = boto3.client("s3", region_name="us-east-1")
        assert s3.get_object(Bucket="site", Key="prod/index.html")["Body"].read() == big
        assert s3.get_object(Bucket="site", Key="small.txt")["Body"].read() == b"kept inline"
        assert "Contents" not in s3.list_objects_v2(Bucket="site", Prefix="old")


def test_a_body_missing_from_the_blob_folder_is_refused_with_the_way_out(tmp_path):
    saved = tmp_path / "cloud.state"
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="site")
        s3.put_object(Bucket="site", Key="page.html", Body=b"z" * 10_000)
        saved.write_bytes(dump_backends(Blobs(tmp_path / BLOB_DIR)))
    for path in (tmp_path / BLOB_DIR).iterdir():
        path.unlink()
    with mock_aws(), pytest.raises(StateError, match="presslift up --fresh"):
        load_backends(saved)


def test_an_object_moto_disposed_of_but_still_holds_does_not_stop_the_snapshot(tmp_path):
    # moto closes an object's buffer when it disposes of it, and may still hold it (a real local cloud
    # failed every snapshot after one such object, and lost what came after).
    from moto.backends import get_backend

    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="site")
        s3.put_object(Bucket="site", Key="gone.html", Body=b"g" * 10_000)
        s3.put_object(Bucket="site", Key="kept.html", Body=b"k" * 10_000)
        bucket = get_backend("s3")["123456789012"]["aws"].buckets["site"]
        bucket.keys["gone.html"].dispose()
        saved = tmp_path / "cloud.state"
        saved.write_bytes(dump_backends(Blobs(tmp_path / BLOB_DIR)))
    with mock_aws():
        load_backends(saved)
        s3 = boto3.client("s3", region_name="us-east-1")
        assert s3.get_object(Bucket="site", Key="kept.html")["Body"].read() == b"k" * 10_000


def test_a_full_disk_is_one_line_once_and_the_snapshot_is_tried_again(tmp_path, monkeypatch):
    """With the state dir's disk full, `up` printed a traceback per snapshot and per function log line."""
    import errno
    import threading

    from presslift.localcloud import state

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "cloud.state"))

    monkeypatch.setattr(state, "write_atomically", full)
    monkeypatch.setattr(state, "dump_backends", lambda blobs: b"state")  # whatever moto holds here
    changed = threading.Event()
    changed.set()
    snapshots = state.Snapshots(tmp_path / "cloud.state", state.Gate(), changed)
    said: list[tuple[str, str]] = []

    class Log:  # the module's logger, as it is called (another test's logging set-up cannot starve it)
        def warning(self, message: str, *args: object) -> None:
            said.append(("warning", message % args))

        def exception(self, message: str, *args: object) -> None:
            said.append(("exception", message % args))

    monkeypatch.setattr(state, "log", Log())
    snapshots.save()
    snapshots.save()
    assert [kind for kind, _ in said] == ["warning"]  # once, and no traceback
    assert "cannot save the local cloud's state" in said[0][1]
    assert "no space left on device; free space" in said[0][1]
    assert changed.is_set() and snapshots.saved == 0  # tried again next time
