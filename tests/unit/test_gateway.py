"""The local API Gateway: proxy events as API Gateway sends them for the stage `api`, and responses back."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from chalice.app import Chalice, Response

from presslift.localcloud.gateway import (
    Gateway,
    HttpRequest,
    binary_types_from_template,
    http_response,
    route_methods_from_template,
    routes_from_template,
)
from presslift.localcloud.server import app_routes, in_process

ROUTES = {
    "/": ["GET"],
    "/runs": ["GET"],
    "/runs/{run_id}": ["GET"],
    "/runs/{run_id}/logs/{name}": ["GET"],
    "/approvals/{run_id}": ["GET", "POST"],
    "/sites/{site}/{stage}/rollback": ["POST"],
}
#: The top-level keys of API Gateway's REST proxy event (payload format 1.0), from its documentation.
EVENT_KEYS = {
    "resource",
    "path",
    "httpMethod",
    "headers",
    "multiValueHeaders",
    "queryStringParameters",
    "multiValueQueryStringParameters",
    "pathParameters",
    "stageVariables",
    "requestContext",
    "body",
    "isBase64Encoded",
}


def request(method: str, target: str, *headers: tuple[str, str], body: bytes = b"") -> HttpRequest:
    return HttpRequest(
        method,
        target,
        [("Host", "abc123.execute-api.us-east-1.amazonaws.com"), ("User-Agent", "curl/8"), *headers],
        body,
        source_ip="203.0.113.9",
        port=443,
        scheme="https",
    )


def event_for(gateway: Gateway, req: HttpRequest) -> dict[str, Any]:
    match = gateway.match(req.method, req.target.split("?")[0])
    assert match is not None, req.target
    return gateway.event(req, match)


@pytest.fixture
def gateway() -> Gateway:
    return Gateway(ROUTES, clock=lambda: 1_764_000_000.25)


def test_the_event_has_api_gateways_shape_for_the_stage(gateway: Gateway) -> None:
    event = event_for(gateway, request("GET", "/api/runs/r-1/logs/build.log"))
    assert set(event) == EVENT_KEYS
    assert event["resource"] == "/runs/{run_id}/logs/{name}"
    assert event["path"] == "/runs/r-1/logs/build.log"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"run_id": "r-1", "name": "build.log"}
    assert event["stageVariables"] is None
    assert event["body"] is None and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["stage"] == "api"
    assert context["path"] == "/api/runs/r-1/logs/build.log"
    assert context["resourcePath"] == "/runs/{run_id}/logs/{name}"
    assert context["httpMethod"] == "GET"
    assert context["domainName"] == "abc123.execute-api.us-east-1.amazonaws.com"
    assert context["domainPrefix"] == "abc123"
    assert context["identity"]["sourceIp"] == "203.0.113.9"
    assert context["identity"]["userAgent"] == "curl/8"
    assert context["protocol"] == "HTTP/1.1"
    assert context["requestTimeEpoch"] == 1_764_000_000_250
    assert context["requestTime"] == "24/Nov/2025:16:00:00 +0000"
    assert context["accountId"] and context["apiId"] and context["requestId"]


def test_api_gateway_adds_its_forwarding_headers(gateway: Gateway) -> None:
    event = event_for(gateway, request("GET", "/api/runs", ("X-Forwarded-For", "198.51.100.1")))
    headers = event["headers"]
    assert headers["X-Forwarded-For"] == "198.51.100.1, 203.0.113.9"
    assert headers["X-Forwarded-Port"] == "443"
    assert headers["X-Forwarded-Proto"] == "https"
    assert headers["X-Amzn-Trace-Id"].startswith("Root=1-")
    assert headers["Host"] == "abc123.execute-api.us-east-1.amazonaws.com"


def test_repeated_headers_keep_the_last_value_and_all_values(gateway: Gateway) -> None:
    event = event_for(gateway, request("GET", "/api/runs", ("Accept", "text/html"), ("Accept", "*/*")))
    assert event["headers"]["Accept"] == "*/*"
    assert event["multiValueHeaders"]["Accept"] == ["text/html", "*/*"]


@pytest.mark.parametrize(
    ("query", "single", "multi"),
    [
        ("", None, None),
        ("?", None, None),
        ("?site=www", {"site": "www"}, {"site": ["www"]}),
        ("?a=1&a=2&b=", {"a": "2", "b": ""}, {"a": ["1", "2"], "b": [""]}),
        ("?token=a%2Fb&flag", {"token": "a/b", "flag": ""}, {"token": ["a/b"], "flag": [""]}),
    ],
)
def test_query_strings_single_and_multi_valued(gateway: Gateway, query: str, single: Any, multi: Any) -> None:
    event = event_for(gateway, request("GET", "/api/runs" + query))
    assert event["queryStringParameters"] == single
    assert event["multiValueQueryStringParameters"] == multi


@pytest.mark.parametrize(
    ("content_type", "body", "expected", "is_base64"),
    [
        ("application/json", b'{"a": 1}', '{"a": 1}', False),
        ("application/x-www-form-urlencoded", b"token=t&decision=approve", "token=t&decision=approve", False),
        ("image/png", b"\x89PNG\r\n", base64.b64encode(b"\x89PNG\r\n").decode(), True),
        ("application/zip; charset=binary", b"PK\x03\x04", base64.b64encode(b"PK\x03\x04").decode(), True),
        ("text/plain", b"\xff\xfe not utf-8", base64.b64encode(b"\xff\xfe not utf-8").decode(), True),
    ],
)
def test_bodies_are_text_or_base64(
    gateway: Gateway, content_type: str, body: bytes, expected: str, is_base64: bool
) -> None:
    event = event_for(
        gateway, request("POST", "/api/approvals/r1", ("Content-Type", content_type), body=body)
    )
    assert event["body"] == expected
    assert event["isBase64Encoded"] is is_base64


@pytest.mark.parametrize(
    ("method", "path", "resource", "parameters"),
    [
        ("GET", "/api", "/", {}),
        ("GET", "/api/", "/", {}),
        ("GET", "/api/runs", "/runs", {}),
        ("GET", "/api/runs/", "/runs", {}),
        ("GET", "/api/runs/r1", "/runs/{run_id}", {"run_id": "r1"}),
        (
            "GET",
            "/api/runs/r1/logs/..%2Fsecret",
            "/runs/{run_id}/logs/{name}",
            {"run_id": "r1", "name": "../secret"},
        ),
        ("POST", "/api/approvals/r1", "/approvals/{run_id}", {"run_id": "r1"}),
        (
            "POST",
            "/api/sites/www/prod/rollback",
            "/sites/{site}/{stage}/rollback",
            {"site": "www", "stage": "prod"},
        ),
    ],
)
def test_routes_match_under_the_stage(
    gateway: Gateway, method: str, path: str, resource: str, parameters: dict[str, str]
) -> None:
    match = gateway.match(method, path)
    assert match is not None
    assert (match.resource, match.path_parameters) == (resource, parameters)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/runs"),  # the route without its stage
        ("GET", "/approvals/r1"),
        ("GET", "/apis/runs"),
        ("GET", "/api/nothing"),
        ("GET", "/api/runs/r1/logs"),
        ("GET", "/api/runs//logs/x"),  # an empty path parameter
        ("DELETE", "/api/runs/r1"),  # a method the route does not define
        ("GET", "/api/sites/www/prod/rollback"),
    ],
)
def test_paths_and_methods_the_api_does_not_define_match_nothing(
    gateway: Gateway, method: str, path: str
) -> None:
    assert gateway.match(method, path) is None


def test_a_literal_segment_wins_over_a_parameter() -> None:
    gateway = Gateway(["/runs/{run_id}", "/runs/latest"])
    match = gateway.match("GET", "/api/runs/latest")
    assert match is not None and match.resource == "/runs/latest"


def test_unknown_paths_get_the_missing_token_403_without_calling_the_function(gateway: Gateway) -> None:
    calls: list[dict[str, Any]] = []
    response = gateway.handle(request("GET", "/runs"), lambda event: calls.append(event) or {})
    assert response.status == 403
    assert json.loads(response.body) == {"message": "Missing Authentication Token"}
    assert response.header("x-amzn-ErrorType") == "MissingAuthenticationTokenException"
    assert response.header("Content-Type") == "application/json"
    assert calls == []


def fail(event: dict[str, Any]) -> dict[str, Any]:
    raise RuntimeError("the function crashed")


@pytest.mark.parametrize(
    "invoke",
    [
        fail,
        lambda event: {"body": "no status"},
        lambda event: {"statusCode": 200, "body": "!", "isBase64Encoded": True},
    ],
)
def test_a_failing_or_malformed_function_is_a_502(gateway: Gateway, invoke: Any) -> None:
    response = gateway.handle(request("GET", "/api/runs"), invoke)
    assert response.status == 502
    assert json.loads(response.body) == {"message": "Internal server error"}


def test_responses_merge_headers_and_decode_base64() -> None:
    response = http_response(
        {
            "statusCode": 201,
            "headers": {"Content-Type": "image/png", "Set-Cookie": "a=1"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"], "Vary": ["Accept"]},
            "body": base64.b64encode(b"\x89PNG").decode(),
            "isBase64Encoded": True,
        },
        "req-1",
    )
    assert response.status == 201 and response.body == b"\x89PNG"
    pairs = [(name, value) for name, value in response.headers if name != "x-amzn-RequestId"]
    assert pairs == [
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
        ("Vary", "Accept"),
        ("Content-Type", "image/png"),
    ]


def test_a_response_without_content_type_is_json_as_api_gateway_says() -> None:
    response = http_response({"statusCode": 204, "body": None})
    assert response.header("Content-Type") == "application/json" and response.body == b""


def test_the_chalice_app_reads_the_event_as_behind_api_gateway() -> None:
    app = Chalice(app_name="echo")

    @app.route(
        "/items/{item}",
        methods=["GET", "POST"],
        content_types=["application/json", "application/x-www-form-urlencoded"],
    )
    def item(item: str) -> Response:
        req = app.current_request
        assert req is not None
        return Response(
            body={
                "item": item,
                "query": dict(req.query_params or {}),
                "stage": req.context["stage"],
                "domain": req.context["domainName"],
                "proto": req.headers["x-forwarded-proto"],
                "body": (req.raw_body or b"").decode(),
            },
            status_code=200,
        )

    gateway = Gateway(app_routes(app))
    invoke = in_process(app)
    reply = gateway.handle(request("GET", "/api/items/a%20b?x=1&x=2"), invoke)
    assert reply.status == 200
    assert json.loads(reply.body) == {
        "item": "a b",
        "query": {"x": "2"},
        "stage": "api",
        "domain": "abc123.execute-api.us-east-1.amazonaws.com",
        "proto": "https",
        "body": "",
    }
    form = request("POST", "/api/items/x", ("Content-Type", "application/x-www-form-urlencoded"), body=b"a=1")
    assert json.loads(gateway.handle(form, invoke).body)["body"] == "a=1"
    assert gateway.handle(request("DELETE", "/api/items/x"), invoke).status == 403


def test_routes_and_binary_types_come_from_the_packaged_template() -> None:
    sam = {
        "Resources": {
            "RestAPI": {
                "Type": "AWS::Serverless::Api",
                "Properties": {
                    "StageName": "api",
                    "DefinitionBody": {
                        "paths": {
                            "/": {"get": {"security": [{"sigv4": []}]}},
                            "/approvals/{run_id}": {"get": {}, "post": {}},
                        },
                        "securityDefinitions": {
                            "sigv4": {
                                "in": "header",
                                "type": "apiKey",
                                "name": "Authorization",
                                "x-amazon-apigateway-authtype": "awsSigv4",
                            }
                        },
                        "x-amazon-apigateway-binary-media-types": ["image/png"],
                    },
                },
            }
        }
    }
    assert routes_from_template(sam) == ["/", "/approvals/{run_id}"]
    assert route_methods_from_template(sam) == {
        "/": {"GET": "AWS_IAM"},
        "/approvals/{run_id}": {"GET": "NONE", "POST": "NONE"},
    }
    assert binary_types_from_template(sam) == ["image/png"]
