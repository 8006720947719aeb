"""The ingest bucket's contract: where exports are dropped, what rides beside them, where failures go.

    imports/<site>/<name>.xml           a WordPress export (WXR) for site <site>; also <name>.xml.gz,
                                        or <name>.zip holding its file or the parts `wp export` split
                                        it into (WordPress.com's export is such a zip)
    imports/<site>/uploads.zip|.tar.gz|.tar  the site's wp-content/uploads, optional, put before the export
    imports-failed/<site>/<name>.xml    an export that could not be converted, with
    imports-failed/<site>/<name>.xml.error.txt   the error beside it

Every object that arrives anywhere in the bucket gets an answer (`classify`): an export starts a run; an
uploads archive waits for its export; anything else (a `.txt` under imports/, a file at the bucket
root, a folder too deep) is rejected: moved to imports-failed/ with the reason beside it, and, when
its key names a site, recorded as a failed run of that site, so it shows where runs show. Only what
Presslift wrote itself (imports-failed/) and S3 console folder markers (keys ending in `/`) are
passed over.

Key parsing is pure; the two S3 helpers only copy and delete in the ingest bucket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import InputError

IMPORTS = "imports/"
FAILED = "imports-failed/"
UPLOADS_NAMES = ("uploads.zip", "uploads.tar.gz", "uploads.tgz", "uploads.tar")
EXPORT_SUFFIXES = (".xml", ".xml.gz", ".zip")
# A later part of a split export (`wp export` numbers them .000.xml, .001.xml, ...): never a whole site.
LATER_PART = re.compile(r"\.(?!000)\d{3}\.xml(?:\.gz)?$", re.IGNORECASE)
SITE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class ExportKey:
    site: str
    name: str
    key: str

    @property
    def failed_key(self) -> str:
        return FAILED + self.key[len(IMPORTS) :]

    def uploads_keys(self) -> list[str]:
        return [f"{IMPORTS}{self.site}/{name}" for name in UPLOADS_NAMES]


def check_site_name(site: str) -> str:
    if not SITE_NAME.match(site):
        raise InputError(
            f"site name {site!r} is not valid: use 1-63 lower-case letters, digits and dashes, "
            "starting with a letter or digit"
        )
    return site


@dataclass(frozen=True)
class Rejected:
    """An object in the ingest bucket that is not an export nor an uploads archive, and why; `site` is
    the site its key names (None when it names none)."""

    key: str
    reason: str
    site: str | None = None


def _valid_site(name: str) -> str | None:
    return name if SITE_NAME.match(name) else None


def classify(key: str) -> ExportKey | Rejected | None:
    """What an object that arrived in the ingest bucket is: an export, something to reject (with the
    reason), or None for what waits or is Presslift's own (uploads archives, imports-failed/, folders)."""
    if key.startswith(FAILED) or key.endswith("/"):
        return None
    expected = "exports go to imports/<site>/<name>.xml (media: imports/<site>/uploads.zip)"
    if not key.startswith(IMPORTS):
        return Rejected(key, f"{key!r} is outside imports/: {expected}")
    parts = key[len(IMPORTS) :].split("/")
    site = _valid_site(parts[0]) if len(parts) >= 2 else None
    if len(parts) != 2:
        return Rejected(key, f"{key!r} is not in a site's folder: {expected}", site)
    try:
        export = parse_export_key(key)
    except InputError as exc:
        return Rejected(key, str(exc), site)
    if export is not None:
        if LATER_PART.search(export.name):
            return Rejected(
                key,
                f"{export.name!r} is one part of an export that `wp export` split, and alone it would "
                "replace the site with that part's posts: put all the parts in one .zip and drop that "
                f"(imports/{export.site}/<name>.zip)",
                site,
            )
        return export
    if parts[1] in UPLOADS_NAMES:
        return None
    return Rejected(
        key,
        f"{parts[1]!r} is neither a WordPress export (.xml, .xml.gz, or a .zip of them) nor a media "
        f"archive ({', '.join(UPLOADS_NAMES)}): {expected}",
        site,
    )


def parse_export_key(key: str) -> ExportKey | None:
    """The export a key names, or None for keys that are not exports (uploads archives, other files)."""
    name = key.rsplit("/", 1)[-1]
    if not key.startswith(IMPORTS) or name in UPLOADS_NAMES or not name.lower().endswith(EXPORT_SUFFIXES):
        return None
    parts = key[len(IMPORTS) :].split("/")
    if len(parts) != 2 or not parts[1]:
        raise InputError(f"export key {key!r} must look like imports/<site>/<name>.xml")
    return ExportKey(site=check_site_name(parts[0]), name=parts[1], key=key)


def find_uploads(s3: Any, bucket: str, export: ExportKey) -> str | None:
    """The key of the uploads archive beside an export, if there is one."""
    for key in export.uploads_keys():
        try:
            s3.head_object(Bucket=bucket, Key=key)
        except s3.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                continue
            raise
        return key
    return None


def quarantine(s3: Any, bucket: str, export: ExportKey, error: str) -> str:
    """Move a failed export to imports-failed/ with the error beside it; returns the new key."""
    return quarantine_key(s3, bucket, export.key, error)


def quarantine_key(s3: Any, bucket: str, key: str, error: str) -> str:
    """Move any object under imports/ to imports-failed/ with the error beside it; the new key."""
    dest = FAILED + key.removeprefix(IMPORTS)
    try:
        s3.copy_object(Bucket=bucket, Key=dest, CopySource={"Bucket": bucket, "Key": key})
    except s3.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NotFound"):
            raise
        return dest  # moved already (a retried message), or removed by its owner since
    s3.put_object(
        Bucket=bucket,
        Key=dest + ".error.txt",
        Body=error.encode("utf-8"),
        ContentType="text/plain; charset=utf-8",
    )
    s3.delete_object(Bucket=bucket, Key=key)
    return dest
