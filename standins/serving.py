"""A WSGI app served over real HTTP on loopback, by Werkzeug's threaded server in a daemon thread."""

from __future__ import annotations

import threading
from typing import Any, Self

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class _Quiet(WSGIRequestHandler):
    """No access log: the stand-ins record what they receive for tests to read instead."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


class Served:
    """`app` listening on `host:port` (port 0: a free one) from `start()` until `stop()`."""

    def __init__(self, app: Any, host: str, port: int, *, name: str) -> None:
        self._server: BaseWSGIServer = make_server(host, port, app, threaded=True, request_handler=_Quiet)
        self._thread = threading.Thread(target=self._server.serve_forever, name=name, daemon=True)

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class StandIn:
    """A stand-in's life cycle: served from `start()` (or `with`) until `stop()`."""

    _served: Served

    @property
    def url(self) -> str:
        return self._served.url

    def start(self) -> Self:
        self._served.start()
        return self

    def stop(self) -> None:
        self._served.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def raw_target(environ: dict[str, Any]) -> str:
    """The request target as the client sent it (path and query, still percent-encoded)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return str(raw)
    query = environ.get("QUERY_STRING", "")
    return str(environ.get("PATH_INFO", "/")) + (f"?{query}" if query else "")
