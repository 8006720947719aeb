"""A moto server in its own process that counts the requests and bytes it receives.

Every tool under test talks to it over HTTP, so the counts are the same for all of them and the
server's work does not share a Python interpreter (and its lock) with the Presslift client.
`GET /_bench/stats` returns the counters, `POST /_bench/reset` zeroes them. Benchmark-only code:
never imported by chalicelib.
"""

from __future__ import annotations

import argparse
import json
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from presslift.localcloud.motoapp import moto_app, moto_server

StartResponse = Callable[..., Any]


class CountingApp:
    """WSGI middleware: counts requests by method and the request bytes before moto handles them."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self._lock = threading.Lock()
        self._methods: Counter[str] = Counter()
        self._bytes = 0

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/_bench/stats":
            return self._reply(start_response, self.stats())
        if path == "/_bench/reset":
            with self._lock:
                self._methods.clear()
                self._bytes = 0
            return self._reply(start_response, {"reset": True})
        with self._lock:
            self._methods[environ.get("REQUEST_METHOD", "?")] += 1
            # aws-chunked uploads (flexible checksums) send the payload's own length in this header.
            length = environ.get("HTTP_X_AMZ_DECODED_CONTENT_LENGTH") or environ.get("CONTENT_LENGTH")
            self._bytes += int(length or 0)
        result: Iterable[bytes] = self._app(environ, start_response)
        return result

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": sum(self._methods.values()),
                "by_method": dict(self._methods),
                "bytes": self._bytes,
            }

    @staticmethod
    def _reply(start_response: StartResponse, data: dict[str, Any]) -> list[bytes]:
        body = json.dumps(data).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def serve(port: int) -> None:
    # The local cloud's moto application, the same for every tool measured.
    app = CountingApp(moto_app())
    server = moto_server("127.0.0.1", port, app)
    print(f"ready {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    serve(parser.parse_args().port)
