"""The packaged API serves exactly the app's routes under the stage `api`, as the local front door does."""

from __future__ import annotations

from typing import Any

from chalice.app import Chalice

from presslift.localcloud.gateway import (
    DEFAULT_BINARY_TYPES,
    STAGE,
    binary_types_from_template,
    route_methods_from_template,
    routes_from_template,
)
from presslift.localcloud.server import app_routes


def test_the_template_defines_the_apps_routes_with_their_methods(sam: dict[str, Any], app: Chalice) -> None:
    assert sorted(routes_from_template(sam)) == sorted(app.routes)
    # Methods and each one's authorization: what the local front door enforces is what AWS will.
    assert route_methods_from_template(sam) == app_routes(app)
    assert not any(path.startswith(f"/{STAGE}/") for path in routes_from_template(sam))


def test_operator_routes_require_aws_iam_in_the_packaged_api(sam: dict[str, Any]) -> None:
    definition = sam["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    schemes = definition["securityDefinitions"]
    sigv4 = [name for name, scheme in schemes.items() if scheme["x-amazon-apigateway-authtype"] == "awsSigv4"]
    assert sigv4 and all(schemes[name]["name"] == "Authorization" for name in sigv4)
    secured = {
        (path, method.upper()): [
            name for requirement in operation.get("security", []) for name in requirement
        ]
        for path, operations in definition["paths"].items()
        for method, operation in operations.items()
        if not method.startswith("x-")
    }
    public = {("/webhooks/github", "POST"), ("/approvals/{run_id}", "GET"), ("/approvals/{run_id}", "POST")}
    for route, schemes_named in secured.items():
        assert bool(set(schemes_named) & set(sigv4)) == (route not in public), route
    assert {path for path, _ in secured} >= {
        "/",
        "/runs",
        "/runs/{run_id}",
        "/runs/{run_id}/logs/{name}",
        "/sites",
    }


def test_the_template_serves_the_api_under_the_local_stage(sam: dict[str, Any]) -> None:
    assert sam["Resources"]["RestAPI"]["Properties"]["StageName"] == STAGE
    assert binary_types_from_template(sam) == list(DEFAULT_BINARY_TYPES)
