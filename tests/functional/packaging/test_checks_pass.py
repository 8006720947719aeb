"""`make package STAGE=prod` yields a stack that every offline check accepts with no findings."""

from __future__ import annotations

import pytest

from presslift.packaging.package import Packaged

pytestmark = pytest.mark.xdist_group("packaging")

CHECKS = [
    "cfn-lint (SAM)",
    "SAM transform",
    "cfn-lint (CloudFormation)",
    "least privilege",
    "one role per function",
    "event sources",
    "queues",
    "deployment package",
    "layer",
]


@pytest.mark.parametrize("check", CHECKS)
def test_the_packaged_stack_passes(packaged: Packaged, check: str) -> None:
    assert check in packaged.findings, f"the {check} check did not run"
    assert packaged.findings[check] == []


def test_every_check_that_ran_is_listed_here(packaged: Packaged) -> None:
    assert sorted(packaged.findings) == sorted(CHECKS)


def test_the_output_folder_holds_what_deploy_uploads(packaged: Packaged) -> None:
    names = {path.name for path in packaged.out.iterdir()}
    assert {"sam.json", "deployment.zip", "hugo-layer-x86_64.zip", "cloudformation.json"} <= names
