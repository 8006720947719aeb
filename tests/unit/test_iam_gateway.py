"""The front door's AWS_IAM methods: SigV4 by a known key, verified with botocore's signer, else API
Gateway's own 403; the caller reaches the function in `requestContext.identity`."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

import pytest
from botocore.credentials import Credentials
from chalice.app import Chalice, IAMAuthorizer

from presslift import signing
from presslift.localcloud.gateway import IAM, NONE, Gateway, HttpRequest
from presslift.localcloud.server import app_routes

HOST = "abc123.execute-api.us-east-1.amazonaws.com"
OPERATOR = Credentials("AKIDOPERATOR", "operator-secret")
IDENTITIES = {"AKIDOPERATOR": "operator-secret"}
ROUTES = {
    "/runs": {"GET": IAM},
    "/sites/{site}/{stage}/rollback": {"POST": IAM},
    "/approvals/{run_id}": {"GET": NONE, "POST": NONE},
}
NOW = 1_790_000_000.0


def signed(
    method: str,
    target: str,
    body: bytes = b"",
    *,
    credentials: Credentials = OPERATOR,
    headers: dict[str, str] | None = None,
    region: str = "us-east-1",
) -> HttpRequest:
    """The request as a client that signed it with botocore sends it (Host as HTTP clients send it)."""
    sent = signing.sign(credentials, method, f"https://{HOST}{target}", headers or {}, body, region=region)
    return HttpRequest(method, target, [("Host", HOST), *sent.items()], body)


def unsigned(method: str, target: str, body: bytes = b"") -> HttpRequest:
    return HttpRequest(method, target, [("Host", HOST)], body)


class Recorder:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        self.events.append(event)
        return {"statusCode": 200, "body": "{}"}


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch) -> Gateway:
    import botocore.auth

    # botocore signs "now"; the gateway checks the skew against its own clock: give both the same time.
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: _datetime(NOW))
    return Gateway(ROUTES, identities=IDENTITIES, clock=lambda: NOW)


def _datetime(moment: float) -> Any:
    from datetime import datetime

    return datetime.fromtimestamp(moment, UTC).replace(tzinfo=None)


def refusal(reply: Any) -> tuple[int, str, str | None]:
    return reply.status, json.loads(reply.body)["message"], reply.header("x-amzn-ErrorType")


def test_a_signed_request_by_a_known_key_reaches_the_function_with_its_caller(gateway: Gateway) -> None:
    invoke = Recorder()
    reply = gateway.handle(signed("GET", "/api/runs?site=www&limit=5"), invoke)
    assert reply.status == 200
    (event,) = invoke.events
    identity = event["requestContext"]["identity"]
    assert identity["accessKey"] == identity["caller"] == "AKIDOPERATOR"
    assert identity["userArn"] == "arn:aws:iam::123456789012:user/AKIDOPERATOR"


def test_a_signed_post_with_a_body_verifies(gateway: Gateway) -> None:
    body = b'{"run": "20260101-000000-abc"}'
    request = signed(
        "POST", "/api/sites/www/prod/rollback", body, headers={"Content-Type": "application/json"}
    )
    assert gateway.handle(request, Recorder()).status == 200


def test_an_unsigned_operator_request_gets_missing_token_and_never_reaches_the_function(
    gateway: Gateway,
) -> None:
    invoke = Recorder()
    reply = gateway.handle(unsigned("GET", "/api/runs"), invoke)
    assert refusal(reply) == (403, "Missing Authentication Token", "MissingAuthenticationTokenException")
    assert invoke.events == []


def test_public_routes_need_no_signature_and_carry_no_caller(gateway: Gateway) -> None:
    invoke = Recorder()
    assert gateway.handle(unsigned("GET", "/api/approvals/r1?token=t"), invoke).status == 200
    assert invoke.events[0]["requestContext"]["identity"]["accessKey"] is None


def test_an_unknown_key_is_refused(gateway: Gateway) -> None:
    stranger = Credentials("AKIDSTRANGER", "whatever")
    reply = gateway.handle(signed("GET", "/api/runs", credentials=stranger), Recorder())
    assert refusal(reply) == (403, signing.UNKNOWN_KEY, "UnrecognizedClientException")


def test_the_known_key_with_a_wrong_secret_is_refused(gateway: Gateway) -> None:
    forged = Credentials("AKIDOPERATOR", "guessed-secret")
    reply = gateway.handle(signed("GET", "/api/runs", credentials=forged), Recorder())
    assert refusal(reply) == (403, signing.BAD_SIGNATURE, "InvalidSignatureException")


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda r: HttpRequest(r.method, r.target, r.headers, b'{"run": "other"}'), id="body"),
        pytest.param(
            lambda r: HttpRequest(r.method, "/api/sites/other/prod/rollback", r.headers, r.body), id="path"
        ),
        pytest.param(
            lambda r: HttpRequest(
                r.method,
                r.target,
                [(k, "text/plain" if k.lower() == "content-type" else v) for k, v in r.headers],
                r.body,
            ),
            id="signed-header",
        ),
    ],
)
def test_a_signed_request_changed_on_the_way_is_refused(gateway: Gateway, tamper: Any) -> None:
    invoke = Recorder()
    request = signed(
        "POST", "/api/sites/www/prod/rollback", b'{"run": "r1"}', headers={"Content-Type": "application/json"}
    )
    reply = gateway.handle(tamper(request), invoke)
    assert refusal(reply) == (403, signing.BAD_SIGNATURE, "InvalidSignatureException")
    assert invoke.events == []


def test_a_signature_for_another_region_is_refused(gateway: Gateway) -> None:
    reply = gateway.handle(signed("GET", "/api/runs", region="eu-west-1"), Recorder())
    assert reply.status == 403 and "eu-west-1" in json.loads(reply.body)["message"]


def test_an_old_signature_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore.auth

    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: _datetime(NOW - 600))
    gateway = Gateway(ROUTES, identities=IDENTITIES, clock=lambda: NOW)
    status, message, error_type = refusal(gateway.handle(signed("GET", "/api/runs"), Recorder()))
    assert (status, error_type) == (403, "InvalidSignatureException")
    assert message.startswith("Signature expired:")


def test_a_malformed_authorization_header_is_an_incomplete_signature(gateway: Gateway) -> None:
    request = HttpRequest(
        "GET", "/api/runs", [("Host", HOST), ("Authorization", "AWS4-HMAC-SHA256 nonsense")]
    )
    status, message, error_type = refusal(gateway.handle(request, Recorder()))
    assert (status, error_type) == (403, "IncompleteSignatureException")
    assert "requires 'Credential' parameter" in message


def test_a_gateway_without_identities_refuses_every_operator_request() -> None:
    gateway = Gateway(ROUTES)
    assert gateway.handle(signed("GET", "/api/runs"), Recorder()).status == 403


def test_the_apps_iam_authorizer_makes_a_route_aws_iam() -> None:
    app = Chalice("t")
    operators = IAMAuthorizer()

    @app.route("/runs", authorizer=operators)
    def runs() -> dict[str, str]:
        return {}

    @app.route("/approvals/{run_id}", methods=["GET", "POST"])
    def approval(run_id: str) -> dict[str, str]:
        return {}

    assert app_routes(app) == {"/runs": {"GET": IAM}, "/approvals/{run_id}": {"GET": NONE, "POST": NONE}}


def test_every_presslift_route_but_the_webhook_and_approvals_is_for_operators() -> None:
    from presslift.localcloud import load_app

    routes = app_routes(load_app())
    public = {
        (path, method) for path, methods in routes.items() for method, auth in methods.items() if auth == NONE
    }
    assert public == {
        ("/webhooks/github", "POST"),
        ("/approvals/{run_id}", "GET"),
        ("/approvals/{run_id}", "POST"),
    }
    assert {"/", "/runs", "/runs/{run_id}", "/runs/{run_id}/logs/{name}", "/sites"} <= set(routes)
