"""A stand-in for Lambda's Python 3.12 runtime image on this machine: a Python 3.12 whose only
packages are the ones the runtime ships (boto3 and what it needs), at the oldest version Presslift
supports.

The functions must work with the boto3 the runtime carries, which Presslift does not choose (the
package leaves boto3 out: see `checks.FORBIDDEN_IN_PACKAGE`). `BOTO3_FLOOR` is the oldest boto3 the
code is tested with; the packaged mode of the local cloud and the package's import check both run
here, so a call that needs a newer botocore fails a test instead of a deploy.

Built once per floor under `build/runtime/`, from PyPI wheels (pure Python, so the host's pip can
install them for 3.12). Never used for anything but running the packaged functions.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from presslift.packaging.bytecode import find_python312
from presslift.packaging.stage import PROJECT_ROOT

#: The oldest boto3/botocore the functions support. Lambda's python3.12 runtime has shipped 1.34.x
#: or newer since it launched; raise this only with a reason (and the README's floor with it).
BOTO3_FLOOR = "1.34.0"
#: What the runtime ships beside boto3, pinned to versions botocore 1.34.0 accepts.
RUNTIME_PACKAGES = (
    f"boto3=={BOTO3_FLOOR}",
    f"botocore=={BOTO3_FLOOR}",
    "s3transfer==0.9.0",
    "jmespath==1.0.1",
    "python-dateutil==2.9.0.post0",
    "six==1.16.0",
    "urllib3==1.26.20",
)
CACHE = PROJECT_ROOT / "build" / "runtime"


class RuntimeMissing(RuntimeError):
    """No Python 3.12 on this machine (the message says how to get one)."""


@dataclass(frozen=True)
class LambdaRuntime:
    """A Python 3.12 with only the runtime's packages; `python` runs code as Lambda would (`-I`)."""

    root: Path

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python3.12"

    @property
    def site_packages(self) -> Path:
        return self.root / "lib" / "python3.12" / "site-packages"


def lambda_runtime(cache: Path = CACHE) -> LambdaRuntime:
    """The runtime stand-in, built on first use; raises `RuntimeMissing` without a Python 3.12."""
    python312 = find_python312()
    if python312 is None:
        raise RuntimeMissing(
            "no Python 3.12 here (Lambda's python3.12 runtime): install one (pyenv install 3.12) or set "
            "PRESSLIFT_PYTHON312 to its path"
        )
    runtime = LambdaRuntime(cache / f"python3.12-boto3-{BOTO3_FLOOR}")
    stamp = runtime.root / ".complete"
    wanted = "\n".join(RUNTIME_PACKAGES)
    if stamp.exists() and stamp.read_text() == wanted:
        return runtime
    subprocess.run(
        [python312, "-m", "venv", "--clear", "--without-pip", str(runtime.root)],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            "3.12",
            "--target",
            str(runtime.site_packages),
            *RUNTIME_PACKAGES,
        ],
        check=True,
    )
    stamp.write_text(wanted)
    return runtime
