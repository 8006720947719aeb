"""Who reaches app.py's routes: API Gateway's AWS_IAM check (the local gateway, as the packaged API
declares it from the app's `IAMAuthorizer`) in front of the real app, in this process, against moto.

Chalice's test client admits every caller of an `IAMAuthorizer` route (its local mode cannot check
SigV4), so these calls go through `presslift.localcloud.gateway` instead, signed with botocore as
`presslift` and the dashboard's proxy sign them."""

from __future__ import annotations

import json
from collections.abc import Iterator

import botocore.auth
import pytest
from botocore.credentials import Credentials
from chalice.test import Client

from presslift import signing
from presslift.localcloud.gateway import IAM, NONE, Gateway
from presslift.localcloud.server import app_routes, in_process
from tests.functional.test_run_page import stored_run
from tests.unit.test_iam_gateway import IDENTITIES, NOW, _datetime, refusal, signed, unsigned

#: Every operator route, and a call of it as a script or the dashboard makes it (`r1`: `stored_run`).
OPERATOR_ROUTES = {
    "/": ("GET", "/api/", b""),
    "/runs": ("GET", "/api/runs", b""),
    "/runs/{run_id}": ("GET", "/api/runs/r1", b""),
    "/runs/{run_id}/page": ("GET", "/api/runs/r1/page", b""),
    "/runs/{run_id}/logs/{name}": ("GET", "/api/runs/r1/logs/build.log", b""),
    "/sites": ("GET", "/api/sites", b""),
    "/sites/{site}/previews": ("GET", "/api/sites/demo/previews", b""),
    "/sites/{site}/{stage}/rollback": ("POST", "/api/sites/demo/prod/rollback", b"{}"),
}
OPERATOR_CALLS = list(OPERATOR_ROUTES.values())


@pytest.fixture
def gateway(api: Client, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gateway]:
    """The app's own routes and authorization behind the local gateway (the `api` fixture gives the
    app the test's services); botocore signs at the gateway's time."""
    import app

    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: _datetime(NOW))
    yield Gateway(app_routes(app.app), identities=IDENTITIES, clock=lambda: NOW)


def call(gateway: Gateway, request: object) -> tuple[int, bytes, bool]:
    """(status, body, whether the function ran) for one request through the gateway."""
    import app

    ran: list[bool] = []
    invoke = in_process(app.app)

    def counted(event: dict[str, object]) -> dict[str, object]:
        ran.append(True)
        return invoke(event)

    reply = gateway.handle(request, counted)  # type: ignore[arg-type]
    return reply.status, reply.body, bool(ran)


def test_every_route_but_the_webhook_and_the_approval_link_is_an_operator_route_tried_here() -> None:
    import app

    routes = app_routes(app.app)
    assert {path for path, methods in routes.items() if NONE not in methods.values()} == set(OPERATOR_ROUTES)
    assert {path for path, methods in routes.items() if IAM not in methods.values()} == {
        "/approvals/{run_id}",
        "/webhooks/github",
    }


@pytest.mark.parametrize(("method", "path", "body"), OPERATOR_CALLS)
def test_anonymous_and_stranger_callers_never_reach_an_operator_route(
    gateway: Gateway, method: str, path: str, body: bytes
) -> None:
    status, _, ran = call(gateway, unsigned(method, path, body))
    assert (status, ran) == (403, False)
    stranger = Credentials("AKIDSTRANGER", "whatever")
    reply = gateway.handle(signed(method, path, body, credentials=stranger), lambda event: {})
    assert refusal(reply) == (403, signing.UNKNOWN_KEY, "UnrecognizedClientException")


@pytest.mark.parametrize(("method", "path", "body"), OPERATOR_CALLS)
def test_an_operators_signed_call_reaches_the_app(
    gateway: Gateway, provisioned: object, method: str, path: str, body: bytes
) -> None:
    stored_run(provisioned)  # type: ignore[arg-type]
    headers = {"Content-Type": "application/json"} if method == "POST" else {}
    status, reply, ran = call(gateway, signed(method, path, body, headers=headers))
    assert ran
    if path.endswith("/rollback"):  # the app's own answer: demo's prod never had an artifact
        assert status == 404 and "nothing to roll back to" in json.loads(reply)["message"]
    else:
        assert status == 200


@pytest.mark.parametrize(
    ("method", "path", "body", "answer"),
    [
        ("GET", "/api/approvals/r9?token=x", b"", 404),  # the app's: no run r9
        ("POST", "/api/webhooks/github", b"{}", 401),  # the app's: no webhook signature
    ],
)
def test_the_approval_link_and_the_webhook_reach_the_app_unsigned(
    gateway: Gateway, method: str, path: str, body: bytes, answer: int
) -> None:
    assert call(gateway, unsigned(method, path, body))[::2] == (answer, True)
