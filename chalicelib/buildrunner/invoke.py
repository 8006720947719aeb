"""How the build stage hands a job to the build runner: the runner function (Lambda's Invoke API,
synchronously), or, where there is none (the local cloud's in-process mode), a child process running
the same code with an allowlisted environment.

The build stage's side only: it must never pass the runner anything but the job (no credential, no
environment of its own), and never trust the runner's answer beyond parsing it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

import chalicelib
from chalicelib.buildrunner.job import BuildJob, RunnerResult
from chalicelib.childenv import child_environment
from chalicelib.errors import BuildError

# Seconds the runner's process or function may take past the job's own, to hand back its result.
GRACE_SECONDS = 30
# The folder that holds `chalicelib` (Lambda's /var/task, or the project): the child imports it there.
CODE_ROOT = Path(chalicelib.__file__).resolve().parent.parent


class BuildRunner(Protocol):
    def run(self, job: BuildJob) -> RunnerResult: ...


class ProcessRunner:
    """The runner as a child process: `python -m chalicelib.buildrunner`, nothing of ours in its
    environment (not the AWS keys, not the pipeline's settings), the job on stdin. It shares the
    build's disk, so the build hands it files (`file://` URLs) instead of presigned URLs. It serves
    where the stack names no runner function: the local cloud's in-process mode (packaged mode, as
    AWS, invokes the runner function with presigned URLs)."""

    shares_disk = True

    def run(self, job: BuildJob) -> RunnerResult:
        with tempfile.TemporaryDirectory(prefix="presslift-runner-home-") as home:
            env = child_environment(Path(home), {"PYTHONPATH": str(CODE_ROOT)})
            try:
                done = subprocess.run(
                    [sys.executable, "-m", "chalicelib.buildrunner"],
                    input=job.to_json(),
                    capture_output=True,
                    text=True,
                    env=env,
                    cwd=home,
                    timeout=job.seconds + GRACE_SECONDS,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise BuildError(f"the build runner did not finish within {job.seconds:.0f} s") from exc
        if done.returncode != 0:
            tail = "\n".join(done.stderr.strip().splitlines()[-10:])
            raise BuildError(f"the build runner failed (exit {done.returncode}){_cause(tail)}", log_tail=tail)
        return _parse(done.stdout)


class FunctionRunner:
    """The runner as its own Lambda function, invoked synchronously with the job as its payload."""

    shares_disk = False

    def __init__(self, function_name: str, client_factory: Callable[[str], Any]) -> None:
        self.function_name = function_name
        self._client_factory = client_factory

    def run(self, job: BuildJob) -> RunnerResult:
        client = self._client_factory("lambda")
        started = time.monotonic()
        reply = client.invoke(
            FunctionName=self.function_name,
            InvocationType="RequestResponse",
            Payload=job.to_json().encode(),
        )
        payload = reply["Payload"].read()
        if reply.get("FunctionError"):
            detail = _error_message(payload)
            raise BuildError(f"the build runner failed ({reply['FunctionError']}): {detail}")
        return replace(_parse(payload), seconds=time.monotonic() - started)


def _cause(tail: str) -> str:
    """What the runner's last words say went wrong, for the stage's one line ("" when it said nothing):
    "the build runner failed (exit 1)" alone left a full disk to be found in the run's JSON."""
    last = next((line.strip() for line in reversed(tail.splitlines()) if line.strip()), "")
    if not last:
        return ""
    if "No space left on device" in last or "Errno 28" in last:
        return ": the build ran out of disk space in /tmp (the function's ephemeral storage): " + last[:300]
    return f": {last[:300]}"


def _error_message(payload: bytes) -> str:
    try:
        return str(json.loads(payload).get("errorMessage", ""))[:500]
    except (ValueError, AttributeError):
        return payload[:500].decode("utf-8", "replace")


def _parse(payload: str | bytes) -> RunnerResult:
    try:
        return RunnerResult.from_json(payload)
    except (ValueError, TypeError, KeyError) as exc:
        raise BuildError(f"the build runner answered something that is not a result: {exc}") from exc


def runner_for(function_name: str, client_factory: Callable[[str], Any]) -> FunctionRunner | ProcessRunner:
    """The runner function when the stack names one, else a child process."""
    if function_name:
        return FunctionRunner(function_name, client_factory)
    return ProcessRunner()
