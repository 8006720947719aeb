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
from werkzeug.debug.tbtools import DebugTraceback
from werkzeug.exceptions import InternalServerError
from werkzeug.serving import BaseWSGIServer, make_server

from presslift.localcloud import requesthead

#: Hosts remembered at most; a server that somehow sees more (one per S3 bucket in virtual-hosted
#: style, at most) starts over rather than grow.
MAX_REMEMBERED_HOSTS = 4096
#: Answers up to this size go out in one write with their headers; a larger body is not copied for it.
ONE_WRITE_AT_MOST = 1 << 20


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


class QuietRequestHandler(MotoRequestHandler):
    """moto's request handler, keeping HTTP/1.1 connections open between requests, as S3 does.

    werkzeug's development server closes every connection after one answer, because Python's
    http.server cannot tell where an unread request body ends; so each request cost a new TCP
    connection and a new server thread (measured: every one of a publish's 5,937 requests). Here a
    request with a Content-Length (or no body) keeps its connection: the body is read through a
    reader bounded by that length, and whatever the application left unread is drained after the
    answer, which goes out whole in one write. Chunked request bodies, HTTP/1.0 and `Connection: close`
    still close it, the werkzeug way, and so does a connection idle for `timeout` seconds. No log line
    per request either (nobody reads them; they cost CPU).
    """

    timeout = 60
    _body: _BodyReader | None = None
    _keep_open = False

    def setup(self) -> None:
        super().setup()
        # A large answer's body, a 100 Continue, and werkzeug's answers on connections that close go
        # out in separate writes: without this, on an open connection each later write waits for the
        # client's delayed ACK (~40 ms).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def parse_request(self) -> bool:
        parsed = requesthead.parse_request(self)  # a plain head without http.server's email parser
        return super().parse_request() if parsed is None else parsed

    def run_wsgi(self) -> None:
        chunked = "chunked" in str(self.headers.get("Transfer-Encoding", "")).lower()
        length = str(self.headers.get("Content-Length") or "0").strip()
        http11 = self.request_version >= "HTTP/1.1"
        self._keep_open = http11 and not self.close_connection and not chunked and length.isdigit()
        if not self._keep_open:
            super().run_wsgi()  # werkzeug's way: answer, read what is left, close
            return
        self._body = _BodyReader(self.rfile, int(length))
        self._answer()
        if not self.close_connection:
            try:
                self._body.drain()
            except OSError:
                self.close_connection = True

    def _answer(self) -> None:
        """Run the application and send its whole answer in one write, with its length.

        werkzeug's way costs, per request, a write for the status line and headers, one per piece of
        the body, and a new selector waiting up to 10 ms for whatever the client sent after the body
        (on an open connection: the next request). On the benchmark's 5,926-page publish, four runs
        each in one session, the server's CPU went from a median 7.38 s to 6.30 s with this and the
        publish from 8.67 s to 7.42 s. moto builds every body in memory anyway. An application that
        fails gets werkzeug's 500, logged as werkzeug logs it."""
        if self.headers.get("Expect", "").lower().strip(" \t") == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        environ = self.environ = self.make_environ()
        answer: list[Any] = []
        body: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if answer and not exc_info:
                raise AssertionError("Headers already set")
            answer[:] = [status, headers]  # nothing is sent before the application is done
            return body.append

        try:
            _run(self.server.app, environ, start_response, body)
            if not answer:
                raise AssertionError("the application answered without starting a response")
        except Exception as error:
            if self.server.passthrough_errors:
                raise
            self.server.log("error", f"Error on request:\n{DebugTraceback(error).render_traceback_text()}")
            answer.clear()
            body.clear()
            _run(InternalServerError(), environ, start_response, body)
        payload = b"".join(body)
        head = self._head(answer[0], answer[1], environ["REQUEST_METHOD"], len(payload))
        try:
            if len(payload) <= ONE_WRITE_AT_MOST:
                self.wfile.write(head + payload)
            else:
                self.wfile.write(head)
                self.wfile.write(payload)
        except (TimeoutError, ConnectionError) as dropped:
            self.close_connection = True
            self.connection_dropped(dropped, environ)

    def _head(self, status: str, headers: list[tuple[str, str]], method: str, length: int) -> bytes:
        """The status line and headers, as http.server sends them, and the body's length if the
        application did not give it (werkzeug would send that body chunked)."""
        code = int(status.split(None, 1)[0])
        lines = [f"{self.protocol_version} {status}", f"Server: {self.version_string()}"]
        lines.append(f"Date: {self.date_time_string()}")
        lines.extend(f"{name}: {value}" for name, value in headers)
        if not any(name.lower() == "content-length" for name, _ in headers) and not (
            method == "HEAD" or 100 <= code < 200 or code in (204, 304)
        ):
            lines.append(f"Content-Length: {length}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "strict")

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        if self._keep_open and self._body is not None:
            environ["wsgi.input"] = io.BufferedReader(self._body)
        return environ

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def log_error(self, format: str, *args: Any) -> None:
        # A connection idle for `timeout` seconds is closed: routine, not an error to print.
        if format.startswith("Request timed out"):
            return
        super().log_error(format, *args)


def _run(app: Any, environ: dict[str, Any], start_response: Any, body: list[bytes]) -> None:
    """Run a WSGI application and gather its body into `body`."""
    result = app(environ, start_response)
    try:
        body.extend(result)
    finally:
        if hasattr(result, "close"):
            result.close()


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
