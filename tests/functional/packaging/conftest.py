"""The prod stage packaged once per session (chalice package, the SAM transform, the checks), and
the templates and app it came from, for the packaging tests to read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from chalice.app import Chalice

from presslift.packaging import appmodel
from presslift.packaging.package import Packaged, package
from presslift.packaging.stage import Stage, load_stage

# One worker packages; the wheel cache and the layer build are shared on disk.
pytestmark = pytest.mark.xdist_group("packaging")


@pytest.fixture(scope="session")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Packaged:
    return package("prod", tmp_path_factory.mktemp("package") / "prod")


@pytest.fixture(scope="session")
def sam(packaged: Packaged) -> dict[str, Any]:
    return dict(json.loads(packaged.sam.read_text()))


@pytest.fixture(scope="session")
def cfn(packaged: Packaged) -> dict[str, Any]:
    return dict(json.loads((packaged.out / "cloudformation.json").read_text()))


@pytest.fixture(scope="session")
def stage() -> Stage:
    return load_stage("prod")


@pytest.fixture(scope="session")
def app(stage: Stage) -> Chalice:
    return appmodel.load_app(stage)


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def out_file(packaged: Packaged, name: str) -> Path:
    return packaged.out / name
