"""Algolia's REST API over HTTP, as a Flask app: every request goes to `LocalAlgolia.handle` with its
raw path (index names are percent-encoded in it), its lowercased headers and its body (un-gzipped);
the answer is JSON with CORS, so a browser can query it as it would query Algolia."""

from __future__ import annotations

import gzip
import json
from typing import TYPE_CHECKING

from flask import Flask, Response, request

from standins.serving import raw_target

if TYPE_CHECKING:
    from standins.algolia.server import LocalAlgolia

METHODS = ["GET", "POST", "PUT", "DELETE", "OPTIONS"]
CORS_PREFLIGHT = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "content-type, x-algolia-api-key, x-algolia-application-id, x-algolia-agent"
    ),
    "Access-Control-Max-Age": "600",
}


def algolia_api(algolia: LocalAlgolia) -> Flask:
    app = Flask("standins.algolia")

    @app.route("/", defaults={"path": ""}, methods=METHODS, provide_automatic_options=False)
    @app.route("/<path:path>", methods=METHODS, provide_automatic_options=False)
    def serve(path: str) -> Response:
        if request.method == "OPTIONS":
            return Response(b"", status=204, headers=CORS_PREFLIGHT)
        body = request.get_data()
        if request.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        headers = {key.lower(): value for key, value in request.headers.items()}
        status, answer = algolia.handle(request.method, raw_target(request.environ), headers, body)
        reply = Response(json.dumps(answer), status=status, content_type="application/json; charset=UTF-8")
        reply.headers["Access-Control-Allow-Origin"] = "*"
        if status == 429:
            reply.headers["Retry-After"] = "0"
        return reply

    return app
