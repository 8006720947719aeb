"""The mount function's side: carry out one `MountJob` on the EFS mount and answer a `MountReply`.

Only file work on the mount and one GET of the bundle's URL; never an AWS client call, a setting
(but the mount's path) or a secret. A `PipelineError` becomes a failed reply naming its class, so the
stage outside raises the same error; anything else is a fault of the function (Lambda reports it).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from chalicelib import resources
from chalicelib.artifacts import unpack
from chalicelib.codedrop import AppTree, drop_release, plan_release, releases, rollback
from chalicelib.codemount.job import MountJob, MountReply
from chalicelib.errors import InputError, PipelineError
from chalicelib.manifest import Manifest

_CHUNK = 1024 * 1024


def mount_path() -> Path:
    """The mount's path: the function's one setting (the template's FileSystemConfigs put it there)."""
    return Path(os.environ.get(resources.EFS_MOUNT.name) or resources.EFS_MOUNT.default)


def handle(event: dict[str, Any]) -> dict[str, Any]:
    """The Lambda handler's body: the event is a `MountJob`, the answer a `MountReply` as JSON data."""
    import json

    try:
        job = MountJob.from_json(json.dumps(event))
    except (ValueError, KeyError, TypeError) as exc:
        reply = MountReply(ok=False, error=f"not a mount job: {exc}", error_kind="InputError")
    else:
        reply = run_job(job, mount_path())
    result: dict[str, Any] = json.loads(reply.to_json())
    return result


def run_job(job: MountJob, mount: Path) -> MountReply:
    """Carry out `job` on `mount`; a refused or failed operation is a failed reply saying why."""
    if not mount.is_dir():
        missing = f"the code-drop mount {mount} is not there"
        return MountReply(ok=False, error=missing, error_kind="ConfigError")
    try:
        if job.action == "releases":
            found = releases(mount, job.target, job.app)
            return MountReply(ok=True, releases=tuple((r.run_id, r.current) for r in found))
        if job.action == "rollback":
            result = rollback(mount, job.target, job.app, job.release or None)
            return MountReply(ok=True, result=result.summary())
        return _drop(job, mount)
    except PipelineError as exc:
        return MountReply(ok=False, error=str(exc), error_kind=type(exc).__name__)
    except OSError as exc:  # the bundle's GET: passing, so the stage retries (see invoke.MountFault)
        return MountReply(ok=False, error=f"the mount function could not fetch the bundle: {exc}")


def _drop(job: MountJob, mount: Path) -> MountReply:
    """Plan against the release current on the mount now (the stage planned from its own view), fetch
    the bundle, write the release and switch `current` to it."""
    try:
        manifest = Manifest.from_json(job.manifest)
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"the mount job for {job.app} on {job.target} carries no manifest: {exc}") from exc
    tree = AppTree(mount, job.target, job.app)
    current_run = tree.current_run()
    current = tree.manifest(current_run) if current_run is not None else None
    plan = plan_release(manifest.run_id, manifest, current, current_run)
    with tempfile.TemporaryDirectory(prefix="presslift-mount-") as tmp:
        archive, bundle = Path(tmp) / "bundle.tar.gz", Path(tmp) / "bundle"
        _get(job.bundle_url, archive)
        unpack(archive, bundle)
        archive.unlink()
        result = drop_release(
            mount,
            job.target,
            job.app,
            manifest.run_id,
            bundle,
            manifest,
            keep=job.keep,
            force=job.force,
            plan=plan,
        )
    return MountReply(ok=True, result=result.summary(), current_run=current_run)


def _get(url: str, into: Path) -> None:
    if not url.startswith(("https://", "http://", "file://")):
        raise InputError(f"the bundle's URL must be http(s) or file, not {url[:40]!r}")
    with urllib.request.urlopen(url, timeout=60) as response, into.open("wb") as out:
        shutil.copyfileobj(response, out, _CHUNK)
