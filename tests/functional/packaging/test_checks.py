"""The checks find what they are for: each is shown a template with one fault and must name it."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from presslift.packaging import checks
from presslift.packaging.project import PLACEHOLDER_ROLE


def _role(*statements: dict[str, Any]) -> dict[str, Any]:
    return {
        "Resources": {
            "ConvertRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": list(statements)}}]
                },
            }
        }
    }


@pytest.mark.parametrize(
    ("statement", "finding"),
    [
        ({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"}, "action '*' is a wildcard"),
        (
            {"Effect": "Allow", "Action": ["s3:*"], "Resource": "arn:aws:s3:::b"},
            "action 's3:*' is a wildcard",
        ),
        ({"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b"}, "'s3:Get*' is a wildcard"),
        ({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, "s3:GetObject on Resource '*'"),
        ({"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:x"}, "NotAction/NotResource"),
    ],
)
def test_wildcard_grants_are_found(statement: dict[str, Any], finding: str) -> None:
    (found,) = [f for f in checks.wildcard_grants(_role(statement)) if finding in f]
    assert found.startswith("ConvertRole/p statement 0")


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"Fn::Sub": "${B.Arn}/*"}},
        {"Effect": "Allow", "Action": "ec2:DescribeNetworkInterfaces", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*"},
    ],
)
def test_scoped_unscopable_and_deny_statements_pass(statement: dict[str, Any]) -> None:
    assert checks.wildcard_grants(_role(statement)) == []


def test_managed_policies_count_as_wildcards() -> None:
    template = _role()
    template["Resources"]["ConvertRole"]["Properties"]["ManagedPolicyArns"] = ["arn:aws:iam::aws:policy/X"]
    assert checks.wildcard_grants(template) != []


@pytest.mark.parametrize(
    ("roles", "finding"),
    [
        ({"A": PLACEHOLDER_ROLE}, "not its own role"),
        ({"A": {"Fn::GetAtt": ["R", "Arn"]}, "B": {"Fn::GetAtt": ["R", "Arn"]}}, "B shares role R with A"),
    ],
)
def test_shared_or_placeholder_roles_are_found(roles: dict[str, Any], finding: str) -> None:
    template = {
        "Resources": {
            name: {"Type": "AWS::Lambda::Function", "Properties": {"Role": role}}
            for name, role in roles.items()
        }
    }
    assert any(finding in f for f in checks.roles_per_function(template))


def _queues(**properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "Resources": {name: {"Type": "AWS::SQS::Queue", "Properties": p} for name, p in properties.items()}
    }


def test_a_queue_without_a_dead_letter_queue_is_found() -> None:
    assert checks.queues(_queues(BuildQueue={"QueueName": "b"}), []) == [
        "BuildQueue: neither has a dead-letter queue nor is one"
    ]


def test_a_dead_letter_queue_without_an_alarm_is_found() -> None:
    template = _queues(
        BuildQueue={
            "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["BuildDeadLetterQueue", "Arn"]}}
        },
        BuildDeadLetterQueue={},
    )
    assert checks.queues(template, []) == ["BuildDeadLetterQueue: no alarm on its depth"]


def _zip(path: Path, names: list[str], mode: int = 0o644) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o100000 | mode) << 16
            archive.writestr(info, b"x")
    return path


def test_operator_code_tests_and_dev_tools_in_the_package_are_found(tmp_path: Path) -> None:
    package = _zip(
        tmp_path / "deployment.zip",
        [
            "app.py",
            "chalicelib/x.py",
            "presslift/cli.py",
            "standins/github/api.py",
            "tests/t.py",
            "moto/__init__.py",
            "boto3-1.0.dist-info/M",
        ],
    )
    assert checks.package_contents(package) == [
        "deployment.zip holds boto3-1.0.dist-info/",
        "deployment.zip holds moto/",
        "deployment.zip holds presslift/",
        "deployment.zip holds standins/",
        "deployment.zip holds tests/",
    ]


def test_a_layer_without_pagefind_or_without_the_execute_bit_is_found(tmp_path: Path) -> None:
    layer = _zip(tmp_path / "layer.zip", ["bin/hugo", *checks.LAYER_DATA], mode=0o644)
    assert checks.layer_contents(layer) == [
        "layer.zip: bin/hugo has mode 0o644, not 0o755",
        "layer.zip has no bin/pagefind",
        "layer.zip has no bin/sass",
        "layer.zip has no dart-sass/dart",
    ]


def test_a_layer_without_the_cxx_runtime_is_found(tmp_path: Path) -> None:
    present = ["bin/hugo", "bin/pagefind", "bin/sass", "dart-sass/dart", "lib/libgcc_s.so.1"]
    layer = _zip(tmp_path / "layer.zip", present, mode=0o755)
    assert checks.layer_contents(layer) == [
        "layer.zip has no lib/libstdc++.so.6 (Hugo extended will not start on Lambda)",
        "layer.zip has no dart-sass/sass.snapshot (Dart Sass will not start)",
    ]


def test_cfn_lint_reports_a_broken_template() -> None:
    broken = {"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": "soon"}}}}
    assert any(f.startswith("E") for f in checks.lint(broken))
