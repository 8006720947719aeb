"""Offline checks of a packaged stack: cfn-lint, the SAM transform, least privilege, event sources,
queues, the deployment package's contents and imports, and the layer's contents.

Each check returns a list of findings (empty when all is well), phrased as what is wrong and where,
so `make package` can print them and tests can assert on them. Never talks to AWS: the SAM transform
runs with local code locations replaced by placeholder S3 URIs and no managed-policy lookups.
"""

from __future__ import annotations

import copy
import json
import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chalice import app as chalice_app

from presslift.packaging import imports, logical
from presslift.packaging.appmodel import API_HANDLER, Function
from presslift.packaging.grants import UNSCOPED_ACTIONS
from presslift.packaging.lambda_runtime import lambda_runtime
from presslift.packaging.project import PLACEHOLDER_ROLE
from presslift.packaging.template import VISIBILITY_FACTOR

REGION = "us-east-1"
#: Top-level names that must never be in the deployment package: operator code, the stand-ins, tests,
#: test and build tools, and what the Lambda runtime already provides.
FORBIDDEN_IN_PACKAGE: tuple[str, ...] = (
    "presslift",
    "standins",
    "tests",
    "bench",
    "hugo_layer",
    "infra",
    "moto",
    "pytest",
    "_pytest",
    "hypothesis",
    "boto3",
    "botocore",
    "s3transfer",
    "cfnlint",
    "samtranslator",
    "mypy",
    "ruff",
    "selenium",
    "awscli",
)


POLICY_TYPES = (
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::S3::BucketPolicy",
    "AWS::SQS::QueuePolicy",
    "AWS::SNS::TopicPolicy",
)


class _NoManagedPolicies:
    """Stands in for samtranslator's IAM lookup: Presslift's functions use no managed policies."""

    def load(self) -> dict[str, str]:
        return {}


def _local_uris_to_s3(template: dict[str, Any]) -> dict[str, Any]:
    offline = copy.deepcopy(template)
    for resource in offline.get("Resources", {}).values():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(properties.get(key), str) and not properties[key].startswith("s3://"):
                properties[key] = f"s3://presslift-offline-check/{Path(properties[key]).name}"
    return offline


def sam_transform(template: dict[str, Any], region: str = REGION) -> dict[str, Any]:
    """Plain CloudFormation from a SAM template, offline (as `aws cloudformation deploy` would)."""
    from samtranslator.translator.transform import transform

    previous = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = region  # samtranslator builds ARNs for the session's region
    try:
        return dict(transform(_local_uris_to_s3(template), {}, _NoManagedPolicies()))
    finally:
        if previous is None:
            os.environ.pop("AWS_DEFAULT_REGION", None)
        else:
            os.environ["AWS_DEFAULT_REGION"] = previous


def lint(template: dict[str, Any], region: str = REGION) -> list[str]:
    """cfn-lint's errors, warnings and informational findings, one line each."""
    from cfnlint.api import lint as cfn_lint
    from cfnlint.config import ManualArgs

    matches = cfn_lint(json.dumps(template), config=ManualArgs(regions=[region], include_checks=["I"]))
    return [f"{m.rule.id} {m.message} (at {'/'.join(str(p) for p in m.path or [])})" for m in matches]


def _resources(template: dict[str, Any], kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, resource in template.get("Resources", {}).items():
        if resource.get("Type") == kind:
            yield name, resource.get("Properties", {})


def _policy_documents(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, resource in template.get("Resources", {}).items():
        properties = resource.get("Properties", {})
        if resource.get("Type") == "AWS::IAM::Role":
            for policy in _branches(properties.get("Policies", [])):
                yield f"{name}/{policy.get('PolicyName')}", policy.get("PolicyDocument", {})
            if properties.get("ManagedPolicyArns"):
                yield (
                    f"{name}/ManagedPolicyArns",
                    {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
                )
        elif resource.get("Type") in POLICY_TYPES:
            yield name, properties.get("PolicyDocument", {})


def _branches(policies: list[Any]) -> Iterator[dict[str, Any]]:
    """Each policy of a role, and both branches of a conditional (`Fn::If`) one: either may be deployed."""
    for policy in policies:
        if isinstance(policy, dict) and "Fn::If" in policy:
            yield from _branches(
                [branch for branch in policy["Fn::If"][1:] if branch != {"Ref": "AWS::NoValue"}]
            )
        elif isinstance(policy, dict):
            yield policy


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def wildcard_grants(template: dict[str, Any]) -> list[str]:
    """Allow statements with a `*` in an action, or on Resource "*" (bar AWS's unscopable actions).
    A role with managed policies counts as a wildcard: their contents are not in the template."""
    found: list[str] = []
    for where, document in _policy_documents(template):
        for index, statement in enumerate(_as_list(document.get("Statement", []))):
            if statement.get("Effect") != "Allow":
                continue
            actions = [str(a) for a in _as_list(statement.get("Action", []))]
            if "NotAction" in statement or "NotResource" in statement:
                found.append(f"{where} statement {index}: NotAction/NotResource grants by exclusion")
            for action in actions:
                if "*" in action:
                    found.append(f"{where} statement {index}: action {action!r} is a wildcard")
            if "*" in _as_list(statement.get("Resource", [])) and not set(actions) <= UNSCOPED_ACTIONS:
                found.append(f"{where} statement {index}: {', '.join(actions)} on Resource '*'")
    return found


def roles_per_function(template: dict[str, Any]) -> list[str]:
    """Each function has its own role, created by this stack (not Chalice's shared or placeholder)."""
    found: list[str] = []
    seen: dict[str, str] = {}
    for kind in ("AWS::Lambda::Function", "AWS::Serverless::Function"):
        for name, properties in _resources(template, kind):
            role = properties.get("Role")
            if role == PLACEHOLDER_ROLE or not (isinstance(role, dict) and "Fn::GetAtt" in role):
                found.append(f"{name}: Role is {role!r}, not its own role from this stack")
                continue
            role_id = role["Fn::GetAtt"][0]
            if role_id in seen:
                found.append(f"{name} shares role {role_id} with {seen[role_id]}")
            seen[role_id] = name
    return found


def _refers_to(value: Any, logical_id: str) -> bool:
    text = json.dumps(value)
    return f'"{logical_id}"' in text or f"${{{logical_id}" in text


def event_sources(cfn: dict[str, Any], app: chalice_app.Chalice, functions: list[Function]) -> list[str]:
    """Every handler the Chalice app registers has its trigger in the transformed template."""
    found: list[str] = []
    by_name = {f.name: f for f in functions}
    functions_in_template = dict(_resources(cfn, "AWS::Lambda::Function"))
    mappings = list(_resources(cfn, "AWS::Lambda::EventSourceMapping"))
    rules = list(_resources(cfn, "AWS::Events::Rule"))
    for source in app.event_sources:
        function = by_name.get(source.name)
        if function is None or function.logical_id not in functions_in_template:
            found.append(f"handler {source.name}: no Lambda function in the template")
            continue
        if isinstance(source, chalice_app.SQSEventConfig):
            matching = [
                p
                for _, p in mappings
                if _refers_to(p.get("FunctionName"), function.logical_id)
                and _refers_to(p.get("EventSourceArn"), logical.queue(function.role))
            ]
            if not matching:
                found.append(
                    f"handler {source.name}: no SQS event source from {logical.queue(function.role)}"
                )
            elif "ReportBatchItemFailures" not in matching[0].get("FunctionResponseTypes", []):
                found.append(
                    f"handler {source.name}: its SQS event source does not report batch item failures"
                )
        elif isinstance(
            source, (chalice_app.ScheduledEventConfig, chalice_app.CloudWatchEventConfig)
        ) and not any(_refers_to(p.get("Targets"), function.logical_id) for _, p in rules):
            found.append(f"handler {source.name}: no EventBridge rule targets {function.logical_id}")
    if app.routes:
        api = by_name.get(API_HANDLER)
        bodies = [p.get("Body", {}) for _, p in _resources(cfn, "AWS::ApiGateway::RestApi")]
        paths = bodies[0].get("paths", {}) if bodies else {}
        if api is None or api.logical_id not in functions_in_template:
            found.append("the API routes have no handler function in the template")
        for route, methods in app.routes.items():
            for method in methods:
                if method.lower() not in paths.get(route, {}):
                    found.append(f"route {method} {route}: not in the REST API")
    return found


def queues(cfn: dict[str, Any], functions: list[Function]) -> list[str]:
    """Each queue redrives to a DLQ of this stack, whose depth is alarmed, and outlasts its consumers."""
    found: list[str] = []
    queues_ = dict(_resources(cfn, "AWS::SQS::Queue"))
    alarmed = {json.dumps(p.get("Dimensions")) for _, p in _resources(cfn, "AWS::CloudWatch::Alarm")}
    dead_letter_ids = set()
    for name, properties in queues_.items():
        redrive = properties.get("RedrivePolicy")
        if redrive is None:
            continue
        target = redrive.get("deadLetterTargetArn", {}).get("Fn::GetAtt", [""])[0]
        if target not in queues_:
            found.append(f"{name}: redrives to {target!r}, not a queue of this stack")
        dead_letter_ids.add(target)
        timeouts = [f.timeout for f in functions if f.trigger == "sqs" and logical.queue(f.role) == name]
        for timeout in timeouts:
            if properties.get("VisibilityTimeout", 30) < VISIBILITY_FACTOR * timeout:
                found.append(
                    f"{name}: visibility timeout {properties.get('VisibilityTimeout', 30)} s is under "
                    f"{VISIBILITY_FACTOR} x its consumer's {timeout} s"
                )
    for name in queues_:
        if name not in dead_letter_ids and not queues_[name].get("RedrivePolicy"):
            found.append(f"{name}: neither has a dead-letter queue nor is one")
    for name in dead_letter_ids:
        dimension = json.dumps([{"Name": "QueueName", "Value": {"Fn::GetAtt": [name, "QueueName"]}}])
        if dimension not in alarmed:
            found.append(f"{name}: no alarm on its depth")
    return found


def package_contents(deployment_zip: Path) -> list[str]:
    """Top-level entries of the deployment package that must not be there."""
    with zipfile.ZipFile(deployment_zip) as archive:
        tops = {name.split("/", 1)[0] for name in archive.namelist()}
    return [
        f"{deployment_zip.name} holds {top}/"
        for top in sorted(tops)
        if top in FORBIDDEN_IN_PACKAGE or top.split("-", 1)[0].lower() in FORBIDDEN_IN_PACKAGE
    ]


def package_imports(deployment_zip: Path) -> list[str]:
    """Every module of chalicelib/ and app, and every import in them, imports in the Lambda runtime
    stand-in from the unzipped package (see `imports`). Raises `lambda_runtime.RuntimeMissing`
    without a Python 3.12: the caller reports the check as skipped, never as passed."""
    return imports.failures(deployment_zip, lambda_runtime())


#: What the build runner runs from the layer: at /opt/bin/, and the Dart runtime bin/sass starts.
LAYER_BINARIES = ("bin/hugo", "bin/pagefind", "bin/sass", "dart-sass/dart")


#: What Hugo extended links against and Lambda's python3.12 image lacks, at /opt/lib/ (on LD_LIBRARY_PATH).
LAYER_LIBRARIES = ("lib/libgcc_s.so.1", "lib/libstdc++.so.6")
#: Files a program of the layer reads, with what fails without them.
LAYER_DATA = {
    **dict.fromkeys(LAYER_LIBRARIES, "Hugo extended will not start on Lambda"),
    "dart-sass/sass.snapshot": "Dart Sass will not start",
}


def layer_contents(layer_zip: Path) -> list[str]:
    """The layer holds Hugo, Pagefind and Dart Sass as regular files with mode 0755, and the C++ runtime
    Hugo needs as regular files (not symlinks: a zip entry's link would not survive the layer)."""
    with zipfile.ZipFile(layer_zip) as archive:
        entries = {info.filename: info for info in archive.infolist()}
    found: list[str] = []
    for name in LAYER_BINARIES:
        info = entries.get(name)
        if info is None:
            found.append(f"{layer_zip.name} has no {name}")
        elif (info.external_attr >> 16) & 0o777 != 0o755:
            found.append(
                f"{layer_zip.name}: {name} has mode {oct((info.external_attr >> 16) & 0o777)}, not 0o755"
            )
    for name, without in LAYER_DATA.items():
        info = entries.get(name)
        if info is None:
            found.append(f"{layer_zip.name} has no {name} ({without})")
        elif not stat.S_ISREG(info.external_attr >> 16) or info.file_size == 0:
            found.append(f"{layer_zip.name}: {name} is not a regular, non-empty file")
    return found
