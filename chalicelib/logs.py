"""Structured logs: every line carries the run it belongs to, and no secret ever reaches one.

`setup()` (app.py calls it at import) makes the root logger write one JSON object per line on Lambda
(timestamp, level, logger, message, and the run id, site, stage and attempt of the message being
handled), and, where nothing else has configured logging, one readable line with the same fields
locally. The fields come from `log_context(run_id=..., site=..., stage=..., attempt=...)`, a
contextvars scope that `batch.py` opens around each SQS message and that nests (a stage adds
`stage=`). Every record, whatever handler prints it, passes `redact()`: values registered with
`register_secret()` (each SSM read does it, see secrets.py) and anything shaped like a GitHub token,
an AWS secret access key, an Authorization header or a password in a URL become "[redacted]", in the
message, its arguments and its traceback.

Never: print a secret, raise from a log call, or hold the context beyond its `with` block.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

REDACTED = "[redacted]"
#: The context fields, in the order lines show them.
FIELDS = ("run_id", "site", "stage", "attempt")
#: Registered values shorter than this are redacted only where they stand alone (between non-word
#: characters), so a short secret does not blank every word that contains it.
MIN_SECRET_LENGTH = 6
_LAMBDA = "AWS_LAMBDA_FUNCTION_NAME"

_context: ContextVar[dict[str, str | int]] = ContextVar("presslift_log_context", default={})  # noqa: B039
_secrets: set[str] = set()
_secrets_lock = threading.Lock()

#: GitHub tokens: classic (ghp_, gho_, ghu_, ghs_, ghr_) and fine-grained (github_pat_).
_GITHUB_TOKEN = re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b")
#: A 40-character AWS secret access key: base64 letters with upper and lower case (a Git commit id is
#: 40 lower-case hex characters and is kept).
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_AUTHORIZATION = re.compile(
    r"(?i)(\bauthorization\b[\"']?\s*[:=]\s*[\"']?(?:bearer|token|basic)?\s*)[^\s\"',]+"
)
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^/\s@]+@", re.IGNORECASE)


def _aws_secret(match: re.Match[str]) -> str:
    text = match.group(0)
    looks_like_key = any(c.isupper() for c in text) and any(c.islower() for c in text)
    return REDACTED if looks_like_key and any(c.isdigit() or c in "/+" for c in text) else text


def register_secret(value: str | None) -> None:
    """Redact `value` from every log line of this process from now on (None or "" is ignored)."""
    if not value:
        return
    if not isinstance(value, str):
        raise TypeError(f"a secret to redact must be a string, not {type(value).__name__}")
    with _secrets_lock:
        _secrets.add(value)


def registered_secrets() -> frozenset[str]:
    """The values registered so far (tests check that none reached a log)."""
    with _secrets_lock:
        return frozenset(_secrets)


def forget_secrets() -> None:
    """Drop every registered value (tests)."""
    with _secrets_lock:
        _secrets.clear()


def redact(text: str) -> str:
    """`text` with registered secrets and token-shaped values replaced by "[redacted]"."""
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)  # a longer secret first, if one contains another
    for secret in known:
        if shows(text, secret):
            text = _where(secret).sub(REDACTED, text)
    text = _GITHUB_TOKEN.sub(REDACTED, text)
    text = _AUTHORIZATION.sub(lambda m: m.group(1) + REDACTED, text)
    text = _URL_PASSWORD.sub(lambda m: m.group(1) + REDACTED + "@", text)
    return _AWS_SECRET.sub(_aws_secret, text)


def shows(text: str, secret: str) -> bool:
    """Whether `text` shows `secret` as `redact` would hide it: anywhere when it is long, only as a
    word of its own when short (a short value inside a longer word is not that value)."""
    return secret in text and bool(_where(secret).search(text))


def _where(secret: str) -> re.Pattern[str]:
    if len(secret) >= MIN_SECRET_LENGTH:
        return re.compile(re.escape(secret))
    return re.compile(rf"(?<!\w){re.escape(secret)}(?!\w)")


@contextmanager
def log_context(**fields: str | int | None) -> Iterator[None]:
    """Every log line inside the block carries these fields (None leaves a field as it was)."""
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise ValueError(f"log_context takes {', '.join(FIELDS)}, not {', '.join(unknown)}")
    token = _context.set({**_context.get(), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> dict[str, str | int]:
    return dict(_context.get())


class RedactingFilter(logging.Filter):
    """Renders the record's message with its arguments, redacted, and adds the context fields.

    The traceback is formatted and redacted here too (formatters reuse `exc_text`), so a secret in an
    exception's message is gone whichever handler prints the record. Always lets the record through.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        prepare(record)
        return True


def prepare(record: logging.LogRecord) -> logging.LogRecord:
    if getattr(record, "_presslift_prepared", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: logging reports it; keep the template, drop the arguments
        message = str(record.msg)
    record.msg, record.args = redact(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    # One attribute of our own, not one per field: a caller's `extra={"site": ...}` must not clash.
    record.presslift_context = dict(_context.get())
    record._presslift_prepared = True
    return record


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    context = getattr(record, "presslift_context", None) or {}
    return {name: context[name] for name in FIELDS if context.get(name) is not None}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp (UTC, ms), level, logger, message, context, exception."""

    def format(self, record: logging.LogRecord) -> str:
        prepare(record)
        line: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """One readable line: time, level, logger, [run=... site=... stage=... attempt=...] message."""

    def format(self, record: logging.LogRecord) -> str:
        prepare(record)
        when = datetime.fromtimestamp(record.created, UTC).strftime("%H:%M:%S")
        fields = _fields(record)
        shown = " ".join(f"{'run' if k == 'run_id' else k}={v}" for k, v in fields.items())
        context = f" [{shown}]" if shown else ""
        line = f"{when} {record.levelname} {record.name}{context}: {record.getMessage()}"
        if record.exc_text:
            line += "\n" + record.exc_text
        return line


_HANDLER_MARK = "_presslift_logs"
_factory_installed = False


def _install_record_factory() -> None:
    """Every record of the process is prepared when made, so handlers set up by others (the CLI's,
    pytest's) print it redacted and with its context too."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return prepare(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _factory_installed = True


def setup(*, level: int = logging.INFO, stream: TextIO | None = None, on_lambda: bool | None = None) -> None:
    """Structured, redacted logging for the process; safe to call more than once.

    On Lambda the root logger's handlers (the runtime's own tab-separated one) are replaced by one
    JSON handler; elsewhere a text handler is added only if nothing has configured logging yet.
    """
    _install_record_factory()
    root = logging.getLogger()
    lambda_ = bool(os.environ.get(_LAMBDA)) if on_lambda is None else on_lambda
    ours = [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]
    if lambda_:
        for handler in list(root.handlers):
            root.removeHandler(handler)
    elif root.handlers and not ours:
        return
    for handler in ours:
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream if stream is not None else sys.stdout if lambda_ else sys.stderr)
    handler.setFormatter(JsonFormatter() if lambda_ else TextFormatter())
    handler.addFilter(RedactingFilter())
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel(level)
