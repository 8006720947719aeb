"""Packaged functions as processes: each invocation runs in a Python 3.12 process started from the
unzipped deployment package, with that function's environment and role, one invocation at a time
per process, as Lambda runs one per execution environment.

A pool keeps warm processes per function and starts another when all are busy (up to a limit, like
reserved concurrency). An invocation that outlives the function's timeout is killed with its process,
as Lambda kills the sandbox, and reported as Lambda reports it ("Task timed out after N seconds").
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

BOOTSTRAP = Path(__file__).with_name("bootstrap.py")


class FunctionError(RuntimeError):
    """The function raised, timed out or died; the message is what Lambda would report."""

    def __init__(self, function: str, kind: str, message: str) -> None:
        super().__init__(f"{function}: {kind}: {message}")
        self.kind = kind


@dataclass(frozen=True)
class Launch:
    """What a function's process is started with."""

    name: str
    python: Path
    environment: dict[str, str]
    timeout_s: int
    log: Path


class _Process:
    def __init__(self, launch: Launch) -> None:
        read_fd, write_fd = os.pipe()
        self._log: IO[bytes] = launch.log.open("ab")
        self.popen = subprocess.Popen(
            [str(launch.python), "-I", "-u", str(BOOTSTRAP)],
            stdin=subprocess.PIPE,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**launch.environment, "PRESSLIFT_REPLY_FD": str(write_fd)},
            pass_fds=(write_fd,),
            cwd=launch.environment["LAMBDA_TASK_ROOT"],
            start_new_session=True,
        )
        os.close(write_fd)
        self._replies = os.fdopen(read_fd, "r")
        self._answer: list[str] = []

    def invoke(self, event: dict[str, Any], timeout_s: float) -> dict[str, Any] | None:
        """The reply, or None if the process did not answer in time or died."""
        assert self.popen.stdin is not None
        request = {
            "event": event,
            "request_id": str(uuid.uuid4()),
            "deadline_ms": int((time.time() + timeout_s) * 1000),
        }
        self.popen.stdin.write((json.dumps(request) + "\n").encode())
        self.popen.stdin.flush()
        self._answer.clear()
        reader = threading.Thread(target=lambda: self._answer.append(self._replies.readline()), daemon=True)
        reader.start()
        reader.join(timeout_s)
        if reader.is_alive() or not self._answer or not self._answer[0]:
            return None
        reply: dict[str, Any] = json.loads(self._answer[0])
        return reply

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, 9)
        self.popen.wait(timeout=10)
        self._replies.close()
        self._log.close()

    def close(self) -> None:
        if self.popen.poll() is None:
            assert self.popen.stdin is not None
            self.popen.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=5)
        self.kill()


class FunctionPool:
    """Warm processes of one function; `invoke` runs an event in an idle one (or a new one)."""

    def __init__(self, launch: Launch, *, concurrency: int = 4) -> None:
        self.launch = launch
        self._idle: list[_Process] = []
        self._all: list[_Process] = []
        self._slots = threading.Semaphore(concurrency)
        self._lock = threading.Lock()
        self.invocations = 0

    def _take(self) -> _Process:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        process = _Process(self.launch)
        with self._lock:
            self._all.append(process)
        return process

    def _drop(self, process: _Process) -> None:
        with self._lock:
            self._all.remove(process)
        process.kill()

    def invoke(self, event: dict[str, Any]) -> Any:
        """The handler's return value; raises `FunctionError` as Lambda would report the failure."""
        with self._slots:
            process = self._take()
            self.invocations += 1
            reply = process.invoke(event, self.launch.timeout_s)
            if reply is None:
                died = process.popen.poll() is not None
                self._drop(process)
                if died:
                    raise FunctionError(self.launch.name, "Runtime.ExitError", "the process exited")
                raise FunctionError(
                    self.launch.name,
                    "Sandbox.Timedout",
                    f"Task timed out after {self.launch.timeout_s} seconds",
                )
            with self._lock:
                self._idle.append(process)
        if "error" in reply:
            error = reply["error"]
            raise FunctionError(self.launch.name, error["type"], error["message"])
        return reply["result"]

    def close(self) -> None:
        with self._lock:
            processes, self._all, self._idle = list(self._all), [], []
        for process in processes:
            process.close()

    def relaunch(self, launch: Launch) -> None:
        """New configuration (a stack update): idle processes end, later invocations start fresh."""
        with self._lock:
            self.launch = launch
            idle, self._idle = self._idle, []
            for process in idle:
                self._all.remove(process)
        for process in idle:
            process.close()
