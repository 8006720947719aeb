"""The local cloud's function logs: every log line a function writes for a run, kept in one JSON-lines
file under the state dir, so `presslift logs RUN` can show them as CloudWatch Logs shows them on AWS.

The pipeline logs at INFO, as on Lambda, even when the terminal shows only warnings (`presslift up`
without `--verbose`): `FunctionLogCapture` lowers the pipeline's loggers to INFO for the file and keeps
the terminal's handlers at the level they showed before.

Each line is the Lambda JSON line (`chalicelib.logs.JsonFormatter`: timestamp, level, logger, message,
run_id, site, stage, attempt), redacted as every record is, plus `function`: the function whose thread
wrote it. Only lines that carry a run id are kept; the rest belong to no run.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from chalicelib.logs import JsonFormatter, prepare

#: The loggers of the code that runs as Lambda functions.
PIPELINE_LOGGERS = ("chalicelib",)
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
        self.failing = False

    def handleError(self, record: logging.LogRecord) -> None:
        """A line that cannot be written (a full disk) is said once, in one line: logging printed a
        traceback for every line the functions logged."""
        if not self.failing:
            self.failing = True
            error = sys.exc_info()[1]
            sys.stderr.write(f"presslift: cannot write the function log {self.baseFilename}: {error}\n")


class FunctionLogCapture:
    """While started: the pipeline's lines go to the file at INFO, the terminal shows what it did."""

    def __init__(self, state_dir: Path, functions: Mapping[str, str]) -> None:
        self.file = FunctionLogFile(state_dir, functions)
        self._lowered: list[tuple[logging.Logger, int]] = []
        self._quieted: list[tuple[logging.Handler, logging.Filter]] = []

    def start(self) -> None:
        root = logging.getLogger()
        shown = root.getEffectiveLevel()
        for name in PIPELINE_LOGGERS:
            logger = logging.getLogger(name)
            if logger.getEffectiveLevel() > logging.INFO:
                self._lowered.append((logger, logger.level))
                logger.setLevel(logging.INFO)
        if self._lowered:
            quiet = _AtLeast(shown)
            for handler in root.handlers:
                handler.addFilter(quiet)
                self._quieted.append((handler, quiet))
        root.addHandler(self.file)

    def stop(self) -> None:
        logging.getLogger().removeHandler(self.file)
        self.file.close()
        for handler, quiet in self._quieted:
            handler.removeFilter(quiet)
        for logger, level in self._lowered:
            logger.setLevel(level)
        self._quieted, self._lowered = [], []


class _AtLeast(logging.Filter):
    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level


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
