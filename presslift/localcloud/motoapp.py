"""moto's WSGI application as the local cloud serves it: moto's own, less a directory scan per request.

moto's dispatcher finds the backend for each request by its Host header, and before matching the
host's URL patterns it checks whether the host names one of moto's modules by listing moto's package
folder and testing each of its ~180 entries for being a folder: twice a request (once for the host,
once for the host it infers from the signature). Measured on a stream of 14 KB S3 PUTs, that was a
quarter of the server's CPU. Which backend serves a host never changes while the server runs, so this
dispatcher remembers the answer per host. Everything else is moto's own code.
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading
from collections.abc import Iterator
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

#: Hosts remembered at most; a server that somehow sees more (one per S3 bucket in virtual-hosted
#: style, at most) starts over rather than grow.
MAX_REMEMBERED_HOSTS = 4096


class RememberingDispatcher(DomainDispatcherApplication):
    """moto's dispatcher; the backend for a host is looked up once (always under moto's own lock)."""

    def __init__(self) -> None:
        super().__init__(create_backend_app)
        self._backends: dict[str | None, Any] = {}

    def get_backend_for_host(self, host: str | None) -> Any:
        try:
            return self._backends[host]
        except KeyError:
            pass
        backend = super().get_backend_for_host(host)
        if len(self._backends) >= MAX_REMEMBERED_HOSTS:
            self._backends.clear()
        self._backends[host] = backend
        return backend


class _BodyReader(io.RawIOBase):
    """The request's body and nothing past it: what the application leaves unread is drained after
    the answer, so the next request on the connection starts where it should."""

    def __init__(self, stream: Any, length: int) -> None:
        super().__init__()
        self._stream, self.left = stream, length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.left <= 0:
            return 0
        view = memoryview(buffer)[: self.left]
        count = int(self._stream.readinto(view) or 0)
        if count == 0:
            raise ConnectionError("the client closed the connection in the middle of a request body")
        self.left -= count
        return count

    def drain(self) -> None:
        while self.left > 0:
            if not self.read(min(self.left, 1 << 16)):
                return


class _NothingMore(io.BufferedIOBase):
    """A stream with nothing more to read."""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1, /) -> bytes:
        return b""

    def readline(self, size: int | None = -1, /) -> bytes:
        return b""


_NOTHING_MORE = _NothingMore()


class QuietRequestHandler(MotoRequestHandler):
    """moto's request handler, keeping HTTP/1.1 connections open between requests, as S3 does.

    werkzeug's development server closes every connection after one answer, because Python's
    http.server cannot tell where an unread request body ends; so each request cost a new TCP
    connection and a new server thread (measured: every one of a publish's 5,937 requests). Here a
    request with a Content-Length (or no body) keeps its connection: the body is read through a
    reader bounded by that length, and whatever the application left unread is drained after the
    answer. Chunked request bodies, HTTP/1.0 and `Connection: close` still close it, and so does a
    connection idle for `timeout` seconds. No log line per request either (nobody reads them; they
    cost CPU).
    """

    timeout = 60
    _body: _BodyReader | None = None
    _keep_open = False

    def setup(self) -> None:
        super().setup()
        # An answer's status line, headers and body go out in separate writes: without this, on a
        # connection that stays open each later write waits for the client's delayed ACK (~40 ms).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def run_wsgi(self) -> None:
        chunked = "chunked" in str(self.headers.get("Transfer-Encoding", "")).lower()
        length = str(self.headers.get("Content-Length") or "0").strip()
        http11 = self.request_version >= "HTTP/1.1"
        self._keep_open = http11 and not self.close_connection and not chunked and length.isdigit()
        if not self._keep_open:
            super().run_wsgi()  # werkzeug's way: answer, read what is left, close
            return
        connection = self.rfile
        self._body = _BodyReader(connection, int(length))
        # After each answer werkzeug reads whatever else the client sent, which on an open
        # connection is the next request: it finds nothing here instead.
        self.rfile = _NOTHING_MORE
        try:
            super().run_wsgi()
        finally:
            self.rfile = connection
        if not self.close_connection:
            try:
                self._body.drain()
            except OSError:
                self.close_connection = True

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        if self._keep_open and self._body is not None:
            environ["wsgi.input"] = io.BufferedReader(self._body)
        return environ

    def send_header(self, keyword: str, value: str) -> None:
        # werkzeug says `Connection: close` on every answer; only a connection that must close says it.
        if self._keep_open and keyword.lower() == "connection" and value.lower() == "close":
            return
        super().send_header(keyword, value)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def log_error(self, format: str, *args: Any) -> None:
        # A connection idle for `timeout` seconds is closed: routine, not an error to print.
        if format.startswith("Request timed out"):
            return
        super().log_error(format, *args)


def moto_app() -> RememberingDispatcher:
    """A fresh moto application (moto's backends are process-wide, as with moto's own server)."""
    return RememberingDispatcher()


def moto_server(host: str, port: int, app: Any) -> BaseWSGIServer:
    """A threaded HTTP server for `app` (moto's application, or a WSGI application around it) on
    `host`:`port` (0: any free port; see `server_address`), answering as S3 does: kept-alive
    connections, no line per request. Every moto server of the local cloud and the benchmarks is this."""
    return make_server(host, port, app, threaded=True, request_handler=QuietRequestHandler)


@contextlib.contextmanager
def serving(host: str = "127.0.0.1", port: int = 0, app: Any = None) -> Iterator[str]:
    """A moto server on a background thread for the `with` block (as moto's `ThreadedMotoServer`, with
    this module's application or `app`, a WSGI application around it); its endpoint URL."""
    app = moto_app() if app is None else app
    server = moto_server(host, port, app)
    thread = threading.Thread(target=server.serve_forever, name="moto", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
