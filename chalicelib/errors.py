"""One exception tree for the pipeline.

Every error a user can cause or fix is a `PipelineError`: its message says what was wrong, where, and
(when we know) how to fix it. Handlers map these to HTTP responses or to a failed stage; anything that
is not a `PipelineError` is a bug or a transient fault and is retried.
"""

from __future__ import annotations

import errno


class PipelineError(Exception):
    """Base of every error the pipeline reports to a user."""

    http_status = 500


class ConfigError(PipelineError):
    """Settings or a site's presslift.toml are missing or invalid."""

    http_status = 400


class InputError(PipelineError):
    """A user's input (an export, a payload, a request) is malformed."""

    http_status = 400


class ConversionError(InputError):
    """A WordPress export cannot be converted.

    `line` is the 1-based line of the export where the problem was found, when known.
    """

    def __init__(self, message: str, *, line: int | None = None, source: str | None = None) -> None:
        self.line = line
        self.source = source
        where = ""
        if source and line:
            where = f"{source}, line {line}: "
        elif source:
            where = f"{source}: "
        elif line:
            where = f"line {line}: "
        super().__init__(f"{where}{message}")
        self.reason = message


class DiskFullError(InputError):
    """The input needs more disk than the function's /tmp has (ENOSPC).

    An input error, not a fault: the same input fills the same disk again, so retrying cannot help.
    """


def is_disk_full(error: BaseException) -> bool:
    """Whether `error` is the operating system's "no space left on device" (errno 28)."""
    return isinstance(error, OSError) and error.errno == errno.ENOSPC


class BuildError(PipelineError):
    """Hugo failed, timed out, or is missing; `log_tail` carries Hugo's error lines."""

    def __init__(self, message: str, *, log_tail: str = "") -> None:
        super().__init__(message)
        self.log_tail = log_tail


class PublishError(PipelineError):
    """Publishing an artifact to a target was refused or failed."""


class NotFoundError(PipelineError):
    """A run, site, approval or artifact does not exist."""

    http_status = 404


class ConflictError(PipelineError):
    """The request conflicts with the current state (already decided, superseded, ...)."""

    http_status = 409


class UnauthorizedError(PipelineError):
    """A signature or token is missing or wrong."""

    http_status = 401


class ForbiddenError(PipelineError):
    """The caller is known but may not do this (an expired approval, for instance)."""

    http_status = 403


class SearchSyncError(PublishError):
    """Syncing a stage's search records to its Algolia index failed; the message names the index and
    the step, never a key. A re-run converges: the sync diffs against whatever the index holds."""
