"""Removing a registered site (`presslift site remove`): plan, then apply.

The plan says what goes: the registration and its claims, the webhook secret, and, only when asked,
the files the site published on each stage (every object under its target prefix, then an invalidation
of that prefix). It lists nothing it would not remove. Applying removes the registration first, so no
push builds the site again while its files go; a code site's releases live on EFS, which only the code
drop function can reach, so they are named and left.

Never: remove anything outside the site's own prefixes, or a prefix another site also publishes under
(claims forbid that), or the bucket root of a bucket the site does not own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from chalicelib.errors import ConflictError, InputError
from chalicelib.resources import SITE_STAGES
from chalicelib.secrets import webhook_secret_name
from chalicelib.services import Services
from chalicelib.sitemodel import Site, placement

#: S3 DeleteObjects takes at most this many keys per request.
DELETE_BATCH = 1000


@dataclass(frozen=True)
class PublishedFiles:
    """What one stage of the site published: every object under its prefix."""

    stage: str
    bucket: str
    prefix: str
    distribution: str | None
    keys: tuple[str, ...]


@dataclass(frozen=True)
class RemovalPlan:
    site: Site
    secret: str
    files: list[PublishedFiles] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # what stays, and why

    def describe(self) -> str:
        lines = [
            f"Remove site {self.site.name}:",
            "  its registration (pushes to "
            f"{self.site.repo or 'nothing'} build nothing from now on) and its target and app claims",
            f"  its webhook secret ({self.secret})",
        ]
        for stage in self.files:
            where = f"s3://{stage.bucket}/{stage.prefix}"
            cdn = f", then invalidate /{stage.prefix}* on {stage.distribution}" if stage.distribution else ""
            lines.append(f"  {stage.stage}: delete {len(stage.keys)} published object(s) under {where}{cdn}")
        lines += [f"  keeps: {why}" for why in self.left]
        return "\n".join(lines)


def plan_removal(svc: Services, name: str, *, delete_files: bool) -> RemovalPlan:
    """What removing `name` would do; NotFoundError for an unknown site, ConflictError while it runs."""
    site = svc.sites.get(name)
    # A run awaiting approval is in progress too: approved after the site was removed, it deployed
    # to prod for a site that no longer existed.
    open_runs = list(svc.runs.open_runs(site=name))
    running = [run.id for run in open_runs if run.status == "running"]
    if running:
        raise ConflictError(
            f"site {name} has a run in progress ({', '.join(running)}): wait for it to end, then remove"
        )
    if waiting := [run.id for run in open_runs]:
        raise ConflictError(
            f"site {name} has a run awaiting approval ({', '.join(waiting)}): reject it "
            f"(presslift reject {waiting[0]}), then remove"
        )
    left = ["its runs and their artifacts (the history stays readable)"]
    files: list[PublishedFiles] = []
    if site.kind == "code":
        if delete_files:
            raise InputError(
                f"site {name} is a code site: its releases are on EFS under app {site.app!r}, which only "
                "the code drop function reaches; remove without --delete-files and clear the app there"
            )
        left.append(f"its releases on EFS (app {site.app})")
    elif delete_files:
        files = [_published(svc, site, stage) for stage in SITE_STAGES]
    else:
        left.append(
            "its published files on " + ", ".join(SITE_STAGES) + " (pass --delete-files to delete them)"
        )
    return RemovalPlan(site, webhook_secret_name(name), files, left)


def _published(svc: Services, site: Site, stage: str) -> PublishedFiles:
    place = placement(site, stage)
    bucket = place.bucket or svc.settings.site_buckets[stage]
    if not place.prefix and not place.own_bucket:
        raise InputError(f"site {site.name} publishes {stage} at the root of a bucket it does not own")
    pages = svc.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=place.prefix)
    keys = tuple(obj["Key"] for page in pages for obj in page.get("Contents", []))
    distribution = place.distribution or svc.settings.distributions.get(stage) or None
    return PublishedFiles(stage, bucket, place.prefix, distribution, keys)


def apply_removal(svc: Services, plan: RemovalPlan) -> dict[str, Any]:
    """Carry out `plan`; what was removed. The registration goes first (nothing builds it again)."""
    svc.sites.remove(plan.site.name)
    secret_existed = svc.secrets.delete(plan.secret)
    deleted: dict[str, int] = {}
    for stage in plan.files:
        deleted[stage.stage] = _delete(svc, stage)
        if stage.distribution and stage.keys:
            svc.cloudfront.create_invalidation(
                DistributionId=stage.distribution,
                InvalidationBatch={
                    "Paths": {"Quantity": 1, "Items": [f"/{stage.prefix}*"]},
                    "CallerReference": f"presslift-remove-{plan.site.name}-{stage.stage}-{time.time_ns()}",
                },
            )
    return {"site": plan.site.name, "secret_removed": secret_existed, "deleted": deleted}


def _delete(svc: Services, stage: PublishedFiles) -> int:
    failed: list[str] = []
    for start in range(0, len(stage.keys), DELETE_BATCH):
        batch = [{"Key": key} for key in stage.keys[start : start + DELETE_BATCH]]
        answer = svc.s3.delete_objects(Bucket=stage.bucket, Delete={"Objects": batch, "Quiet": True})
        failed += [f"{error['Key']} ({error.get('Code')})" for error in answer.get("Errors", [])]
    if failed:
        raise ConflictError(
            f"{len(failed)} object(s) of {stage.stage} could not be deleted, e.g. {failed[0]}; the site is "
            f"unregistered: delete the rest with `aws s3 rm s3://{stage.bucket}/{stage.prefix} --recursive`"
        )
    return len(stage.keys)
