"""Compiled modules in the deployment package, so a cold start does not compile them.

Lambda's /var/task is read-only: Python compiles every module of the package on each cold start and
cannot keep the result. Adding `__pycache__/*.cpython-312.pyc` built by a Python 3.12 in
"unchecked-hash" mode (the package never changes after deploy, so the sources need not be checked)
cuts the handler's import time (see `make bench-package`). Needs a Python 3.12 on this machine;
without one the package is left as Chalice wrote it and the caller says so.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

LAMBDA_TASK_ROOT = "/var/task"
FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def find_python312() -> str | None:
    """$PRESSLIFT_PYTHON312, python3.12 on PATH, or one pyenv installed; None if there is none."""
    candidates = [os.environ.get("PRESSLIFT_PYTHON312", ""), shutil.which("python3.12") or ""]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.12*/bin/python3.12")))
    for candidate in filter(None, candidates):
        done = subprocess.run([candidate, "--version"], capture_output=True, text=True)
        if done.returncode == 0 and done.stdout.startswith("Python 3.12"):
            return candidate
    return None


def add_bytecode(deployment_zip: Path, python: str) -> int:
    """Rewrite `deployment_zip` with a .pyc beside each module; returns how many were added."""
    with tempfile.TemporaryDirectory(prefix="presslift-bytecode-") as scratch:
        tree = Path(scratch) / "task"
        with zipfile.ZipFile(deployment_zip) as archive:
            archive.extractall(tree)
            entries = archive.infolist()
        subprocess.run(
            [
                python,
                "-m",
                "compileall",
                "-q",
                "-j",
                "0",  # one worker per CPU: the same files, compiled side by side
                "--invalidation-mode",
                "unchecked-hash",
                "-s",
                str(tree),
                "-p",
                LAMBDA_TASK_ROOT,  # tracebacks name the files where Lambda has them
                str(tree),
            ],
            check=True,
        )
        known = {entry.filename for entry in entries}
        compiled = sorted(p for p in tree.rglob("*.pyc") if str(p.relative_to(tree)) not in known)
        rewritten = deployment_zip.with_suffix(".tmp")
        with zipfile.ZipFile(deployment_zip) as source, zipfile.ZipFile(rewritten, "w") as target:
            for entry in entries:
                target.writestr(entry, source.read(entry.filename), compress_type=zipfile.ZIP_DEFLATED)
            for path in compiled:
                info = zipfile.ZipInfo(str(path.relative_to(tree)), date_time=FIXED_TIME)
                info.external_attr = (0o100644 & 0xFFFF) << 16
                target.writestr(info, path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED)
        rewritten.replace(deployment_zip)
    return len(compiled)
