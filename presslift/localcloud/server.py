"""The local cloud's HTTP front door on 127.0.0.1:8000: the API under its stage, and the published sites.

`/api/...` goes through `gateway.Gateway`, which plays API Gateway's REST API for the stage `api`
(refusing an operator route unless a known identity signed the request) and hands the proxy event to
`invoke`, the API function (the app in this process, or the packaged function
in another). `/sites/...` is answered by `sites.serve`; `GET /` redirects to the dashboard at `/api/`;
anything else gets API Gateway's 403, as on AWS.

The front door must never call the Chalice app directly: every API request reaches it as a proxy event
through `invoke`, so what works here works behind API Gateway.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from chalice.app import Chalice, IAMAuthorizer
from chalice.local import CustomLocalChalice, LambdaContext, LocalChalice

from chalicelib.config import Settings
from presslift.localcloud import sites
from presslift.localcloud.gateway import (
    DEFAULT_BINARY_TYPES,
    IAM,
    NONE,
    STAGE,
    Gateway,
    HttpRequest,
    HttpResponse,
    routes_from_template,
)

__all__ = ["ApiServer", "app_routes", "in_process", "routes_from_template"]

Invoke = Callable[[dict[str, Any]], dict[str, Any]]
#: What `.chalice/config.json` gives the API function (memory in MB, timeout in seconds).
API_MEMORY_MB = 512
API_TIMEOUT_SECONDS = 30


def in_process(app: Chalice) -> Invoke:
    """The API function as this process runs it: the app object called with a proxy event."""
    if not isinstance(app, LocalChalice):
        # What chalice.local.create_local_server does: the server is threaded, so each thread needs its
        # own current_request.
        CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
        app.__class__ = CustomLocalChalice

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        context = LambdaContext("api_handler", API_MEMORY_MB, max_runtime_ms=API_TIMEOUT_SECONDS * 1000)
        return dict(app(event, context))

    return invoke


def app_routes(app: Chalice) -> dict[str, dict[str, str]]:
    """The app's route patterns with their methods and each method's authorization (`AWS_IAM` for an
    `IAMAuthorizer`), as `chalice package` writes them into the API."""
    return {
        path: {
            method: IAM if isinstance(methods[method].authorizer, IAMAuthorizer) else NONE
            for method in sorted(methods)
        }
        for path, methods in app.routes.items()
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    gateway: Gateway
    invoke: Invoke
    s3: Any
    settings: Settings

    def _handle(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith(sites.PREFIX) and self.command in ("GET", "HEAD"):
            site = sites.serve(self.s3, self.settings, self.path)
            self._send(HttpResponse(site.status, list(site.headers.items()), site.body))
        elif path == "/" and self.command in ("GET", "HEAD"):
            self._send(HttpResponse(302, [("Location", f"/{STAGE}/")]))
        else:
            self._send(self.gateway.handle(self._request(), self.invoke))

    def _request(self) -> HttpRequest:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        return HttpRequest(
            method=self.command,
            target=self.path,
            headers=list(self.headers.items()),
            body=body,
            source_ip=self.client_address[0],
            port=int(self.connection.getsockname()[1]),
            scheme="http",
            protocol=self.request_version,
        )

    def _send(self, response: HttpResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _handle

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the banner and the run display say what matters; per-request lines drown them


class ApiServer:
    """Serves the API and the sites on background threads (one per connection); `stop()` shuts down.

    `invoke` is the API function (proxy event in, proxy response out); `routes` its route patterns
    (`/runs/{run_id}`), optionally with their methods and their authorization; `identities` the keys
    that may sign operator (`AWS_IAM`) routes, access key id -> secret.
    """

    def __init__(
        self,
        invoke: Invoke,
        routes: Iterable[str] | Mapping[str, Collection[str]],
        settings: Settings,
        s3: Any,
        host: str,
        port: int,
        *,
        binary_types: Iterable[str] = DEFAULT_BINARY_TYPES,
        identities: Mapping[str, str] | None = None,
    ) -> None:
        gateway = Gateway(routes, binary_types=binary_types, identities=identities)
        attributes = {"gateway": gateway, "invoke": staticmethod(invoke), "s3": s3, "settings": settings}
        handler = type("Handler", (_Handler,), attributes)
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        self.host, self.port = str(self.server.server_address[0]), int(self.server.server_address[1])
        self._thread = threading.Thread(target=self.server.serve_forever, name="api-server", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
