"""Lambda's Invoke API for packaged mode: `POST /2015-03-31/functions/{name}/invocations`, answered
synchronously by the function's pool, as the build function invokes the build runner on AWS.

moto runs no function code of ours, so the functions are pointed here with `AWS_ENDPOINT_URL_LAMBDA`
(botocore honours a service's own endpoint variable from 1.31; the runtime floor is 1.34) and
everything else stays on moto. Only `RequestResponse` invocations of the stack's own functions are
served; a failed invocation answers as Lambda does, 200 with `X-Amz-Function-Error` and the error as
the payload. It must never run anything but the pools it is given, and never listen beyond loopback.

What it does not do (the README lists it): evaluate IAM for the caller. That the build role may invoke
the runner and nothing else is checked on the template's policies instead.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from presslift.localcloud.packaged.process import FunctionError

_PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations$")


class Pool(Protocol):
    def invoke(self, event: dict[str, Any]) -> Any: ...


class InvokeServer:
    """The Invoke API on `host:port` (0: a free port) for `pools`, by function name."""

    def __init__(self, pools: Mapping[str, Pool], host: str, port: int = 0) -> None:
        self.pools = dict(pools)
        self._server = ThreadingHTTPServer((host, port), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> InvokeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def pool(self, name: str) -> Pool | None:
        # FunctionName may be the name, or an ARN ending in it (`...:function:NAME`).
        return self.pools.get(name.rsplit(":function:", 1)[-1])


def _handler(invoke: InvokeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _refuse(self, status: int, kind: str, message: str) -> None:
            self._answer(status, {"Type": "User", "message": message}, {"x-amzn-ErrorType": kind})

        def do_POST(self) -> None:
            match = _PATH.match(self.path.split("?", 1)[0])
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not match:
                self._refuse(404, "UnknownOperationException", f"no such operation: POST {self.path}")
                return
            name = match.group("name")
            pool = invoke.pool(name)
            if pool is None:
                self._refuse(404, "ResourceNotFoundException", f"Function not found: {name}")
                return
            kind = self.headers.get("X-Amz-Invocation-Type", "RequestResponse")
            if kind != "RequestResponse":
                self._refuse(
                    400, "InvalidParameterValueException", f"only RequestResponse is served, not {kind}"
                )
                return
            try:
                event = json.loads(body or b"{}")
            except ValueError:
                self._refuse(400, "InvalidRequestContentException", "Could not parse request body into json")
                return
            try:
                result = pool.invoke(event)
            except FunctionError as exc:
                self._answer(
                    200,
                    {"errorMessage": str(exc), "errorType": exc.kind},
                    {"X-Amz-Function-Error": "Unhandled", "X-Amz-Executed-Version": "$LATEST"},
                )
                return
            self._answer(200, result, {"X-Amz-Executed-Version": "$LATEST"})

    return Handler
