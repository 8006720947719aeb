"""How the code-drop stage hands a job to the mount function: the function itself (Lambda's Invoke
API, synchronously, never retried), or, where the stack names none (the local cloud's in-process
mode and tests), the same work in this process on the local mount folder.

The stage's side only: it passes the job and nothing else, and trusts the answer no further than
parsing it; an error the mount function reports is raised here as the same `chalicelib.errors` class.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from chalicelib import errors
from chalicelib.codemount.job import MountJob, MountReply
from chalicelib.errors import PipelineError, PublishError


class Mount(Protocol):
    #: Whether the mount function reads files on this stage's disk (`file://` URLs) or needs presigned.
    shares_disk: bool

    def run(self, job: MountJob) -> MountReply: ...


class InProcessMount:
    """The mount work in this process, on `mount` (the local cloud's .presslift/efs folder)."""

    shares_disk = True

    def __init__(self, mount: Path) -> None:
        self.mount = mount

    def run(self, job: MountJob) -> MountReply:
        from chalicelib.codemount.work import run_job

        self.mount.mkdir(parents=True, exist_ok=True)  # Lambda mounts it; here it is a folder we own
        # Through JSON both ways, as the function gets and answers it.
        return parse(run_job(MountJob.from_json(job.to_json()), self.mount).to_json())


class MountFunction:
    """The mount function, invoked synchronously with the job as its payload."""

    shares_disk = False

    def __init__(self, function_name: str, client_factory: Callable[[str], Any]) -> None:
        self.function_name = function_name
        self._client_factory = client_factory

    def run(self, job: MountJob) -> MountReply:
        reply = self._client_factory("lambda").invoke(
            FunctionName=self.function_name,
            InvocationType="RequestResponse",
            Payload=job.to_json().encode(),
        )
        payload = reply["Payload"].read()
        if reply.get("FunctionError"):
            raise PublishError(
                f"the code-drop mount function failed ({reply['FunctionError']}): {_error_message(payload)}"
            )
        return parse(payload)


def _error_message(payload: bytes) -> str:
    try:
        return str(json.loads(payload).get("errorMessage", ""))[:500]
    except (ValueError, AttributeError):
        return payload[:500].decode("utf-8", "replace")


def parse(payload: str | bytes) -> MountReply:
    try:
        return MountReply.from_json(payload)
    except (ValueError, TypeError, KeyError) as exc:
        raise PublishError(f"the code-drop mount function answered no reply: {exc}") from exc


class MountFault(RuntimeError):
    """The mount function could not do its work for a passing reason (the bundle's GET failed): not a
    `PipelineError`, so the message is retried."""


def checked(reply: MountReply) -> MountReply:
    """`reply` when it succeeded; else its error, raised as the class the mount function raised."""
    if reply.ok:
        return reply
    kind = getattr(errors, reply.error_kind, None)
    if isinstance(kind, type) and issubclass(kind, PipelineError):
        raise kind(reply.error)
    raise MountFault(reply.error or "the code-drop mount function failed")


def mount_for(function_name: str, mount: Path, client_factory: Callable[[str], Any]) -> Mount:
    """The mount function when the stack names one, else the work in this process."""
    if function_name:
        return MountFunction(function_name, client_factory)
    return InProcessMount(mount)
