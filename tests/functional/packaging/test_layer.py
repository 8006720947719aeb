"""The packaged Hugo layer runs as Lambda runs it: bin/hugo starts with the layer's own lib/ on
LD_LIBRARY_PATH, loads the layer's libstdc++ and libgcc_s (not this machine's), and those ask for no
newer glibc than Lambda's python3.12 image has (Amazon Linux 2023, glibc 2.34)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from presslift.packaging import checks
from presslift.packaging.package import LAYER_FILE, Packaged

pytestmark = pytest.mark.xdist_group("packaging")

LAMBDA_GLIBC = (2, 34)


@pytest.fixture(scope="module")
def opt(packaged: Packaged, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The layer unzipped with its modes, as Lambda mounts it at /opt."""
    root = tmp_path_factory.mktemp("opt")
    with zipfile.ZipFile(packaged.out / LAYER_FILE) as archive:
        for info in archive.infolist():
            archive.extract(info, root)
            (root / info.filename).chmod((info.external_attr >> 16) & 0o777)
    return root


def test_hugo_starts_from_the_layer_with_the_layer_libraries(opt: Path) -> None:
    env = {"PATH": f"{opt / 'bin'}:/usr/bin:/bin", "LD_LIBRARY_PATH": str(opt / "lib"), "HOME": str(opt)}
    done = subprocess.run([str(opt / "bin" / "hugo"), "version"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "+extended" in done.stdout
    if shutil.which("ldd") is None:
        pytest.skip("no ldd here to show which libstdc++ the loader picks")
    linked = subprocess.run(
        ["ldd", str(opt / "bin" / "hugo")], env=env, capture_output=True, text=True
    ).stdout
    for library in ("libstdc++.so.6", "libgcc_s.so.1"):
        assert f"{library} => {opt / 'lib' / library}" in linked


def test_dart_sass_starts_from_the_layer_with_nothing_but_bin_sh(opt: Path) -> None:
    # Hugo starts it with an empty environment (security.exec.osEnv none): no PATH to find tools on.
    done = subprocess.run([str(opt / "bin" / "sass"), "--version"], env={}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"\d+\.\d+\.\d+\n", done.stdout)


@pytest.mark.parametrize("library", [*checks.LAYER_LIBRARIES, "dart-sass/dart"])
def test_the_layer_libraries_need_no_newer_glibc_than_lambda_has(opt: Path, library: str) -> None:
    if shutil.which("objdump") is None:
        pytest.skip("no objdump here (binutils) to read the libraries' symbol versions")
    symbols = subprocess.run(
        ["objdump", "-T", str(opt / library)], capture_output=True, text=True, check=True
    )
    needed = {
        tuple(int(p) for p in v.split(".")) for v in re.findall(r"GLIBC_(\d+(?:\.\d+)+)", symbols.stdout)
    }
    assert needed, "no GLIBC symbol versions read"
    assert max(needed) <= LAMBDA_GLIBC
