"""`make package STAGE=prod` yields a stack that every offline check accepts with no findings."""

from __future__ import annotations

import zipfile

import pytest

from presslift.packaging.bytecode import find_python312
from presslift.packaging.package import IDLE_CHECK, IMPORTS_CHECK, Packaged

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
    IMPORTS_CHECK,
    "layer",
    IDLE_CHECK,
]


def ran(check: str) -> bool:
    """The import check needs a Python 3.12 (Lambda's runtime); without one it is skipped, noted."""
    return check != IMPORTS_CHECK or find_python312() is not None


@pytest.mark.parametrize("check", CHECKS)
def test_the_packaged_stack_passes(packaged: Packaged, check: str) -> None:
    if not ran(check):
        pytest.skip(f"no Python 3.12 here: {check} is skipped (test_imports.py fails under CI=true)")
    assert check in packaged.findings, f"the {check} check did not run"
    assert packaged.findings[check] == []


def test_every_check_that_ran_is_listed_here(packaged: Packaged) -> None:
    assert sorted(packaged.findings) == sorted(c for c in CHECKS if ran(c))


def test_the_package_holds_no_stand_ins_and_no_operator_code(packaged: Packaged) -> None:
    with zipfile.ZipFile(packaged.out / "deployment.zip") as archive:
        tops = {name.split("/", 1)[0] for name in archive.namelist()}
    assert {"app.py", "chalicelib"} <= tops
    assert not tops & {"standins", "presslift", "tests"}


def test_the_idle_cost_is_priced_and_every_hourly_resource_named(packaged: Packaged) -> None:
    assert packaged.idle is not None
    assert packaged.idle.summary().startswith("idle cost: ")
    assert (packaged.idle_warning is None) == (packaged.idle.hourly == ())
    for hourly in packaged.idle.hourly:
        assert hourly.logical_id in str(packaged.idle_warning)


def test_a_skipped_check_says_so_and_why(packaged: Packaged) -> None:
    skipped = [note for note in packaged.notes if note.startswith(f"{IMPORTS_CHECK} ")]
    assert (IMPORTS_CHECK in packaged.findings) != bool(skipped)
    assert all("skipped: no Python 3.12" in note for note in skipped)


def test_the_output_folder_holds_what_deploy_uploads(packaged: Packaged) -> None:
    names = {path.name for path in packaged.out.iterdir()}
    assert {"sam.json", "deployment.zip", "hugo-layer-x86_64.zip", "cloudformation.json"} <= names


def test_the_package_ships_unchecked_python_312_bytecode_when_a_312_is_here(packaged: Packaged) -> None:
    if find_python312() is None:
        pytest.skip("no Python 3.12 on this machine: the package ships sources only")
    with zipfile.ZipFile(packaged.out / "deployment.zip") as archive:
        names = archive.namelist()
        pyc = "__pycache__/app.cpython-312.pyc"
        assert pyc in names
        # PEP 552: flags 0b01 = hash-based and not checked against the source (which never changes).
        assert int.from_bytes(archive.read(pyc)[4:8], "little") == 0b01
        modules = [n for n in names if n.startswith("chalicelib/") and n.endswith(".py")]
        compiled = [n for n in names if n.startswith("chalicelib/") and n.endswith(".cpython-312.pyc")]
        assert len(compiled) == len(modules)
