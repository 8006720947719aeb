"""The local cloud's HTTP front door on 127.0.0.1:8000: the Chalice routes, and the published sites.

Requests under `/sites/` are answered by `sites.serve`; everything else goes through Chalice's own
local API Gateway emulation, so routes behave as they do behind API Gateway (same event shape).
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from chalice.app import Chalice
from chalice.config import Config
from chalice.local import ChaliceRequestHandler, CustomLocalChalice, LocalChalice, ThreadedHTTPServer

from chalicelib.config import Settings
from presslift.localcloud import sites


class _Handler(ChaliceRequestHandler):
    s3: Any = None
    settings: Settings | None = None

    def _generic_handle(self) -> None:
        if self.path.startswith(sites.PREFIX) and self.command in ("GET", "HEAD"):
            assert self.settings is not None
            response = sites.serve(self.s3, self.settings, self.path)
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(response.body)
            return
        super()._generic_handle()

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the banner and the run display say what matters; per-request lines drown them


class ApiServer:
    """Serves the app and the sites on a background thread; `stop()` shuts it down cleanly."""

    def __init__(self, app: Chalice, settings: Settings, s3: Any, host: str, port: int) -> None:
        if not isinstance(app, LocalChalice):
            # What chalice.local.create_local_server does: a thread-local current_request.
            CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
            app.__class__ = CustomLocalChalice
        handler = type("Handler", (_Handler,), {"s3": s3, "settings": settings})
        config = Config.create(
            chalice_stage="dev", app_name="presslift", lambda_timeout=900, lambda_memory_size=1024
        )
        self.server = ThreadedHTTPServer(
            (host, port), functools.partial(handler, app_object=app, config=config)
        )
        self.host, self.port = self.server.server_address[0], self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, name="api-server", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
