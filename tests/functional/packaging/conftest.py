"""The prod stage packaged once per session (chalice package, the SAM transform, the checks), and
the templates and app it came from, for the packaging tests to read."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from chalice.app import Chalice

from presslift.packaging import appmodel
from presslift.packaging.lambda_runtime import LambdaRuntime, RuntimeMissing, lambda_runtime
from presslift.packaging.package import Packaged
from presslift.packaging.stage import Stage, load_stage
from tests.conftest import packaged_once

# The package is built once per run (packaged_once); the wheel cache and the layer are shared on disk.
pytestmark = pytest.mark.xdist_group("packaging")


@pytest.fixture(scope="session")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Packaged:
    return packaged_once(tmp_path_factory)


@pytest.fixture(scope="session")
def runtime() -> LambdaRuntime:
    """Lambda's python3.12 runtime stand-in (boto3 at the floor); skipped without a Python 3.12,
    except under CI=true, where its absence fails the test."""
    try:
        return lambda_runtime()
    except RuntimeMissing as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(str(exc))
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def task_root(packaged: Packaged, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packaged deployment.zip unzipped, as Lambda lays it out at /var/task."""
    task = tmp_path_factory.mktemp("task")
    with zipfile.ZipFile(packaged.out / "deployment.zip") as archive:
        archive.extractall(task)
    return task


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
