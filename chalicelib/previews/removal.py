"""Removing a preview (its pull request closed, its branch deleted, or idle too long): plan, then apply.

The plan lists the preview's folder on the staging target (every object under `<staging prefix><path>`)
and names the publish state kept for that folder under `.presslift/` (the record of its last publish
and the marker of a publish under way): pure data, nothing changed. Applying marks the record
`removed` first, so a build of the preview that is still running publishes nothing afterwards (only a
live record's newest run may publish it), then deletes what the plan lists, in DeleteObjects batches
of 1,000, and invalidates the folder on the staging distribution when one is in front of it.

Previews never sync to Algolia (their search is the static index built into the folder), so there are
no search records to delete: the folder is all a preview leaves.

Removing is idempotent: a preview already removed, or whose folder is empty, is removed again without
harm, and the result says so.

Never: delete anything outside the preview's own folder and its two state keys: a target whose prefix
does not end in a preview's path is refused before anything is listed (`previews/pr-1/` is not a
prefix of `previews/pr-12/`, as every path ends with a slash).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.errors import InputError, NotFoundError, PublishError
from chalicelib.previews.naming import check_path, preview_target
from chalicelib.previews.registry import Preview, timestamp
from chalicelib.publish import bucket
from chalicelib.publish.cloudfront import invalidate
from chalicelib.publish.invalidation import url_paths_for_key
from chalicelib.publish.target import PublishTarget
from chalicelib.runview import plural
from chalicelib.services import Services
from chalicelib.sitemodel import Site
from chalicelib.units import human_size


@dataclass(frozen=True)
class RemovalPlan:
    """What removing a preview's folder deletes: its objects, and the publish state kept for it."""

    target: PublishTarget
    keys: tuple[str, ...]
    bytes: int
    state_keys: tuple[str, str]  # the folder's publish record and its "publish under way" marker

    @property
    def path(self) -> str:
        return preview_path(self.target)

    def describe(self) -> str:
        where = self.target.where(self.target.prefix)
        what = f"{plural(len(self.keys), 'object')} ({human_size(self.bytes)})" if self.keys else "nothing"
        return f"delete {what} under {where}, and its publish record {self.state_keys[0]}"


@dataclass(frozen=True)
class Removed:
    """What removing one preview did."""

    site: str
    path: str
    reason: str
    where: str  # s3://bucket/prefix
    objects: int
    bytes: int
    already_removed: bool  # the record said `removed` before this removal
    distribution: str | None
    invalidated: tuple[str, ...]  # the CloudFront paths invalidated (none when nothing was deleted)
    invalidation_error: str = ""  # why CloudFront was not invalidated although files were deleted

    @property
    def summary(self) -> str:
        """`removed previews/pr-12/: 41 objects (1.2 MB) deleted; CloudFront invalidated`."""
        if not self.objects and self.already_removed:
            return f"{self.path} was already removed: no objects to delete"
        if not self.objects:
            return f"removed {self.path}: no objects to delete"
        line = f"removed {self.path}: {plural(self.objects, 'object')} ({human_size(self.bytes)}) deleted"
        if self.invalidation_error:
            return f"{line}; CloudFront not invalidated ({self.invalidation_error})"
        return f"{line}; CloudFront invalidated" if self.invalidated else line

    def detail(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "path": self.path,
            "reason": self.reason,
            "where": self.where,
            "objects": self.objects,
            "bytes": self.bytes,
            "already_removed": self.already_removed,
            "distribution": self.distribution,
            "invalidated": list(self.invalidated),
            "invalidation_error": self.invalidation_error,
            "summary": self.summary,
        }


def preview_path(target: PublishTarget) -> str:
    """The preview path a target's prefix ends with (`previews/pr-12/`); InputError when it ends with
    none: such a target is a site's own folder, or a bucket's root, and removal must never touch it."""
    parts = target.prefix.rstrip("/").split("/")
    return check_path("/".join(parts[-2:]) + "/")


def plan_removal(s3: Any, target: PublishTarget) -> RemovalPlan:
    """What removing the preview published at `target` would delete (one listing; changes nothing)."""
    preview_path(target)
    listed = bucket.list_objects(s3, target)
    return RemovalPlan(
        target=target,
        keys=tuple(obj.key for obj in listed),
        bytes=sum(obj.size for obj in listed),
        state_keys=(target.record_key, target.applying_key),
    )


def apply_removal(svc: Services, site: Site, preview: Preview, reason: str) -> Removed:
    """Remove `preview` of `site`: its record says `removed` (with `reason`), its folder is emptied and
    its publish state deleted, and the staging distribution forgets the folder. PublishError when S3
    refuses a delete (the record already says removed: removing again finishes the job)."""
    if preview.site != site.name:
        raise InputError(f"preview {preview.path} is of site {preview.site}, not {site.name}")
    target = preview_target(svc, site, preview.path)
    plan = plan_removal(svc.s3, target)
    before = _mark_removed(svc, preview, reason)
    bucket.delete(svc.s3, target, [*plan.keys, *plan.state_keys])
    paths: tuple[str, ...] = ()
    failed = ""
    if plan.keys and target.distribution_id:
        paths = tuple(path + "*" for path in url_paths_for_key(target.prefix, target.origin_path))
        try:
            if paths:
                reference = f"presslift-preview-{site.name}-{preview.path}-{time.time_ns()}"
                invalidate(svc.cloudfront, target.distribution_id, paths, reference)
        except PublishError as exc:
            failed, paths = str(exc), ()
    return Removed(
        site=site.name,
        path=preview.path,
        reason=reason,
        where=target.where(target.prefix),
        objects=len(plan.keys),
        bytes=plan.bytes,
        already_removed=before.status == "removed",
        distribution=target.distribution_id,
        invalidated=paths,
        invalidation_error=failed,
    )


def _mark_removed(svc: Services, preview: Preview, reason: str) -> Preview:
    """The record as it was before it was marked removed; a removed record keeps its first reason."""
    seen: list[Preview] = []

    def remove(current: Preview) -> Preview | None:
        seen[:] = [current]
        if current.status == "removed":
            return None
        return replace(current, status="removed", reason=reason, updated_at=timestamp(svc.clock()))

    try:
        svc.previews.update(preview.site, preview.path, remove)
    except NotFoundError:  # never recorded (a removal the run flow asks before its first save)
        svc.previews.save(
            replace(preview, status="removed", reason=reason, updated_at=timestamp(svc.clock()))
        )
        return preview
    return seen[0]
