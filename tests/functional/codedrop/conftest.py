"""Helpers for code-drop tests on a real folder standing in for the EFS mount."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from chalicelib.manifest import Manifest, scan_tree

BundleMaker = Callable[[str, dict[str, bytes]], tuple[Path, Manifest]]


def write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


@pytest.fixture
def mount(tmp_path: Path) -> Path:
    return tmp_path / "efs"


@pytest.fixture
def make_bundle(tmp_path: Path) -> BundleMaker:
    """A bundle folder for `run_id` holding `files`, and its manifest."""

    def make(run_id: str, files: dict[str, bytes]) -> tuple[Path, Manifest]:
        folder = write_tree(tmp_path / "bundles" / run_id, files)
        folder.mkdir(parents=True, exist_ok=True)
        return folder, Manifest("app", run_id, "code", "", scan_tree(folder))

    return make


def make_wheel(
    folder: Path, name: str, version: str, files: dict[str, bytes], *, tag: str = "py3-none-any", requires=()
) -> Path:
    """A minimal valid wheel: the files, METADATA, WHEEL and a RECORD with real hashes."""
    dist_info = f"{name}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {requirement}\n" for requirement in requires)
    contents = dict(files)
    contents[f"{dist_info}/METADATA"] = metadata.encode()
    contents[f"{dist_info}/WHEEL"] = (
        f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: {tag}\n".encode()
    )
    record = []
    for rel, data in contents.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{rel},sha256={digest},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    contents[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{version}-{tag}.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for rel, data in contents.items():
            archive.writestr(rel, data)
    return path


@pytest.fixture
def wheel() -> Callable[..., Path]:
    return make_wheel
