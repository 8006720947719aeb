"""Each role grants exactly the AWS actions its function's code can reach: nothing missing, nothing
unused (besides what Lambda itself does with the role: logs, polling its queue, mounting EFS)."""

from __future__ import annotations

from typing import Any

import pytest

from presslift.packaging import calls, grants
from presslift.packaging.package import Packaged

pytestmark = pytest.mark.xdist_group("packaging")


def _actions(statements: list[Any]) -> set[str]:
    found: set[str] = set()
    for statement in statements:
        if "Fn::If" in statement:  # a site-owned grant, present when its parameter is set
            statement = statement["Fn::If"][1]
        found |= set(statement["Action"])
    return found


def test_every_role_grants_what_its_code_calls_and_nothing_else(
    packaged: Packaged, sam: dict[str, Any]
) -> None:
    for function in packaged.functions:
        role = sam["Resources"][f"{function.logical_id}Role"]["Properties"]["Policies"][0]
        everything = _actions(role["PolicyDocument"]["Statement"])
        # what Lambda does with the role may also be what the code does (a retry's visibility change on
        # its own queue): it counts as granted, but never as unused
        beyond_runtime = everything - _actions(grants.runtime_statements(function))
        reach = calls.reach_of(function.name)
        assert not reach.unresolved, reach.unresolved
        assert beyond_runtime - reach.actions == set(), f"{function.name}: granted but never called"
        assert reach.actions - everything == set(), f"{function.name}: called but not granted"


def test_the_build_may_send_to_the_code_drop_queue() -> None:
    # A code site's build hands over to codedrop: without the grant its run stays running forever.
    reach = calls.reach_of("build")
    assert "sqs:SendMessage" in reach.actions and "queues" in reach.names


def test_the_analysis_follows_clients_through_constructors_and_helpers() -> None:
    api = calls.reach_of("api_handler")
    # ArtifactStore(svc.s3, ...).get_log -> self._s3.get_object; RunStore(self.dynamodb).get
    assert {"s3:GetObject", "dynamodb:GetItem", "ssm:GetParameter"} <= api.actions
    assert "s3:PutObject" not in api.actions and "cloudfront:CreateInvalidation" not in api.actions
    deploy = calls.reach_of("deploy")
    # publish.bucket's partial(s3.delete_objects) and the paginator of list_objects_v2
    assert {"s3:DeleteObject", "s3:ListBucket", "cloudfront:CreateInvalidation"} <= deploy.actions
    assert not any(a.startswith("secretsmanager:") for r in calls.analyse().values() for a in r.actions)


def test_a_field_or_assignment_named_like_a_function_calls_nothing(tmp_path) -> None:
    """A dataclass field `target: X` beside a function `target()` binds a name; it calls nothing, so
    the module does not reach what `target()` reaches (that spread S3 grants to every function)."""
    from presslift.packaging import calls

    (tmp_path / "chalicelib").mkdir()
    (tmp_path / "chalicelib" / "__init__.py").write_text("")
    (tmp_path / "chalicelib" / "work.py").write_text(
        "from dataclasses import dataclass\n"
        "import boto3\n\n"
        "def target():\n"
        "    boto3.client('s3').put_object(Bucket='b', Key='k', Body=b'')\n\n"
        "@dataclass\n"
        "class Plan:\n"
        "    target: str = ''\n\n"
        "    def text(self) -> str:\n"
        "        return self.target\n"
    )
    (tmp_path / "app.py").write_text(
        "from chalice import Chalice\nfrom chalicelib.work import Plan\napp = Chalice('x')\n\n"
        "@app.lambda_function()\ndef handler(event, context):\n    return Plan().text()\n"
    )
    assert calls.analyse(tmp_path)["handler"].calls == set()
