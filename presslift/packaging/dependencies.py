"""The functions' runtime dependencies (`requirements.txt`) as Lambda needs them: cp312 manylinux
wheels for x86_64, unpacked into the project's `vendor/`, which Chalice copies to the package root.

pip resolves and downloads binary wheels for Lambda's platform, never sdists, so nothing is compiled
on this machine for the wrong Python; the wheels are cached beside the build output. Dev
dependencies never enter: only `requirements.txt` is read.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from presslift.packaging.stage import PROJECT_ROOT

PYTHON_VERSION = "3.12"
ABI = "cp312"
#: Newest first; pip takes the first each package offers.
PLATFORMS = ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64")


def download_wheels(requirements: Path, cache: Path) -> list[Path]:
    cache.mkdir(parents=True, exist_ok=True)
    platforms = [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--only-binary=:all:",
            *platforms,
            "--python-version",
            PYTHON_VERSION,
            "--implementation",
            "cp",
            "--abi",
            ABI,
            "--abi",
            "abi3",
            "--abi",
            "none",
            "--requirement",
            str(requirements),
            "--dest",
            str(cache),
        ],
        check=True,
        cwd=PROJECT_ROOT,
    )
    return sorted(cache.glob("*.whl"))


def _wanted(wheels: list[Path]) -> list[Path]:
    """The cache may hold wheels of older pins: keep the newest file per project name."""
    newest: dict[str, Path] = {}
    for wheel in wheels:
        project = wheel.name.split("-", 1)[0].lower()
        if project not in newest or wheel.stat().st_mtime > newest[project].stat().st_mtime:
            newest[project] = wheel
    return sorted(newest.values())


def _resolution(requirements: Path, cache: Path) -> Path:
    """Where the wheels chosen for this exact requirements file (and platform) are named."""
    wanted = requirements.read_bytes() + repr((PLATFORMS, ABI)).encode()
    return cache / f"resolved-{hashlib.sha256(wanted).hexdigest()[:16]}.txt"


def wheels_for(requirements: Path, cache: Path) -> list[Path]:
    """The wheels `requirements` resolves to: from the cache when this same file was resolved before
    and its wheels are all still there (every line is pinned, so the answer cannot have changed; pip
    took 14 s to say so again), else downloaded by pip and remembered."""
    record = _resolution(requirements, cache)
    if record.is_file():
        names = record.read_text().split()
        if names and all((cache / name).is_file() for name in names):
            return [cache / name for name in names]
    wheels = _wanted(download_wheels(requirements, cache))
    record.write_text("".join(f"{wheel.name}\n" for wheel in wheels))
    return wheels


def vendor(requirements: Path, project_dir: Path, cache: Path) -> list[str]:
    """Unpack the wheels into `project_dir/vendor`; returns the wheel file names."""
    wheels = wheels_for(requirements, cache)
    target = project_dir / "vendor"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(target)
    return [wheel.name for wheel in wheels]
