"""`presslift ...` run as an operator runs it: a fresh process, its output and exit code kept."""

from __future__ import annotations

import os
import subprocess
import sys


def presslift(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "presslift.cli", *argv],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
