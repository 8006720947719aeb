"""The local cloud's moto application: moto's dispatcher, remembering which backend serves a host."""

from __future__ import annotations

import http.client
import http.server
import logging
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import botocore.config
import moto.backends
import pytest
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from presslift.localcloud import motoapp
from presslift.localcloud.motoapp import RememberingDispatcher, serving

CREDENTIALS = {"aws_access_key_id": "a", "aws_secret_access_key": "b", "region_name": "us-east-1"}
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
    creds = CREDENTIALS
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


class ConnectionsSeen:
    """WSGI middleware around moto's application: the client ports its requests came from."""

    def __init__(self) -> None:
        self.app = motoapp.moto_app()
        self.ports: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.ports.append(str(environ.get("REMOTE_PORT")))
        return self.app(environ, start_response)


def _connection(endpoint: str) -> http.client.HTTPConnection:
    host, port = endpoint.rsplit("/", 1)[1].split(":")
    return http.client.HTTPConnection(host, int(port), timeout=10)


class OldClient(http.client.HTTPConnection):
    _http_vsn_str = "HTTP/1.0"


def _signed(s3: Any, operation: str, bucket: str, key: str) -> str:
    """The path and query of a presigned request (moto refuses anonymous ones)."""
    url = s3.generate_presigned_url(operation, Params={"Bucket": bucket, "Key": key})
    return str(url).split("/", 3)[3].join(["/", ""])


def _answer(connection: http.client.HTTPConnection) -> tuple[int, str | None, bytes]:
    response = connection.getresponse()
    return response.status, response.getheader("Connection"), response.read()


def test_keeps_a_connection_open_across_requests_and_unread_bodies() -> None:
    seen = ConnectionsSeen()
    with serving(app=seen) as url:
        s3 = boto3.client("s3", endpoint_url=url, **CREDENTIALS)
        s3.create_bucket(Bucket="keepalive")
        seen.ports.clear()
        connection = _connection(url)
        for number in range(3):
            put = _signed(s3, "put_object", "keepalive", f"page-{number}.html")
            connection.request("PUT", put, body=b"<p>%d</p>" % number)
            assert _answer(connection)[:2] == (200, None)
            # moto answers 404 without reading this body: the next request must still be read whole.
            connection.request("PUT", f"/no-such-bucket/page-{number}.html", body=b"x" * 200_000)
            status, header, body = _answer(connection)
            assert (status, header) == (404, None) and b"NoSuchBucket" in body
        connection.request("GET", _signed(s3, "get_object", "keepalive", "page-2.html"))
        assert _answer(connection) == (200, None, b"<p>2</p>")
        connection.close()
    assert len(seen.ports) == 7 and len(set(seen.ports)) == 1  # one connection for all seven


def test_a_client_that_publishes_reuses_its_pooled_connections() -> None:
    seen = ConnectionsSeen()
    with serving(app=seen) as url:
        config = botocore.config.Config(max_pool_connections=4)
        s3 = boto3.client("s3", endpoint_url=url, config=config, **CREDENTIALS)
        s3.create_bucket(Bucket="pooled")
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda n: s3.put_object(Bucket="pooled", Key=f"p/{n}", Body=b"hi"), range(60)))
        assert s3.list_objects_v2(Bucket="pooled")["KeyCount"] == 60
    assert len(seen.ports) == 62
    assert len(set(seen.ports)) <= 5  # at most the pool's four (and a first one before it filled)


def test_a_large_upload_that_asks_to_continue_then_more_requests() -> None:
    with serving() as url:
        s3 = boto3.client("s3", endpoint_url=url, **CREDENTIALS)
        s3.create_bucket(Bucket="large")
        body = bytes(range(256)) * 40_000  # 10 MB: botocore sends Expect: 100-continue
        s3.put_object(Bucket="large", Key="big.bin", Body=body)
        s3.put_object(Bucket="large", Key="small.txt", Body=b"after")
        assert s3.get_object(Bucket="large", Key="big.bin")["Body"].read() == body
        assert s3.get_object(Bucket="large", Key="small.txt")["Body"].read() == b"after"


@pytest.mark.parametrize(
    ("version", "headers"),
    [
        ("HTTP/1.0", b""),
        ("HTTP/1.1", b"Connection: close\r\n"),
        ("HTTP/1.1", b"Transfer-Encoding: chunked\r\n"),
    ],
)
def test_closes_when_the_request_asks_or_its_body_has_no_length(version: str, headers: bytes) -> None:
    with serving() as url:
        s3 = boto3.client("s3", endpoint_url=url, **CREDENTIALS)
        s3.create_bucket(Bucket="closing")
        host, port = url.rsplit("/", 1)[1].split(":")
        chunked = b"Transfer-Encoding" in headers
        body = b"5\r\nhello\r\n0\r\n\r\n" if chunked else b"hello"
        length = b"" if chunked else b"Content-Length: 5\r\n"
        request = (
            b"PUT "
            + _signed(s3, "put_object", "closing", "k").encode()
            + b" HTTP/1.1\r\nHost: "
            + host.encode()
            + b"\r\n"
            + headers
            + length
        )
        request = request.replace(b"HTTP/1.1", version.encode(), 1) + b"\r\n" + body
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(request)
            answer = b""
            while chunk := sock.recv(65536):  # the server closes: recv ends
                answer += chunk
        assert answer.split(b"\r\n", 1)[0].endswith(b"200 OK")
        assert b"Connection: close" in answer
        assert (
            boto3.client("s3", endpoint_url=url, **CREDENTIALS)
            .get_object(Bucket="closing", Key="k")["Body"]
            .read()
            == b"hello"
        )


def test_answers_go_out_without_waiting_for_the_clients_acks() -> None:
    """Status line, headers and body are separate writes: on an open connection, Nagle's algorithm
    would hold each later one until the client's delayed ACK (measured: aws s3 sync 29.7 s -> 15.4 s)."""
    options: list[int] = []
    inner = motoapp.moto_app()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        options.append(environ["werkzeug.socket"].getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        return inner(environ, start_response)

    with serving(app=app) as url:
        boto3.client("s3", endpoint_url=url, **CREDENTIALS).create_bucket(Bucket="nodelay")
    assert options and all(options)


def test_an_idle_connection_is_closed_quietly_and_the_client_carries_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(motoapp.QuietRequestHandler, "timeout", 0.5)
    caplog.set_level(logging.INFO, logger="werkzeug")
    with serving() as url:
        s3 = boto3.client("s3", endpoint_url=url, **CREDENTIALS)
        s3.create_bucket(Bucket="idle")
        connection = _connection(url)
        connection.request("GET", _signed(s3, "get_object", "idle", "nothing"))
        assert _answer(connection)[0] == 404
        time.sleep(1.5)  # past the idle timeout: the server has closed both connections
        connection.request("GET", _signed(s3, "get_object", "idle", "nothing"))
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            connection.getresponse()
        assert "idle" in [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]  # it reconnects
    assert not [record for record in caplog.records if record.name == "werkzeug"]


class PiecesOrFailure:
    """A WSGI application that answers in two pieces without a length, fails on /fail, never starts a
    response on /silent, and sends no body to HEAD; with the ports its requests came from."""

    def __init__(self) -> None:
        self.ports: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.ports.append(str(environ.get("REMOTE_PORT")))
        if environ["PATH_INFO"] == "/fail":
            raise RuntimeError("the application broke")
        if environ["PATH_INFO"] == "/silent":
            return [b"a body without a status"]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [b"first ", b"second"]


def _counting_writes(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    writes: list[bytes] = []
    setup = motoapp.QuietRequestHandler.setup

    def counted_setup(handler: Any) -> None:
        setup(handler)
        write = handler.wfile.write

        def counted(data: bytes) -> int:
            writes.append(bytes(data))
            return int(write(data))

        handler.wfile.write = counted

    monkeypatch.setattr(motoapp.QuietRequestHandler, "setup", counted_setup)
    return writes


def test_an_answer_goes_out_whole_in_one_write_with_its_length(monkeypatch: pytest.MonkeyPatch) -> None:
    writes = _counting_writes(monkeypatch)
    app = PiecesOrFailure()
    with serving(app=app) as url:
        connection = _connection(url)
        connection.request("GET", "/pieces")
        response = connection.getresponse()
        assert (response.status, response.getheader("Content-Length")) == (200, "12")
        assert response.getheader("Transfer-Encoding") is None and response.read() == b"first second"
        connection.request("HEAD", "/pieces")
        response = connection.getresponse()
        assert (response.status, response.getheader("Content-Length"), response.read()) == (200, None, b"")
        connection.close()
    assert len(writes) == 2 and writes[0].endswith(b"\r\n\r\nfirst second")  # one write per answer
    assert len(app.ports) == 2 and len(set(app.ports)) == 1  # and the connection stayed open


def test_a_large_answer_is_not_copied_to_go_out_in_one_write(monkeypatch: pytest.MonkeyPatch) -> None:
    writes = _counting_writes(monkeypatch)
    monkeypatch.setattr(motoapp, "ONE_WRITE_AT_MOST", 8)
    with serving(app=PiecesOrFailure()) as url:
        connection = _connection(url)
        connection.request("GET", "/pieces")
        assert _answer(connection) == (200, None, b"first second")
        connection.close()
    assert [write[-12:] for write in writes][1:] == [b"first second"]  # headers, then the body


def test_an_application_that_fails_answers_500_and_the_connection_carries_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="werkzeug")
    app = PiecesOrFailure()
    with serving(app=app) as url:
        connection = _connection(url)
        connection.request("GET", "/fail")
        status, _, body = _answer(connection)
        assert status == 500 and b"Internal Server Error" in body
        connection.request("GET", "/silent")
        assert _answer(connection)[0] == 500
        connection.request("GET", "/pieces")
        assert _answer(connection) == (200, None, b"first second")
        connection.close()
    assert len(set(app.ports)) == 1
    errors = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert len(errors) == 2 and "RuntimeError: the application broke" in errors[0]
    assert "without starting a response" in errors[1]


def test_the_server_reads_request_heads_itself_and_leaves_the_odd_ones_to_http_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    base = http.server.BaseHTTPRequestHandler.parse_request

    def counted(handler: Any) -> bool:
        parsed = bool(base(handler))
        asked.append(handler.requestline)
        return parsed

    monkeypatch.setattr(http.server.BaseHTTPRequestHandler, "parse_request", counted)
    with serving() as url:
        s3 = boto3.client("s3", endpoint_url=url, **CREDENTIALS)
        s3.create_bucket(Bucket="heads")
        meta = {"CacheControl": "max-age=0", "Metadata": {"md5": "x"}}
        s3.put_object(Bucket="heads", Key="a.html", Body=b"<p>a</p>", **meta)
        got = s3.get_object(Bucket="heads", Key="a.html")
        assert (got["Body"].read(), got["CacheControl"], got["Metadata"]) == (b"<p>a</p>", *meta.values())
        connection = _connection(url)
        connection.putrequest("GET", _signed(s3, "get_object", "heads", "a.html"))
        connection.putheader("X-Folded", "one", "two")  # a continued line: read by the email parser
        connection.endheaders()
        assert _answer(connection)[::2] == (200, b"<p>a</p>")
        assert asked == []  # every request so far was read here
        connection = OldClient(*connection.sock.getpeername())  # HTTP/1.0: http.server's to read
        connection.request("GET", _signed(s3, "get_object", "heads", "a.html"))
        assert _answer(connection)[::2] == (200, b"<p>a</p>")
        assert len(asked) == 1 and asked[0].endswith(" HTTP/1.0")
