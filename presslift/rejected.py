"""`presslift imports`: what waits in the ingest bucket and what was rejected, with the reason.

An export that failed to convert, or an object that is no export (a `.txt` under imports/, a file at
the bucket root), waits in imports-failed/ with `<key>.error.txt` beside it. This lists both halves
of the bucket so an operator sees every file they dropped and what became of it, including the ones
no run can show (their key names no site).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from chalicelib.ingest import FAILED, IMPORTS
from chalicelib.services import Services

ERROR_SUFFIX = ".error.txt"
#: How much of a reason file is read (they are one line; a hand-made one could be anything).
REASON_BYTES = 2000


@dataclass(frozen=True)
class Dropped:
    key: str
    size: int
    #: When it arrived, as S3 says it (the pipeline's clients keep timestamps as S3's text).
    modified: str
    #: Why it was rejected (imports-failed/), or "" for a file still under imports/.
    reason: str = ""
    #: The run that imported a file still under imports/ ("" while none has): exports stay there.
    run: str = ""
    run_status: str = ""


def _objects(s3: Any, bucket: str, prefix: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        found.extend(page.get("Contents", []))
    return found


def _reason(s3: Any, bucket: str, key: str) -> str:
    try:
        body = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{REASON_BYTES - 1}")["Body"].read()
    except s3.exceptions.ClientError:
        return "(no reason recorded)"
    return " ".join(body.decode("utf-8", "replace").split())


def waiting(svc: Services) -> list[Dropped]:
    """What is under imports/ now (uploads archives waiting for their export, exports in progress,
    and exports imported already, each with the run that imported it: listed alike, four exports long
    converted read as four waiting)."""
    bucket = svc.settings.ingest_bucket
    found = [
        Dropped(item["Key"], int(item.get("Size", 0)), str(item["LastModified"]))
        for item in _objects(svc.s3, bucket, IMPORTS)
        if not item["Key"].endswith("/")
    ]
    by_key: dict[str, tuple[str, str]] = {}
    for site in {item.key.split("/")[1] for item in found if item.key.count("/") >= 2}:
        for run in svc.runs.list(site=site, limit=200):
            trigger = run.trigger
            if trigger.type == "import" and trigger.bucket == bucket and trigger.key:
                by_key.setdefault(trigger.key, (run.id, run.status.replace("_", " ")))
    taken = []
    for item in found:
        run_id, status = by_key.get(item.key, ("", ""))
        taken.append(replace(item, run=run_id, run_status=status))
    return taken


def rejected(svc: Services) -> list[Dropped]:
    """What waits in imports-failed/, newest first, each with the reason written beside it."""
    bucket = svc.settings.ingest_bucket
    items = _objects(svc.s3, bucket, FAILED)
    keys = {item["Key"] for item in items}
    found = [
        Dropped(
            item["Key"],
            int(item.get("Size", 0)),
            str(item["LastModified"]),
            _reason(svc.s3, bucket, item["Key"] + ERROR_SUFFIX)
            if item["Key"] + ERROR_SUFFIX in keys
            else "(no reason recorded)",
        )
        for item in items
        if not item["Key"].endswith(ERROR_SUFFIX) and not item["Key"].endswith("/")
    ]
    return sorted(found, key=lambda dropped: dropped.modified, reverse=True)
