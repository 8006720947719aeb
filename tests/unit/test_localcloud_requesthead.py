"""The local cloud's reading of a request's head: the same result as http.server's for every head."""

from __future__ import annotations

import email.parser
import io
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from presslift.localcloud import requesthead

S3_PUT = (
    b"Host: 127.0.0.1:4566\r\nAccept-Encoding: identity\r\nUser-Agent: python-urllib3/2.8.0\r\n"
    b"Content-Type: text/html; charset=utf-8\r\nCache-Control: public, max-age=0, must-revalidate\r\n"
    b"Content-MD5: kLXP8I2Rvh/kSqGW78KpbA==\r\nx-amz-meta-md5: 90b5cff08d91be1fe44aa196efc2a96c\r\n"
    b"Content-Length: 34716\r\nX-Amz-Date: 20261203T165319Z\r\n"
    b"Authorization: AWS4-HMAC-SHA256 Credential=a/20261203/us-east-1/s3/aws4_request, "
    b"SignedHeaders=host;x-amz-date, Signature=cb93\r\n\r\n"
)
GO_SDK = (
    b"Host: 127.0.0.1:4566\r\nUser-Agent: aws-sdk-go-v2/1.41.6 ua/2.1 os/linux lang/go#1.27.2 m/E,G,Z,g\r\n"
    b"Content-Length: 32529\r\nAmz-Sdk-Invocation-Id: 2c8da589-0365-4994-b49e-e17f4094a10f\r\n"
    b"Amz-Sdk-Request: attempt=1; max=3\r\nX-Amz-Checksum-Crc32: hYINcw==\r\n\r\n"
)
PLAIN_HEADS = {
    "an S3 PUT from botocore": S3_PUT,
    "an S3 PUT from the Go SDK": GO_SDK,
    "no headers": b"\r\n",
    "LF line ends": b"Host: a\nX-One: 1\n\n",
    "no space after the colon, spaces and tabs around values": b"A:b\r\nC: \t d \t\r\nE:\r\n\r\n",
    "a header given twice": b"X-Amz-Meta-A: 1\r\nx-amz-meta-a: 2\r\n\r\n",
    "Latin-1 bytes in a value": b"X-Name: caf\xe9 \xff\r\n\r\n",
    "Connection: close": b"Host: a\r\nConnection: close\r\n\r\n",
    "Connection: Keep-Alive": b"Host: a\r\nConnection: Keep-Alive\r\n\r\n",
    "Expect: 100-continue": b"Host: a\r\nContent-Length: 3\r\nExpect: 100-Continue\r\n\r\nabc",
    "a header named From": b"From: someone@example.com\r\n\r\n",
    "names of every character a name may have": b"X_Under.Score~!#$%&'*+^`|: v\r\n\r\n",
    "a NUL and a tab inside a value": b"X-A: a\x00b\tc\r\n\r\n",
    "the next request right after": b"Host: a\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n",
}
ODD_HEADS = {
    "a continued (folded) line": b"X-Long: one\r\n two\r\n\tthree\r\nHost: a\r\n\r\n",
    "a line without a colon": b"Host: a\r\nnot a header\r\nX-After: 1\r\n\r\n",
    "a name with a space": b"Bad Name: x\r\nHost: a\r\n\r\n",
    "an empty name": b": x\r\nHost: a\r\n\r\n",
    "a stray CR in a value": b"X-A: one\rtwo\r\nHost: a\r\n\r\n",
    "a line that starts 'From '": b"From someone\r\nHost: a\r\n\r\n",
    "the connection closing before the blank line": b"Host: a\r\nX-Cut: 1",
    "a line of 64 KiB and one byte": b"X-Big: " + b"a" * 65536 + b"\r\n\r\n",
    "a line of exactly 64 KiB": b"X-Big: " + b"a" * (65536 - 9) + b"\r\n\r\n",
    "99 headers": b"".join(b"X-%d: v\r\n" % n for n in range(99)) + b"\r\n",
    "100 headers": b"".join(b"X-%d: v\r\n" % n for n in range(100)) + b"\r\n",
    "a NUL in a name": b"X-\x00: v\r\n\r\n",
}
REQUEST_LINES = [
    b"PUT /bucket/key.html HTTP/1.1\r\n",
    b"GET //evil.example/path HTTP/1.1\r\n",
    b"GET /a%20b?x=1&y=%2F HTTP/1.1\n",
    b"DELETE  /spaced   HTTP/1.1\r\n",
    b"GET / HTTP/1.1 \r\n",
    b"GET /\x1cx HTTP/1.1\r\n",
    b"GET /old HTTP/1.0\r\n",
    b"GET /two HTTP/2.0\r\n",
    b"GET /nine\r\n",
    b"GET / http/1.1\r\n",
    b"GET / HTTP/01.1\r\n",
    b"GET /caf\xc3\xa9 HTTP/1.1\r\n",
    b"GET /\xa0x HTTP/1.1\r\n",
    b"GET /a b HTTP/1.1\r\n",
    b"\r\n",
]


class Handler(BaseHTTPRequestHandler):
    """A request handler without a socket: what it reads and writes are byte buffers."""

    protocol_version = "HTTP/1.1"

    def __init__(self, requestline: bytes, rest: bytes) -> None:  # no socket, no handle()
        self.raw_requestline = requestline
        self.rfile = io.BytesIO(rest)
        self.wfile = self.sent = io.BytesIO()
        self.request_version = self.default_request_version
        self.client_address = ("127.0.0.1", 1)

    def date_time_string(self, timestamp: float | None = None) -> str:
        return "Thu, 03 Dec 2026 12:00:00 GMT"

    def log_message(self, format: str, *args: Any) -> None:
        pass


def outcome(handler: Handler, result: bool) -> dict[str, Any]:
    return {
        "result": result,
        "fields": {
            name: getattr(handler, name, "unset")
            for name in ("command", "path", "request_version", "requestline", "close_connection")
        },
        "headers": list(handler.headers.items()) if hasattr(handler, "headers") else None,
        "sent": handler.sent.getvalue(),
        "unread": handler.rfile.read(),
    }


def ours(requestline: bytes, rest: bytes) -> tuple[dict[str, Any], bool]:
    """What the local cloud's handler makes of the request, and whether it read the head itself."""
    handler = Handler(requestline, rest)
    parsed = requesthead.parse_request(handler)
    if parsed is None:
        return outcome(handler, BaseHTTPRequestHandler.parse_request(handler)), False
    return outcome(handler, parsed), True


def http_servers(requestline: bytes, rest: bytes) -> dict[str, Any]:
    handler = Handler(requestline, rest)
    return outcome(handler, handler.parse_request())


@pytest.mark.parametrize("name", [*PLAIN_HEADS, *ODD_HEADS])
@pytest.mark.parametrize("requestline", REQUEST_LINES)
def test_every_head_reads_as_http_server_reads_it(requestline: bytes, name: str) -> None:
    head = {**PLAIN_HEADS, **ODD_HEADS}[name]
    got, _ = ours(requestline, head)
    assert got == http_servers(requestline, head)


@pytest.mark.parametrize("name", PLAIN_HEADS)
def test_a_plain_head_is_read_without_the_email_parser(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = http_servers(b"PUT /b/k HTTP/1.1\r\n", PLAIN_HEADS[name])

    def no_parser(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the email parser was used")

    monkeypatch.setattr(email.parser, "Parser", no_parser)
    got, read_here = ours(b"PUT /b/k HTTP/1.1\r\n", PLAIN_HEADS[name])
    assert read_here and got == expected


def test_the_answers_to_a_bad_head_are_http_servers() -> None:
    too_many, _ = ours(b"GET / HTTP/1.1\r\n", ODD_HEADS["100 headers"])
    too_long, _ = ours(b"GET / HTTP/1.1\r\n", ODD_HEADS["a line of 64 KiB and one byte"])
    assert too_many["result"] is False and too_many["sent"].startswith(b"HTTP/1.1 431 Too many headers\r\n")
    assert too_long["result"] is False and too_long["sent"].startswith(b"HTTP/1.1 431 Line too long\r\n")
    continued, _ = ours(b"GET / HTTP/1.1\r\n", ODD_HEADS["a continued (folded) line"])
    assert ("X-Long", "one\r\n two\r\n\tthree") in continued["headers"]
