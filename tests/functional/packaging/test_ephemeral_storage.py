"""Each function's /tmp is sized for what its stage holds there (see appmodel._ephemeral_storage)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from presslift.packaging import appmodel
from presslift.packaging.stage import Stage, StageError
from tests.functional.packaging.conftest import of_type

pytestmark = pytest.mark.xdist_group("packaging")

EXPECTED_MB = {
    "Convert": 10240,  # the export, uploads.zip, the converted site and its tarball
    "Build": 10240,  # a fetched repository (up to 2 GB), its archive, the runner's and the stored tree's
    "BuildRunner": 10240,  # the source, Hugo's cache, a tree per stage and a tarball
    "Deploy": 5120,  # one stage's tarball and the plain tar it is read from in place
    "Codedrop": 512,  # hands the mount function a presigned URL: no bundle passes through it
    "CodedropMount": 2048,  # a bundle's tarball and its unpacked tree
    "ExpireApprovals": 512,  # the sweep writes nothing
    "APIHandler": 512,
}


def test_each_function_in_the_packaged_template_has_its_ephemeral_storage(cfn: dict[str, Any]) -> None:
    functions = of_type(cfn, "AWS::Lambda::Function")
    sizes = {name: f["Properties"].get("EphemeralStorage", {}).get("Size") for name, f in functions.items()}
    assert sizes == EXPECTED_MB


def test_a_size_lambda_does_not_allow_is_refused_at_packaging(stage: Stage) -> None:
    config = copy.deepcopy(dict(stage.config))
    config["stages"][stage.name]["lambda_functions"]["deploy"]["ephemeral_storage"] = 20480
    wrong = Stage(name=stage.name, config=config, names=stage.names, notes=stage.notes)
    with pytest.raises(
        StageError, match="deploy's ephemeral_storage is 20480 MB; Lambda allows 512 to 10240"
    ):
        appmodel.functions(appmodel.load_app(wrong), wrong)
