"""Who may talk to the local cloud's AWS endpoint: programs on this machine, never a web page.

moto answers any request, signed or not, and its server allows every origin (CORS `*`). Any page the
operator or an approver opened while `presslift up` ran (a pushed site's staging page among them, on
the same machine) could read every site's webhook secret from the parameter store, or write into the
site buckets, with a made-up signature. Real AWS checks each request's signature; the local cloud
cannot (moto's credentials are anyone's), so it keeps the callers a signature would keep out:

- a browser's request: each one a page's script sends, and each preflight, carries `Origin`, and
  today's browsers mark every request, an image's or a form's too, with `Sec-Fetch-*`. The SDKs, the
  CLI and the build runners never send them;
- a request for another host name (a DNS-rebinding page reaches 127.0.0.1 under its own name);
- a request that is not signed at all (no `Authorization`, no presigned query): every AWS SDK signs.

Each is refused (403) with one line saying why, before moto sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

#: Host names that reach this machine's loopback only (`*.localhost` never leaves it either).
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
BROWSER_HEADERS = ("HTTP_ORIGIN", "HTTP_SEC_FETCH_SITE", "HTTP_SEC_FETCH_MODE", "HTTP_SEC_FETCH_DEST")
#: Query parameters of a presigned URL (signature version 4, and 2, which boto3 still makes for S3).
PRESIGNED = ("X-Amz-Signature", "Signature")


def refusal(environ: dict[str, Any]) -> str:
    """Why the local cloud's AWS endpoint does not answer this request ("" when it does)."""
    if any(environ.get(header) for header in BROWSER_HEADERS):
        return "a web page's request: the local cloud's AWS endpoint answers programs on this machine only"
    if not loopback(str(environ.get("HTTP_HOST") or "")):
        return "the request names another host: the local cloud answers 127.0.0.1 and localhost only"
    if not environ.get("HTTP_AUTHORIZATION"):
        query = parse_qs(str(environ.get("QUERY_STRING") or ""))
        if not any(name in query for name in PRESIGNED):
            return "the request is not signed: call the local cloud with an AWS SDK or a presigned URL"
    return ""


def loopback(host: str) -> bool:
    """Whether a Host header (`name`, `name:port`, `[::1]:port`) names this machine's loopback."""
    name = host.strip().lower()
    if name.startswith("["):
        name = name[1:].split("]", 1)[0]
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    return name in LOOPBACK_NAMES or name.endswith(".localhost")


class LocalCallersOnly:
    """A WSGI application around moto's that answers only what `refusal` lets through."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        why = refusal(environ)
        if not why:
            return self._app(environ, start_response)
        body = f"refused: {why}\n".encode()
        start_response(
            "403 Forbidden",
            [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]
