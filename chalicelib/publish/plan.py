"""The publish plan: a pure diff of an artifact's manifest against the bucket's listing.

Like Hugo's deploy `findDiffs`, every upload carries its reason (new, size, content, headers, forced),
deletes are objects the artifact no longer has, and the safety guards (no index.html, too many deletes,
most of the live site removed) become refusals that the apply step enforces unless forced. This module
makes no AWS calls and reads no files: the same plan feeds a dry run, an approval page and the apply.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from chalicelib.errors import PublishError
from chalicelib.manifest import Manifest, ManifestEntry
from chalicelib.publish.headers import cache_control_for, content_type_for, site_headers_for
from chalicelib.publish.invalidation import invalidation_paths
from chalicelib.publish.remote import ObjectHeaders, RemoteObject
from chalicelib.publish.target import STATE_FOLDER, PublishOptions, PublishTarget
from chalicelib.units import human_size

EMPTY_MD5 = hashlib.md5(b"", usedforsecurity=False).hexdigest()
REDIRECT_SCHEMES = ("/", "http://", "https://")
#: Files a run record lists per plan: about 100 bytes each, so a few plans stay far below 400 KB.
FILES_LISTED = 300


class UploadReason(StrEnum):
    NEW = "new"
    SIZE = "size"
    CONTENT = "content"
    HEADERS = "headers"
    FORCED = "forced"


class Group(StrEnum):
    """Upload order: what pages link to arrives before the pages, and the entry points come last."""

    ASSETS = "assets"
    PAGES = "pages"
    HOME = "home"


GROUP_ORDER = (Group.ASSETS, Group.PAGES, Group.HOME)


@dataclass(frozen=True)
class Upload:
    """One object to write: a file of the tree, or (when `headers.redirect`) an empty redirect object."""

    path: str
    key: str
    reason: UploadReason
    size: int
    md5: str
    headers: ObjectHeaders
    group: Group

    @property
    def is_redirect(self) -> bool:
        return bool(self.headers.redirect)


@dataclass(frozen=True)
class PublishPlan:
    """What publishing an artifact will do; `refusals` non-empty means apply must not run.

    `overridden` lists the guards that would have refused but were forced, so the record shows them;
    `basis` says what the artifact was compared with (the bucket's listing or the publish record).
    """

    target: PublishTarget
    uploads: tuple[Upload, ...]
    deletes: tuple[str, ...]
    unchanged: tuple[RemoteObject, ...]
    invalidations: tuple[str, ...]
    refusals: tuple[str, ...] = ()
    live_objects: int = 0
    overridden: tuple[str, ...] = ()
    basis: str = ""

    @property
    def changes_nothing(self) -> bool:
        return not self.uploads and not self.deletes

    def in_order(self) -> list[tuple[Group, list[Upload]]]:
        """The uploads by group, in upload order; largest first within a group, so no big file
        starts last and holds up the next group alone."""
        groups = [
            (group, sorted((u for u in self.uploads if u.group is group), key=lambda u: (-u.size, u.key)))
            for group in GROUP_ORDER
        ]
        return [(group, uploads) for group, uploads in groups if uploads]

    def summary(self) -> dict[str, Any]:
        """Plain, JSON-serialisable figures for approvals, run records and dry runs."""
        by_reason = {reason.value: 0 for reason in UploadReason}
        for upload in self.uploads:
            by_reason[upload.reason.value] += 1
        return {
            "bucket": self.target.bucket,
            "prefix": self.target.prefix,
            "uploads": len(self.uploads),
            "uploads_by_reason": {reason: n for reason, n in by_reason.items() if n},
            "upload_bytes": sum(upload.size for upload in self.uploads),
            "redirects": sum(1 for upload in self.uploads if upload.is_redirect),
            "deletes": len(self.deletes),
            "unchanged": len(self.unchanged),
            "live_objects": self.live_objects,
            "invalidation_paths": list(self.invalidations),
            "refusals": list(self.refusals),
            "overridden": list(self.overridden),
            "compared_with": self.basis,
        }

    def files(self, limit: int = FILES_LISTED) -> dict[str, Any]:
        """Every change file by file, as `hugo deploy --dryRun` lists them: uploads with their reason
        (in upload order; an alias's redirect object with where it points), then deletes; at most
        `limit` (a run record is one DynamoDB item, 400 KB), with how many more there were."""
        changes = [
            {"path": upload.path, "reason": upload.reason.value, "size": upload.size}
            | ({"redirect": upload.headers.redirect} if upload.is_redirect else {})
            for _, uploads in self.in_order()
            for upload in uploads
        ]
        changes += [
            {"path": key.removeprefix(self.target.prefix), "reason": "delete"} for key in self.deletes
        ]
        return {"files": changes[:limit], "more": max(0, len(changes) - limit)}

    def describe(self) -> str:
        """A few lines of text saying what the publish will do (or why it is refused)."""
        s = self.summary()
        reasons = ", ".join(f"{n} {reason}" for reason, n in s["uploads_by_reason"].items()) or "none"
        lines = [
            f"Publish to s3://{s['bucket']}/{s['prefix']}",
            f"  upload {s['uploads']} objects ({human_size(s['upload_bytes'])}; {reasons}),"
            f" of which {s['redirects']} redirects",
            f"  delete {s['deletes']}, unchanged {s['unchanged']}",
        ]
        if self.target.distribution_id:
            paths = ", ".join(s["invalidation_paths"]) or "nothing"
            lines.append(f"  invalidate on {self.target.distribution_id}: {paths}")
        if self.basis:
            lines.append(f"  compared with {self.basis}")
        lines += [f"  REFUSED: {reason}" for reason in self.refusals]
        lines += [f"  overridden (forced): {reason}" for reason in self.overridden]
        return "\n".join(lines)


def plan_publish(
    manifest: Manifest, remote: Iterable[RemoteObject], target: PublishTarget, options: PublishOptions
) -> PublishPlan:
    """Compare the artifact with the bucket's objects under the target's prefix; pure."""
    live = {obj.key: obj for obj in remote if obj.key.startswith(target.prefix) and not _is_state(obj.key)}
    wanted = _wanted_objects(manifest, target, options)
    uploads: list[Upload] = []
    unchanged: list[RemoteObject] = []
    for upload in wanted:
        reason = _reason(upload, live.get(upload.key), options.force)
        if reason is None:
            unchanged.append(live[upload.key])
        else:
            uploads.append(replace(upload, reason=reason))
    wanted_keys = {upload.key for upload in wanted}
    deletes = tuple(sorted(key for key in live if key not in wanted_keys))
    changed = [upload.key for upload in uploads] + list(deletes)
    guards = _guard_failures(manifest, len(deletes), len(live), options)
    overridden = guards if options.guards_overridden else []
    return PublishPlan(
        target=target,
        uploads=tuple(uploads),
        deletes=deletes,
        unchanged=tuple(unchanged),
        invalidations=invalidation_paths(changed, target.origin_path) if target.distribution_id else (),
        refusals=() if options.guards_overridden else tuple(guards),
        live_objects=len(live),
        overridden=tuple(overridden),
    )


def group_for(path: str) -> Group:
    """Home page, sitemaps and feeds last; other HTML pages before them; everything else first."""
    lower = path.lower()
    if lower == "index.html" or lower.endswith((".xml", ".rss")):
        return Group.HOME
    if lower.endswith((".html", ".htm")):
        return Group.PAGES
    return Group.ASSETS


def redirect_path(path: str) -> str:
    """The object path of an alias: a directory-style alias (`old/post/`) is served as its index.html."""
    path = path.lstrip("/")
    if path == "" or path.endswith("/"):
        return path + "index.html"
    return path


def _wanted_objects(manifest: Manifest, target: PublishTarget, options: PublishOptions) -> list[Upload]:
    redirects = {redirect_path(path): location for path, location in manifest.redirects.items()}
    wanted = [_file_upload(entry, target, options) for entry in manifest.files if entry.path not in redirects]
    for path, location in sorted(redirects.items()):
        if not location.startswith(REDIRECT_SCHEMES):
            raise PublishError(
                f"alias {path} redirects to {location!r}: an S3 website redirect must start with "
                "'/', 'http://' or 'https://'; fix the alias in the site's front matter"
            )
        headers = ObjectHeaders(
            content_type_for(path), cache_control_for(path, options.cache_rules), location
        )
        wanted.append(
            Upload(path, target.key_for(path), UploadReason.NEW, 0, EMPTY_MD5, headers, Group.PAGES)
        )
    return wanted


def _file_upload(entry: ManifestEntry, target: PublishTarget, options: PublishOptions) -> Upload:
    hashes = options.script_hashes.get(entry.path, ())
    own = site_headers_for(entry.path, options.header_rules, hashes, options.page_hosts)
    headers = ObjectHeaders(
        own.content_type or entry.content_type,
        cache_control_for(entry.path, options.cache_rules),
        extra=own.extra,
    )
    return Upload(
        entry.path,
        target.key_for(entry.path),
        UploadReason.NEW,
        entry.size,
        entry.md5,
        headers,
        group_for(entry.path),
    )


def _reason(wanted: Upload, live: RemoteObject | None, force: bool) -> UploadReason | None:
    if live is None:
        return UploadReason.NEW
    if force:
        return UploadReason.FORCED
    if live.size != wanted.size:
        return UploadReason.SIZE
    # An unknown MD5 (a multipart ETag with no MD5 in its metadata) cannot prove the bytes are the same.
    if live.md5 != wanted.md5:
        return UploadReason.CONTENT
    if live.headers != wanted.headers:
        return UploadReason.HEADERS
    return None


def _guard_failures(manifest: Manifest, deletes: int, live: int, options: PublishOptions) -> list[str]:
    failures = []
    if not any(entry.path == "index.html" for entry in manifest.files):
        failures.append("the artifact has no index.html at its root (an empty or broken build?)")
    if deletes > options.max_deletes:
        failures.append(f"it would delete {deletes} objects, more than the limit of {options.max_deletes}")
    if live and deletes * 2 > live:
        failures.append(f"it would delete {deletes} of the {live} live objects, most of the site")
    return failures


def _is_state(key: str) -> bool:
    """Presslift's own publish state (the record, the marker) is never part of a site."""
    return key.startswith(STATE_FOLDER)
