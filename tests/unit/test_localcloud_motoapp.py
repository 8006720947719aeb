"""The local cloud's moto application: moto's dispatcher, remembering which backend serves a host."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import boto3
import moto.backends
import pytest
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from presslift.localcloud import motoapp
from presslift.localcloud.motoapp import RememberingDispatcher, serving

HOSTS = [
    None,
    "moto_api",
    "s3",
    "s3.us-east-1.amazonaws.com",
    "my-bucket.s3.amazonaws.com",
    "sqs.eu-west-1.amazonaws.com",
    "cloudfront.amazonaws.com",
    "example.com",
]


def test_answers_as_moto_does_for_every_kind_of_host() -> None:
    ours, moto_own = RememberingDispatcher(), DomainDispatcherApplication(create_backend_app)
    for host in HOSTS:
        assert ours.get_backend_for_host(host) == moto_own.get_backend_for_host(host), host
        assert ours.get_backend_for_host(host) == moto_own.get_backend_for_host(host), host


def test_each_host_is_looked_up_once(monkeypatch: pytest.MonkeyPatch) -> None:
    scans: list[int] = []
    real = moto.backends.list_of_moto_modules

    def counted() -> list[str]:
        scans.append(1)
        return list(real())

    monkeypatch.setattr(moto.backends, "list_of_moto_modules", counted)
    dispatcher = RememberingDispatcher()
    for _ in range(5):
        assert dispatcher.get_backend_for_host("s3.us-east-1.amazonaws.com") == "s3"
    assert dispatcher.get_backend_for_host("example.com") is None
    assert dispatcher.get_backend_for_host("example.com") is None
    assert len(scans) == 2  # one per distinct host, however often it is asked


def test_remembers_a_bounded_number_of_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(motoapp, "MAX_REMEMBERED_HOSTS", 3)
    dispatcher = RememberingDispatcher()
    for number in range(10):
        assert dispatcher.get_backend_for_host(f"bucket-{number}.s3.amazonaws.com") == "s3"
    assert len(dispatcher._backends) <= 3


@pytest.fixture
def endpoint() -> Iterator[str]:
    with serving() as url:
        yield url


def test_serves_real_requests_to_several_services_over_http(
    endpoint: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="werkzeug")
    creds = {"aws_access_key_id": "a", "aws_secret_access_key": "b", "region_name": "us-east-1"}
    s3 = boto3.client("s3", endpoint_url=endpoint, **creds)
    sqs = boto3.client("sqs", endpoint_url=endpoint, **creds)
    s3.create_bucket(Bucket="motoapp-test")
    for number in range(3):
        s3.put_object(Bucket="motoapp-test", Key=f"page-{number}.html", Body=b"<p>hi</p>")
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket="motoapp-test")["Contents"]]
    assert keys == ["page-0.html", "page-1.html", "page-2.html"]
    queue = sqs.create_queue(QueueName="motoapp-test")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="hello")
    assert sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"] == "hello"
    assert not [record for record in caplog.records if record.name == "werkzeug"]  # no line per request
