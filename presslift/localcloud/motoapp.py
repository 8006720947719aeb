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
import threading
from collections.abc import Iterator
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

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


class QuietRequestHandler(MotoRequestHandler):
    """moto's request handler without a log line per request (nobody reads them; they cost CPU)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


def moto_app() -> RememberingDispatcher:
    """A fresh moto application (moto's backends are process-wide, as with moto's own server)."""
    return RememberingDispatcher()


@contextlib.contextmanager
def serving(host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """A moto server on a background thread for the `with` block (as moto's `ThreadedMotoServer`, with
    this module's application); its endpoint URL."""
    server = make_server(host, port, moto_app(), threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="moto", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
