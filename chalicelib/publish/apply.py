"""Apply a publish plan: ordered, bounded-concurrency uploads, deletes last, the record, the invalidation.

The order is what keeps a live site whole while it changes: a marker that the prefix is being changed,
assets, then pages, then the home page, sitemap and feeds; deletes only after every upload succeeded;
the publish record and the CDN invalidation last, then the marker goes. A run that stops midway leaves
the old pages pointing at assets that still exist, and the marker makes the next run list the bucket
instead of trusting the record, so it converges whatever it publishes. The diff itself is plan.py's
(pure), and what it compares with is basis.py's: this module reads the bucket for them and carries the
plan out, and never writes past a refusal. A plan read earlier (without the tree, say for an approval)
is `recheck`ed against the bucket before `apply_reading` carries it out.
"""

from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import wait
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from chalicelib.errors import PublishError
from chalicelib.manifest import Manifest
from chalicelib.pool import ContextPool
from chalicelib.publish import bucket, cloudfront
from chalicelib.publish.basis import Basis, after_spot_check, choose_basis
from chalicelib.publish.bucket import S3Client
from chalicelib.publish.cloudfront import CloudFrontClient
from chalicelib.publish.direct import DirectPuts
from chalicelib.publish.plan import PublishPlan, Upload, UploadReason, plan_publish
from chalicelib.publish.remote import PublishRecord, RecordEntry, RemoteObject, merge_record
from chalicelib.publish.spotcheck import SpotCheck, compare, keys_to_check, needed_paths
from chalicelib.publish.target import PublishOptions, PublishTarget
from chalicelib.publish.treefiles import TreeFiles, files_of


@dataclass(frozen=True)
class PublishResult:
    """What a publish did, next to the plan's summary; `to_dict()` is what run records store."""

    summary: dict[str, Any]
    dry_run: bool
    uploaded: int = 0
    uploaded_bytes: int = 0
    deleted: int = 0
    invalidation_id: str | None = None
    invalidation_status: str | None = None
    seconds: float = 0.0
    plan: PublishPlan | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("plan")
        return data


def current_plan(
    s3: S3Client,
    manifest: Manifest,
    target: PublishTarget,
    options: PublishOptions,
    tree: Path | TreeFiles | None = None,
) -> PublishPlan:
    """The plan for publishing `manifest` to `target` now (reads the bucket, writes nothing); with the
    built `tree`, the spot check also covers what its home page links."""
    return read_bucket(s3, manifest, target, options, tree).plan


@dataclass(frozen=True)
class BucketReading:
    """A plan and what it was read from: `recheck` compares a later reading with it."""

    plan: PublishPlan
    record: PublishRecord | None
    basis: Basis
    read_at: float
    unfinished: bool  # a marker of an earlier publish that never finished is in the bucket


def read_bucket(
    s3: S3Client,
    manifest: Manifest,
    target: PublishTarget,
    options: PublishOptions,
    tree: Path | TreeFiles | None,
) -> BucketReading:
    """Plan from the record when it can stand in for the bucket and a spot check agrees; else list,
    trusting the record where it still holds, and HEAD only what stays unknown."""
    read_at = time.time()
    record, marked = _read_state(s3, target)
    basis = choose_basis(record, marked, options, read_at)
    if not basis.listing and record is not None:
        basis = after_spot_check(basis, _spot_check(s3, manifest, target, record, options, tree))
        if not basis.listing:
            plan = plan_publish(manifest, record.objects(), target, options)
            return BucketReading(replace(plan, basis=basis.describe()), record, basis, read_at, marked)
    expected = [target.key_for(entry.path) for entry in manifest.files]
    listing = bucket.list_objects(s3, target, expected, workers_for(s3, options))
    remote = merge_record(listing, record.entries if record is not None else {})
    plan = plan_publish(manifest, remote, target, options)
    live = {obj.key: obj for obj in remote}
    unknown = [
        live[upload.key]
        for upload in plan.uploads
        if _unknown_but_maybe_same(upload.reason, live.get(upload.key))
    ]
    if unknown:
        looked = bucket.look_at(s3, target, unknown, workers_for(s3, options))
        plan = plan_publish(manifest, [looked.get(obj.key, obj) for obj in remote], target, options)
    return BucketReading(replace(plan, basis=basis.describe()), record, basis, read_at, marked)


def _read_state(s3: S3Client, target: PublishTarget) -> tuple[PublishRecord | None, bool]:
    """The publish record, and whether a marker says a publish to the prefix is unfinished."""
    with ContextPool(max_workers=1) as pool:
        # The record and the marker are independent reads: overlapping them saves a round trip.
        unfinished = pool.submit(bucket.publish_unfinished, s3, target)
        record = bucket.read_record(s3, target)
        return record, unfinished.result()


def _spot_check(
    s3: S3Client,
    manifest: Manifest,
    target: PublishTarget,
    record: PublishRecord,
    options: PublishOptions,
    tree: Path | TreeFiles | None,
    *,
    home_only: bool = False,
) -> SpotCheck:
    """HEAD what every visit needs and a sample of the rest (spotcheck.py), against the record; with
    `home_only`, only what the home page links beyond that (a plan read without the tree lacked it)."""
    home = files_of(tree).read_bytes("index.html") if tree is not None else None
    home_html = home.decode("utf-8", errors="replace") if home is not None else None
    paths = {entry.path for entry in manifest.files}
    needed = needed_paths(paths, home_html, manifest.base_url)
    sample = options.spot_check_sample
    if home_only:
        checked = set(needed_paths(paths, None, manifest.base_url))
        needed, sample = [path for path in needed if path not in checked], 0
    # Seeded by the run and the target: a retried deploy checks the same objects, prod other ones.
    seed = f"{manifest.run_id} {target.where(target.prefix)}"
    keys = keys_to_check(record.entries, target, needed, sample, seed)
    seen = bucket.head_many(s3, target, keys, workers_for(s3, options))
    return compare(record.entries, target, seen)


def recheck(
    s3: S3Client,
    manifest: Manifest,
    options: PublishOptions,
    planned: BucketReading,
    tree: Path | TreeFiles,
) -> tuple[BucketReading, str]:
    """Whether `planned` still holds now that the built `tree` is at hand: the same `planned` and "",
    or a fresh reading and why the plan was read again.

    The manifest cannot change (one per artifact), so only the target can: its publish record or marker
    changed (another publish, a hand repair), or, for a plan trusted from the record, what the home page
    links (which a plan made without the tree could not know) is not as recorded.
    """
    target = planned.plan.target
    record, marked = _read_state(s3, target)
    reason = ""
    if record != planned.record:
        reason = "the publish record changed since planning"
    elif marked and not planned.unfinished:
        reason = "a publish to this prefix began since planning"
    elif not planned.basis.listing and record is not None:
        check = _spot_check(s3, manifest, target, record, options, tree, home_only=True)
        if not check.passed:
            reason = f"what the home page links is not as recorded: {check.describe()}"
    if not reason:
        return planned, ""
    return read_bucket(s3, manifest, target, options, tree), reason


def publish_tree(
    *,
    s3: S3Client,
    cloudfront: CloudFrontClient | None,
    tree: Path,
    manifest: Manifest,
    target: PublishTarget,
    options: PublishOptions,
    dry_run: bool = False,
) -> PublishResult:
    """Publish a built stage tree to its target; with `dry_run`, only read the bucket and return the plan."""
    started = time.monotonic()
    reading = read_bucket(s3, manifest, target, options, tree)
    if dry_run:
        plan = reading.plan
        return PublishResult(plan.summary(), dry_run=True, seconds=time.monotonic() - started, plan=plan)
    return apply_reading(
        s3=s3, cloudfront=cloudfront, tree=tree, manifest=manifest, options=options, reading=reading
    )


def apply_reading(
    *,
    s3: S3Client,
    cloudfront: CloudFrontClient | None,
    tree: Path | TreeFiles,
    manifest: Manifest,
    options: PublishOptions,
    reading: BucketReading,
) -> PublishResult:
    """Carry out `reading`'s plan with the built `tree` (`recheck` it first when it was read earlier)."""
    started = time.monotonic()
    plan, target = reading.plan, reading.plan.target
    if plan.refusals:
        raise PublishError(
            f"refusing to publish {manifest.site} ({manifest.stage}) to {target.where(target.prefix)}: "
            + "; ".join(plan.refusals)
            + ". Nothing was changed. If this is intended, publish this build again allowing deletes: "
            + f"`presslift publish {manifest.site} {manifest.stage} --run {manifest.run_id} --allow-deletes` "
            + "(`allow_deletes` in the API)"
        )
    files = files_of(tree)
    _check_tree(files, plan)
    if not plan.changes_nothing:
        about = {"site": manifest.site, "run": manifest.run_id, "stage": manifest.stage}
        bucket.mark_unfinished(s3, target, about)
    etags = _upload_in_order(s3, files, plan, options)
    deleted = bucket.delete(s3, target, list(plan.deletes))
    record = _record_after(plan, etags, reading)
    with ContextPool(max_workers=1) as pool:
        # The CDN invalidation does not depend on the record, so the two run side by side; the record
        # is rewritten only when it changes, so an idle re-publish writes nothing at all.
        recording = pool.submit(_record, s3, target, plan, record, reading, options)
        invalidation_id, status = _invalidate(cloudfront, plan, manifest, options)
        recording.result()
    return PublishResult(
        plan.summary(),
        dry_run=False,
        uploaded=len(etags),
        uploaded_bytes=sum(upload.size for upload in plan.uploads),
        deleted=deleted,
        invalidation_id=invalidation_id,
        invalidation_status=status,
        seconds=time.monotonic() - started,
        plan=plan,
    )


def _record(
    s3: S3Client,
    target: PublishTarget,
    plan: PublishPlan,
    record: PublishRecord,
    reading: BucketReading,
    options: PublishOptions,
) -> None:
    """Write the record of what the prefix now holds, then clear the marker (in that order): ours, or
    one an earlier publish left, now that a listing has caught the record up with the bucket."""
    if record != reading.record:
        bucket.write_record(s3, target, record)
    if not plan.changes_nothing or reading.unfinished:
        bucket.mark_finished(s3, target)


def workers_for(s3: S3Client, options: PublishOptions) -> int:
    """The concurrency, capped at the client's connection pool (botocore's default is 10).

    More workers than pooled connections would open and drop a connection per request; create the
    client with `Config(max_pool_connections=options.concurrency)` to get the full concurrency.
    """
    pool = getattr(getattr(getattr(s3, "meta", None), "config", None), "max_pool_connections", None)
    return min(options.concurrency, pool) if isinstance(pool, int) and pool > 0 else options.concurrency


def _unknown_but_maybe_same(reason: UploadReason, live: RemoteObject | None) -> bool:
    if live is None:
        return False
    return (reason is UploadReason.CONTENT and live.md5 is None) or (
        reason is UploadReason.HEADERS and live.headers is None
    )


def _check_tree(files: TreeFiles, plan: PublishPlan) -> None:
    """Refuse before writing anything if the tree does not hold what the manifest promised."""
    for upload in plan.uploads:
        if upload.is_redirect:
            continue
        size = files.size(upload.path)
        if size is None:
            raise PublishError(
                f"the tree lacks {files.where(upload.path)}, which its manifest lists; nothing was changed"
            )
        if size != upload.size:
            raise PublishError(
                f"{files.where(upload.path)} is {size} bytes but its manifest says {upload.size}; "
                "the artifact is damaged, rebuild it; nothing was changed"
            )


def _upload_in_order(
    s3: S3Client, files: TreeFiles, plan: PublishPlan, options: PublishOptions
) -> dict[str, str]:
    """Each group completes before the next starts; the first failure stops everything before deletes."""
    etags: dict[str, str] = {}
    stop = threading.Event()
    direct = DirectPuts.for_bucket(s3, plan.target.bucket) if plan.uploads else None

    def put(upload: Upload) -> str | None:
        if stop.is_set():
            return None
        try:
            return bucket.put(s3, plan.target, files, upload, direct)
        except BaseException:
            stop.set()
            raise

    with ContextPool(max_workers=workers_for(s3, options)) as pool:
        for _group, uploads in plan.in_order():
            futures = {pool.submit(put, upload): upload for upload in uploads}
            wait(futures)
            failure = next((f.exception() for f in futures if f.exception() is not None), None)
            for future, upload in futures.items():
                etag = None if future.exception() else future.result()
                if etag is not None:
                    etags[upload.key] = etag
            if failure is not None:
                raise PublishError(
                    f"{failure}. {len(etags)} of {len(plan.uploads)} uploads were done, nothing was "
                    "deleted; publishing again resumes where this stopped"
                ) from failure
    return etags


def _record_after(plan: PublishPlan, etags: dict[str, str], reading: BucketReading) -> PublishRecord:
    """Every object the prefix holds after the apply; confirmed as of this run's listing, if it listed."""
    entries = {
        obj.key: RecordEntry(obj.etag, obj.md5, obj.headers, obj.size)
        for obj in plan.unchanged
        if obj.md5 is not None and obj.headers is not None
    }
    for upload in plan.uploads:
        entries[upload.key] = RecordEntry(etags[upload.key], upload.md5, upload.headers, upload.size)
    previous = reading.record.verified_at if reading.record is not None else None
    return PublishRecord(entries, reading.read_at if reading.basis.listing else previous)


def _invalidate(
    client: CloudFrontClient | None, plan: PublishPlan, manifest: Manifest, options: PublishOptions
) -> tuple[str | None, str | None]:
    distribution_id = plan.target.distribution_id
    if client is None or distribution_id is None or not plan.invalidations:
        return None, None
    digest = hashlib.sha256("\n".join(plan.invalidations).encode()).hexdigest()[:12]
    # A fresh reference each publish: CloudFront treats a repeated reference as the same invalidation.
    reference = f"presslift-{manifest.site}-{manifest.run_id}-{time.time_ns()}-{digest}"[:128]
    invalidation_id = cloudfront.invalidate(client, distribution_id, plan.invalidations, reference)
    if not options.wait_for_invalidation:
        return invalidation_id, None
    status = cloudfront.wait_until_complete(
        client, distribution_id, invalidation_id, options.invalidation_timeout_seconds
    )
    return invalidation_id, status
