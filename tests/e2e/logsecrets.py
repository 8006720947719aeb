"""No secret in any log of the end-to-end suite: every record the tests' processes log, and every line
of the local cloud's function log file, is checked against the secrets the suite made or read.

The secrets, by name (a failure names the secret, never shows it): the GitHub token the local cloud
hands the pipeline, each site's webhook secret (`register`), each approval token emailed, and every
value the pipeline read from SSM (`chalicelib.logs.registered_secrets`: the Algolia admin key, ...).
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from urllib.parse import unquote

from chalicelib.logs import FIELDS, TextFormatter, prepare, registered_secrets, shows

_TOKEN = re.compile(r"[?&]token=([^&#\s]+)")

_known: dict[str, str] = {}  # value -> name
_lock = threading.Lock()


def remember(name: str, value: str | None) -> None:
    """`value` must never be logged; `name` is how a failure calls it."""
    if value:
        with _lock:
            _known.setdefault(value, name)


def remember_approval_tokens(links: list[str]) -> None:
    for link in links:
        for token in _TOKEN.findall(link):
            remember("an emailed approval token", unquote(token))


_read_by_e2e: set[str] = set()  # values the pipeline read from SSM while an end-to-end test ran


def note_reads(before: frozenset[str]) -> None:
    """Keep the SSM values registered since `before` (taken when an end-to-end test began): values
    other tests of this process registered ("one", "two": their own parameters) are not this suite's
    secrets, and any log line may hold such words."""
    with _lock:
        _read_by_e2e.update(registered_secrets() - before)


def known() -> dict[str, str]:
    with _lock:
        found = dict(_known)
        read = set(_read_by_e2e)
    for value in read:
        found.setdefault(value, "a secret the pipeline read from SSM")
    return found


class LogCapture(logging.Handler):
    """Keeps every record as the local cloud's text line shows it (redacted), with its context."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.setFormatter(TextFormatter())
        self.lines: list[tuple[str, dict[str, str | int]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        prepare(record)
        context = dict(getattr(record, "presslift_context", None) or {})
        self.lines.append((self.format(record), {k: context[k] for k in FIELDS if k in context}))


def leaks_in(lines: list[str], where: str) -> list[str]:
    """One message per secret found in `lines`: its name and where it was (never the value)."""
    secrets = known()
    found = []
    for number, line in enumerate(lines, 1):
        for value, name in secrets.items():
            if shows(line, value):
                found.append(f"{name} appeared in {where}, line {number}")
    return found


def file_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []
