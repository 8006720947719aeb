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
    assert {
        path: sorted(methods) for path, methods in route_methods_from_template(sam).items()
    } == app_routes(app)
    assert not any(path.startswith(f"/{STAGE}/") for path in routes_from_template(sam))


def test_the_template_serves_the_api_under_the_local_stage(sam: dict[str, Any]) -> None:
    assert sam["Resources"]["RestAPI"]["Properties"]["StageName"] == STAGE
    assert binary_types_from_template(sam) == list(DEFAULT_BINARY_TYPES)
