"""The package's import check: every module and import of chalicelib/ and app works in Lambda's
runtime (Python 3.12, boto3 at the floor) from the unzipped package, and a missing one is found."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from presslift.packaging import imports
from presslift.packaging.lambda_runtime import LambdaRuntime
from presslift.packaging.package import IMPORTS_CHECK, Packaged

pytestmark = pytest.mark.xdist_group("packaging")


def test_every_import_of_the_package_works_in_the_lambda_runtime(
    packaged: Packaged, runtime: LambdaRuntime
) -> None:
    assert imports.failures(packaged.out / "deployment.zip", runtime) == []
    assert packaged.findings[IMPORTS_CHECK] == []


def test_the_check_reaches_imports_inside_functions(packaged: Packaged) -> None:
    listed = imports.statements_of_package(packaged.out / "deployment.zip")
    wheres = {(s.where.split(":")[0], s.module) for s in listed}
    # deploy imports the Algolia client only for sites searched with Algolia, inside a function.
    assert ("chalicelib/work/deploy.py", "chalicelib.search.algolia") in wheres
    assert ("chalicelib/search/algolia.py", "algoliasearch.search.client") in wheres
    assert ("app.py", "app") in wheres


def make_package(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def test_a_module_importing_an_absent_package_is_a_finding(tmp_path: Path, runtime: LambdaRuntime) -> None:
    package = make_package(
        tmp_path / "deployment.zip",
        {
            "app.py": "import chalicelib.search\n",
            "chalicelib/__init__.py": "",
            "chalicelib/search.py": (
                "from __future__ import annotations\n"
                "from typing import TYPE_CHECKING\n"
                "import boto3\n"  # the runtime has it
                "if TYPE_CHECKING:\n"
                "    import only_for_types_absent\n"
                "def sync():\n"
                "    import absent_search_client\n"
            ),
        },
    )

    assert imports.failures(package, runtime) == [
        "chalicelib/search.py:7 imports absent_search_client: absent_search_client is not in the package "
        "or the runtime"
    ]


def test_a_module_that_fails_as_it_imports_is_a_finding(tmp_path: Path, runtime: LambdaRuntime) -> None:
    package = make_package(
        tmp_path / "deployment.zip",
        {"app.py": "", "chalicelib/__init__.py": "", "chalicelib/broken.py": "from boto3 import not_there\n"},
    )

    (finding,) = [f for f in imports.failures(package, runtime) if "broken.py:1" in f]
    assert finding.startswith(
        "chalicelib/broken.py:1 `from boto3 import not_there` fails in the runtime: ImportError"
    )


@pytest.mark.parametrize(
    ("path", "source", "statement"),
    [
        ("chalicelib/a/b.py", "from . import c", "from chalicelib.a import c"),
        ("chalicelib/a/b.py", "from ..x import y", "from chalicelib.x import y"),
        ("chalicelib/a/__init__.py", "from .c import d", "from chalicelib.a.c import d"),
        ("app.py", "import os.path, json", "import os.path"),
    ],
)
def test_relative_imports_are_made_absolute(path: str, source: str, statement: str) -> None:
    assert imports.statements_in(source, path)[0].statement == statement


def test_future_and_type_only_imports_are_left_out() -> None:
    source = "from __future__ import annotations\nimport typing\nif typing.TYPE_CHECKING:\n    import x\n"
    assert [s.statement for s in imports.statements_in(source, "app.py")] == ["import typing"]
