"""The S3 side of publishing: list the target, look at unknown objects, put, delete, keep the record
and the marker that a publish is under way.

Each call is tried by botocore's own retry policy (`services.make_client`: standard mode, throttling
and 5xx backed off, `AWS_MAX_ATTEMPTS` in all), never again here (a site file's direct PUT that fails,
direct.py, is handed to that policy once); failures a user can act on become
`PublishError`s that name the bucket and key. The client is passed in (a boto3 S3 client): nothing
here creates clients or knows which endpoint they reach.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import PublishError
from chalicelib.pool import ContextPool
from chalicelib.publish.direct import DirectPuts
from chalicelib.publish.plan import Upload
from chalicelib.publish.remote import ObjectHeaders, PublishRecord, RemoteObject, decode_record, encode_record
from chalicelib.publish.spotcheck import Seen
from chalicelib.publish.target import PublishTarget
from chalicelib.publish.treefiles import TreeFiles

S3Client = Any  # a boto3 S3 client; typed loosely because boto3-stubs are not a dependency
DELETE_BATCH = 1000  # the most keys one DeleteObjects request takes
# A ListObjectsV2 page holds up to 1,000 keys; ranges of 900 expected keys leave room on each page for
# objects the build no longer has, so each range usually costs one request.
RANGE_KEYS = 900
MD5_METADATA = "md5"
T = TypeVar("T")


def list_objects(
    s3: S3Client,
    target: PublishTarget,
    expected_keys: Iterable[str] = (),
    workers: int = 1,
) -> list[RemoteObject]:
    """Every object under the target's prefix, in key order.

    One listing reads a page of 1,000 keys per round trip; a site of 6,000 files would wait for six in
    a row. The keys we expect cut the key space into ranges of under a page each, listed side by side;
    every key, expected or not, falls in exactly one range, so nothing is missed or counted twice.
    """
    keys = sorted({key for key in expected_keys if key.startswith(target.prefix)})
    starts: list[str | None] = [None, *keys[RANGE_KEYS - 1 : -1 : RANGE_KEYS]]
    ranges = list(zip(starts, [*starts[1:], None], strict=True))

    def list_range(after: str | None, last: str | None) -> list[RemoteObject]:
        return _calling(lambda: _list_range(s3, target, after, last), f"list {target.where(target.prefix)}")

    with ContextPool(max_workers=max(1, min(workers, len(ranges)))) as pool:
        parts = list(pool.map(lambda bounds: list_range(*bounds), ranges))
    return [obj for part in parts for obj in part if not target.keeps(obj.key)]


def _list_range(
    s3: S3Client, target: PublishTarget, after: str | None, last: str | None
) -> list[RemoteObject]:
    """The objects whose keys are after `after` and up to `last` (either end open when None)."""
    params = {"Bucket": target.bucket, "Prefix": target.prefix}
    if after is not None:
        params["StartAfter"] = after
    found: list[RemoteObject] = []
    for page in s3.get_paginator("list_objects_v2").paginate(**params):
        for item in page.get("Contents", []):
            if last is not None and item["Key"] > last:
                return found
            found.append(RemoteObject.listed(item["Key"], item["Size"], item["ETag"]))
        if last is not None and found and found[-1].key == last:
            return found
    return found


def read_record(s3: S3Client, target: PublishTarget) -> PublishRecord | None:
    """The record of the last complete publish to this prefix; None if there is none (or unreadable)."""

    def fetch() -> bytes:
        body: bytes = s3.get_object(Bucket=target.bucket, Key=target.record_key)["Body"].read()
        return body

    try:
        return decode_record(fetch())
    except ClientError as error:
        if _not_found(error):
            return None
        raise _publish_error(f"read the publish record {target.where(target.record_key)}", error) from error


def write_record(s3: S3Client, target: PublishTarget, record: PublishRecord) -> None:
    what = f"write the publish record {target.where(target.record_key)}"
    _put_state(s3, target.bucket, target.record_key, encode_record(record), "application/gzip", what)


def publish_unfinished(s3: S3Client, target: PublishTarget) -> bool:
    """Whether a publish to this prefix began changing it and never recorded the result."""
    try:
        s3.head_object(Bucket=target.bucket, Key=target.applying_key)
    except ClientError as error:
        if _not_found(error):
            return False
        raise _publish_error(f"read {target.where(target.applying_key)}", error) from error
    return True


def mark_unfinished(s3: S3Client, target: PublishTarget, about: dict[str, str]) -> None:
    """Before the first change: until `mark_finished`, the record no longer describes the prefix."""
    body = json.dumps(about, sort_keys=True).encode()
    what = f"mark {target.where(target.prefix)} as being published ({target.applying_key})"
    _put_state(s3, target.bucket, target.applying_key, body, "application/json", what)


def _put_state(s3: S3Client, bucket: str, key: str, body: bytes, content_type: str, what: str) -> None:
    _calling(lambda: s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type), what)


def mark_finished(s3: S3Client, target: PublishTarget) -> None:
    _calling(
        lambda: s3.delete_object(Bucket=target.bucket, Key=target.applying_key),
        f"remove {target.where(target.applying_key)}",
    )


def look_at(
    s3: S3Client,
    target: PublishTarget,
    objects: Iterable[RemoteObject],
    concurrency: int,
) -> dict[str, RemoteObject]:
    """HEAD each object to learn its MD5 (ours, from metadata) and headers: for objects the record lacks."""

    def head(obj: RemoteObject) -> RemoteObject:
        meta = _calling(
            lambda: s3.head_object(Bucket=target.bucket, Key=obj.key),
            f"read the headers of {target.where(obj.key)}",
        )
        metadata = meta.get("Metadata", {})
        headers = ObjectHeaders(
            meta.get("ContentType", ""),
            meta.get("CacheControl", ""),
            meta.get("WebsiteRedirectLocation", ""),
            tuple(
                sorted((key.lower(), value) for key, value in metadata.items() if key.lower() != MD5_METADATA)
            ),
        )
        md5 = metadata.get(MD5_METADATA) or obj.md5
        return RemoteObject(obj.key, obj.size, obj.etag, md5, headers)

    with ContextPool(max_workers=concurrency) as pool:
        return {obj.key: obj for obj in pool.map(head, objects)}


def head_many(
    s3: S3Client, target: PublishTarget, keys: Iterable[str], concurrency: int
) -> dict[str, Seen | None]:
    """HEAD each key, side by side: its ETag and size, or None when it is not there."""

    def head(key: str) -> Seen | None:
        try:
            meta = s3.head_object(Bucket=target.bucket, Key=key)
        except ClientError as error:
            if _not_found(error):
                return None
            raise _publish_error(f"read the headers of {target.where(key)}", error) from error
        except BotoCoreError as error:
            raise _publish_error(f"read the headers of {target.where(key)}", error) from error
        return Seen(str(meta["ETag"]).strip('"'), int(meta["ContentLength"]))

    keys = list(keys)
    if not keys:
        return {}
    with ContextPool(max_workers=max(1, min(concurrency, len(keys)))) as pool:
        return dict(zip(keys, pool.map(head, keys), strict=True))


def put(
    s3: S3Client, target: PublishTarget, files: TreeFiles, upload: Upload, direct: DirectPuts | None = None
) -> str:
    """Upload one object and return its ETag: through `direct` when it can, else the client's call.

    The bytes are checked against the manifest's MD5 here and again by S3 (Content-MD5), so a damaged
    artifact never reaches the site.
    """
    params: dict[str, Any] = {
        "Bucket": target.bucket,
        "Key": upload.key,
        "ContentType": upload.headers.content_type,
        "CacheControl": upload.headers.cache_control,
        "Metadata": {MD5_METADATA: upload.md5, **dict(upload.headers.extra)},
        "ContentMD5": base64.b64encode(bytes.fromhex(upload.md5)).decode(),
    }
    if upload.is_redirect:
        params["WebsiteRedirectLocation"] = upload.headers.redirect

    body = b"" if upload.is_redirect else _checked_bytes(target, files, upload)
    if direct is not None:
        etag = direct.put(upload.key, body, _put_headers(params))
        if etag is not None:
            return etag

    def send() -> str:
        etag: str = s3.put_object(Body=body, **params)["ETag"]
        return etag.strip('"')

    return _calling(send, f"upload {target.where(upload.key)}")


def _put_headers(params: dict[str, Any]) -> dict[str, str]:
    """The HTTP headers PutObject sends for `params` (the names in botocore's S3 model)."""
    headers = {
        "Content-Type": params["ContentType"],
        "Cache-Control": params["CacheControl"],
        "Content-MD5": params["ContentMD5"],
        **{f"x-amz-meta-{name}": value for name, value in params["Metadata"].items()},
    }
    if "WebsiteRedirectLocation" in params:
        headers["x-amz-website-redirect-location"] = params["WebsiteRedirectLocation"]
    return headers


def _checked_bytes(target: PublishTarget, files: TreeFiles, upload: Upload) -> bytes:
    # Site files are small (pages, images); reading each once keeps retries simple and the hash exact.
    data = files.read_bytes(upload.path)
    if data is None or hashlib.md5(data, usedforsecurity=False).hexdigest() != upload.md5:
        raise PublishError(
            f"{files.where(upload.path)} differs from its manifest (MD5), so it was not uploaded to "
            f"{target.where(upload.key)}; the artifact is damaged, rebuild it"
        )
    return data


def delete(s3: S3Client, target: PublishTarget, keys: list[str]) -> int:
    for start in range(0, len(keys), DELETE_BATCH):
        batch = [{"Key": key} for key in keys[start : start + DELETE_BATCH]]
        request = {"Objects": batch, "Quiet": True}
        response: dict[str, Any] = _calling(
            partial(s3.delete_objects, Bucket=target.bucket, Delete=request),
            f"delete {len(batch)} objects from {target.where(target.prefix)}",
        )
        errors = response.get("Errors", [])
        if errors:
            first = errors[0]
            raise PublishError(
                f"could not delete {len(errors)} objects from {target.where(target.prefix)}, first "
                f"{first.get('Key')}: {first.get('Code')} {first.get('Message', '')}; re-run the publish"
            )
    return len(keys)


def _not_found(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound")


def _calling(call: Callable[[], T], what: str) -> T:
    try:
        return call()
    except (ClientError, BotoCoreError) as error:
        raise _publish_error(what, error) from error


def _publish_error(what: str, error: Exception) -> PublishError:
    if isinstance(error, ClientError):
        info = error.response.get("Error", {})
        reason = f"{info.get('Code', 'error')}: {info.get('Message', '')}".rstrip(": ")
    else:
        reason = str(error)
    return PublishError(f"could not {what}: {reason}")
