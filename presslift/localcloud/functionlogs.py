"""The local cloud's function logs: every log line a function writes for a run, kept in one JSON-lines
file under the state dir, so `presslift logs RUN` can show them as CloudWatch Logs shows them on AWS.

Each line is the Lambda JSON line (`chalicelib.logs.JsonFormatter`: timestamp, level, logger, message,
run_id, site, stage, attempt), redacted as every record is, plus `function`: the function whose thread
wrote it. Only lines that carry a run id are kept; the rest belong to no run.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from chalicelib.logs import JsonFormatter, prepare

#: Where the lines go, under the local cloud's state dir.
FUNCTION_LOG = Path("logs") / "functions.jsonl"


class _FunctionLineFormatter(JsonFormatter):
    def __init__(self, functions: Mapping[str, str]) -> None:
        super().__init__()
        self._functions = functions

    def format(self, record: logging.LogRecord) -> str:
        line = json.loads(super().format(record))
        line["function"] = self._functions.get(record.threadName or "", record.threadName or "")
        return json.dumps(line, ensure_ascii=False, default=str)


def _has_run(record: logging.LogRecord) -> bool:
    prepare(record)  # redacted, with its context, even where `logs.setup()` has not run
    return bool((getattr(record, "presslift_context", None) or {}).get("run_id"))


class FunctionLogFile(logging.FileHandler):
    """Appends every record that carries a run id to `<state dir>/logs/functions.jsonl`.

    `functions` names the function behind each dispatcher thread (thread name -> function name).
    """

    def __init__(self, state_dir: Path, functions: Mapping[str, str]) -> None:
        path = state_dir / FUNCTION_LOG
        path.parent.mkdir(parents=True, exist_ok=True)
        super().__init__(path, encoding="utf-8", delay=True)
        self.setFormatter(_FunctionLineFormatter(dict(functions)))
        self.addFilter(_has_run)


class LocalFunctionLogs:
    """A run's lines from the file, oldest first; `new_lines()` gives only those not given before."""

    def __init__(self, state_dir: Path, run_id: str) -> None:
        self.path = state_dir / FUNCTION_LOG
        self.run_id = run_id
        self._offset = 0
        self._lock = threading.Lock()

    def new_lines(self) -> list[dict[str, Any]]:
        with self._lock:
            lines = list(self._read())
        return [line for line in lines if line.get("run_id") == self.run_id]

    def _read(self) -> Iterator[dict[str, Any]]:
        try:
            with self.path.open("rb") as file:
                file.seek(self._offset)
                data = file.read()
        except FileNotFoundError:
            return
        complete = data[: data.rfind(b"\n") + 1]  # a line being written is read next time
        self._offset += len(complete)
        for raw in complete.splitlines():
            try:
                line = json.loads(raw)
            except ValueError:
                continue  # a torn line (a crash mid-write) is skipped, not fatal
            if isinstance(line, dict):
                yield line
