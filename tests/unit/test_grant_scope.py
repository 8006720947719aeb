"""A role's S3 and SSM grants name only what its function's calls work on: the buckets of the module that
sends each S3 call, and the parameters whose names the code leading to each SSM call reads. A function
that reads a site bucket's name for a URL, or a site's search settings to check them, gets no grant on
them; and the code is held to the two rules the analysis relies on."""

from __future__ import annotations

import ast
import json

import pytest

from presslift.packaging import calls, grants
from presslift.packaging.appmodel import Function
from presslift.packaging.awscalls import Call, Reach
from presslift.packaging.stage import PROJECT_ROOT

BUILD = Function("build", "sqs", queue="presslift-prod-build", role="build")
DEPLOY = Function("deploy", "sqs", queue="presslift-prod-deploy.fifo", role="deploy")
API = Function("api_handler", "api")
#: The Secrets methods that read a parameter (chalicelib/secrets.py).
SECRET_READS = {"get", "get_optional", "reread"}


def _granted(function: Function) -> dict[str, set[str]]:
    """Each resource (its CloudFormation value as text) -> the actions granted on it."""
    found: dict[str, set[str]] = {}
    for statement in grants.policy(function):
        if "Fn::If" in statement:  # a site-owned list, present when its parameter is set
            statement = statement["Fn::If"][1]
        resources = statement["Resource"]
        for resource in resources if isinstance(resources, list) else [resources]:
            found.setdefault(json.dumps(resource, sort_keys=True), set()).update(statement["Action"])
    return found


def _on(granted: dict[str, set[str]], fragment: str) -> set[str]:
    return {a for resource, actions in granted.items() if fragment in resource for a in actions}


def test_the_build_function_may_not_write_to_any_site_bucket() -> None:
    """It stores artifacts; deploys publish them. It reads the site buckets' names for the sites'
    URLs, which used to give it PutObject on prod's bucket."""
    granted = _granted(BUILD)
    assert "s3:PutObject" in _on(granted, "ArtifactsBucket")
    for bucket in ("SiteStagingBucket", "SiteProdBucket", "SiteOwnedBuckets"):
        assert _on(granted, bucket) == set(), bucket


def test_only_the_deploy_function_reads_the_search_admin_keys() -> None:
    assert "ssm:GetParameter" in _on(_granted(DEPLOY), "SearchKeysPath")
    for function in (BUILD, API):
        assert _on(_granted(function), "SearchKeysPath") == set(), function.name
    # the API still reads what it asks for: webhook secrets and the GitHub token
    assert "ssm:GetParameter" in _on(_granted(API), "WebhookSecretsPath")


def test_the_deploy_function_keeps_its_site_bucket_and_artifact_grants() -> None:
    granted = _granted(DEPLOY)
    for bucket in ("SiteStagingBucket", "SiteProdBucket", "SiteOwnedBuckets"):
        assert {"s3:PutObject", "s3:DeleteObject", "s3:ListBucket"} <= _on(granted, bucket), bucket
    assert {"s3:GetObject", "s3:PutObject"} <= _on(granted, "ArtifactsBucket")


def test_an_s3_call_in_a_module_that_names_no_bucket_is_refused() -> None:
    call = Call("s3", "PutObject", "chalicelib.newthing:12")
    reach = Reach("build", calls={call}, names={"artifacts_bucket", "site_buckets"})
    with pytest.raises(grants.GrantError, match=r"chalicelib\.newthing.*BUCKETS_OF_MODULE"):
        grants.policy(BUILD, reach)


def test_an_ssm_call_gets_the_parameters_named_on_its_way_only() -> None:
    call = Call("ssm", "GetParameter", "chalicelib.secrets:134")
    reach = Reach(
        "build",
        calls={call},
        names={"github_token_name", "admin_key_parameter"},  # read elsewhere too: checking a site
        leading={call: frozenset({"github_token_name"})},
    )
    granted = _granted_for(reach)
    assert _on(granted, "GitHubTokenParameter") == {"ssm:GetParameter"}
    assert _on(granted, "SearchKeysPath") == set()


def _granted_for(reach: Reach) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for statement in grants.policy(BUILD, reach):
        for resource in statement["Resource"]:
            found.setdefault(json.dumps(resource, sort_keys=True), set()).update(statement["Action"])
    return found


# --- the rules the analysis relies on, held in the code ------------------------------------------


def _sources() -> list[tuple[str, ast.AST]]:
    files = [PROJECT_ROOT / "app.py", *sorted((PROJECT_ROOT / "chalicelib").rglob("*.py"))]
    return [(str(path.relative_to(PROJECT_ROOT)), ast.parse(path.read_text())) for path in files]


def _reads(node: ast.AST) -> set[str]:
    return {
        n.id if isinstance(n, ast.Name) else n.attr
        for n in ast.walk(node)
        if isinstance(n, (ast.Name, ast.Attribute))
    }


def test_every_secret_read_names_its_parameter_where_it_asks() -> None:
    """The SSM rule: a parameter's selecting name is read in the call that asks for it (a name kept
    in an object and asked for elsewhere would go ungranted on AWS; moto cannot tell)."""
    selecting = set(grants.PARAMETERS)
    found: list[str] = []
    for where, tree in _sources():
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SECRET_READS
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr == "secrets"
            ):
                continue
            argument = node.args[0] if node.args else None
            assert argument is not None and _reads(argument) & selecting, (
                f"{where}:{node.lineno} asks for a secret without naming it by one of {sorted(selecting)}"
            )
            found.append(where)
    assert len(found) >= 3  # webhooks, the GitHub token, the search admin key


def test_every_artifact_store_is_the_artifacts_bucket() -> None:
    """The S3 rule for chalicelib.artifacts: its store only ever works on the artifacts bucket."""
    built = 0
    for where, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ArtifactStore":
                assert len(node.args) == 2 and _reads(node.args[1]) == {
                    "svc",
                    "settings",
                    "artifacts_bucket",
                }, f"{where}:{node.lineno}"
                built += 1
    assert built


def test_every_module_that_sends_s3_calls_says_which_buckets() -> None:
    reached: set[str] = set()
    for reach in calls.analyse().values():
        for call in reach.calls:
            if call.service == "s3":
                reached.add(call.where.split(":", 1)[0])
                assert grants.buckets_of_module(call)
    assert {"chalicelib.artifacts", "chalicelib.ingest"} <= reached


def test_the_scheduled_sweep_may_change_no_site() -> None:
    """It queues an idle preview's removal for the deploy function instead of removing it."""
    sweep = Function("expire_approvals", "schedule")
    actions = {a for statement in grants.policy(sweep) for a in statement.get("Action", [])}
    assert not any(a.startswith(("s3:", "cloudfront:")) for a in actions), sorted(actions)
    assert not any("Fn::If" in statement for statement in grants.policy(sweep))
