"""The dashboard's proxy with the API down says why and what to do: the browser got a bare 502,
"did not answer: " and nothing after it."""

from __future__ import annotations

import socket

from botocore.credentials import Credentials

from presslift.dashboard import SigningProxy


def test_an_api_that_does_not_answer_is_named_with_what_to_do() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proxy = SigningProxy(f"http://127.0.0.1:{port}/api", Credentials("testing", "testing"), timeout=5)
    try:
        status, _, body = proxy.forward("GET", "/", {}, b"")
    finally:
        proxy.server.server_close()
    text = body.decode()
    assert status == 502 and text.startswith(f"The API at http://127.0.0.1:{port}/api did not answer: ")
    assert "Connection refused" in text and "start it with `presslift up`" in text
