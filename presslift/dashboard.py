"""`presslift dashboard`: the operators' dashboard in a browser, through a local signing proxy.

The API's operator routes need a SigV4 signature, which a browser cannot make; like `kubectl proxy`, a
process on the operator's machine listens on 127.0.0.1, signs every request with the operator's
credentials and forwards it to the API (`upstream`, the API's URL with its stage). The API's absolute
links in pages, JSON and redirects are rewritten to the proxy, as a reverse proxy's `ProxyPassReverse`
does, so every link and form of the dashboard goes through it; links to the published sites are left
alone.

The proxy must never listen beyond 127.0.0.1, answer a request addressed to another host name (a DNS
rebinding page would otherwise borrow the operator's keys), forward a state-changing request that
another origin's page sent (its `Origin` is not the proxy's), or pass on any credential but its own
signature (of the browser's cookies, only the dashboard's own goes on).
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Mapping
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from chalicelib.web import CSRF_COOKIE
from presslift import signing

HOST = "127.0.0.1"
#: The browser's headers that reach the API (and are signed); everything else stays behind.
FORWARDED = ("accept", "accept-language", "content-type", "user-agent")
#: Not passed back: hop-by-hop, or recomputed for the rewritten body.
DROPPED = {"connection", "keep-alive", "transfer-encoding", "content-length", "x-amzn-requestid"}
REWRITTEN_TYPES = ("text/html", "application/json", "text/plain")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the browser follows the (rewritten) Location itself


class SigningProxy:
    """Serves `upstream` (the API's URL with its stage) on `http://127.0.0.1:<port>/`, signing as
    `credentials` (botocore credentials) for `region`; port 0 picks a free one."""

    def __init__(
        self,
        upstream: str,
        credentials: Any,
        *,
        region: str = signing.REGION,
        port: int = 0,
        timeout: float = 60,
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.credentials = credentials
        self.region = region
        self.timeout = timeout
        handler = type("Handler", (_Handler,), {"proxy": self})
        self.server = ThreadingHTTPServer((HOST, port), handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self._thread = threading.Thread(target=self.server.serve_forever, name="dashboard-proxy", daemon=True)

    @property
    def url(self) -> str:
        """What to open in the browser: the dashboard."""
        return f"http://{HOST}:{self.port}/"

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    def allowed_host(self, host: str) -> bool:
        return host in (f"{HOST}:{self.port}", f"localhost:{self.port}")

    def start(self) -> SigningProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def forward(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """The API's answer to the browser's request, signed on the way and rewritten on the way back."""
        url = self.upstream + (target if target.startswith("/") else "/" + target)
        kept = {name: value for name, value in headers.items() if name.lower() in FORWARDED}
        cookie = _dashboard_cookie(headers)
        if cookie:
            kept["Cookie"] = cookie
        signed = signing.sign(self.credentials, method, url, kept, body, region=self.region)
        request = urllib.request.Request(url, data=body or None, method=method, headers=signed)
        opener = urllib.request.build_opener(_NoRedirects)
        try:
            with opener.open(request, timeout=self.timeout) as response:
                status, reply_headers, data = response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            status, reply_headers, data = exc.code, exc.headers, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            # A refused connection's error reads as nothing ("did not answer: "): say what it was.
            why = getattr(exc, "reason", None) or exc
            said = str(why) or type(why).__name__
            local = "127.0.0.1" in self.upstream or "localhost" in self.upstream
            hint = " (is the local cloud running? start it with `presslift up`)" if local else ""
            message = f"The API at {self.upstream} did not answer: {said}{hint}\n"
            return 502, [("Content-Type", "text/plain; charset=utf-8")], message.encode()
        out = [
            (name, self.rewrite(value) if name.lower() == "location" else value)
            for name, value in reply_headers.items()
            if name.lower() not in DROPPED
        ]
        content_type = reply_headers.get("Content-Type", "")
        if content_type.startswith(REWRITTEN_TYPES):
            data = self.rewrite(data.decode("utf-8", "replace")).encode("utf-8")
        return status, out, data

    def rewrite(self, text: str) -> str:
        """The API's own URLs in `text` pointed at the proxy (links to anything else untouched)."""
        return text.replace(self.upstream + "/", self.origin + "/").replace(self.upstream, self.origin)


def _dashboard_cookie(headers: Mapping[str, str]) -> str | None:
    """Only the dashboard's own cookie goes on: other local apps' cookies share the host (not the port)."""
    raw = next((value for name, value in headers.items() if name.lower() == "cookie"), "")
    try:
        morsel = SimpleCookie(raw).get(CSRF_COOKIE)
    except CookieError:
        return None
    return f"{CSRF_COOKIE}={morsel.value}" if morsel is not None and morsel.value else None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    proxy: SigningProxy

    def _handle(self) -> None:
        if not self.proxy.allowed_host(self.headers.get("Host", "")):
            return self._refuse(421, "This proxy answers only requests addressed to 127.0.0.1.\n")
        origin = self.headers.get("Origin")
        if self.command not in SAFE_METHODS and origin and origin != self.proxy.origin:
            return self._refuse(403, "A page of another origin may not act through this proxy.\n")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        status, headers, data = self.proxy.forward(self.command, self.path, dict(self.headers.items()), body)
        self._send(status, headers, data)

    def _refuse(self, status: int, message: str) -> None:
        self._send(status, [("Content-Type", "text/plain; charset=utf-8")], message.encode())

    def _send(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _handle

    def log_message(self, format: str, *args: Any) -> None:
        pass


def api_url_of_stack(stack: str, cloudformation: Any = None) -> str | None:
    """A deployed stack's API URL (its `EndpointURL` output, which ends in the stage), or None."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        client = cloudformation or boto3.client("cloudformation")
        stacks = client.describe_stacks(StackName=stack)["Stacks"]
    except (BotoCoreError, ClientError):
        return None
    outputs = stacks[0].get("Outputs", []) if stacks else []
    found = next((o["OutputValue"] for o in outputs if o.get("OutputKey") == "EndpointURL"), None)
    return str(found).rstrip("/") if found else None
