"""Serving published sites from the local cloud's buckets, as S3 website hosting behind CloudFront would.

moto has no S3 website endpoint, so this reads objects with boto3 and answers like one:
`/sites/<site>/<stage>/<path>` maps to `s3://<stage bucket>/<site>/<path>`; a folder serves its
`index.html`, a folder without its trailing slash redirects to it, an object with a website redirect
location answers 301, a missing key serves the bucket's root `404.html` with status 404, as the
stack's distributions do (the deploy stage writes it; before that, the site's own). Stored
Content-Type, Cache-Control and ETag are sent as they are, the site's own headers (`x-amz-meta-h-*`)
as the stack's viewer-response function sends them, and every answer carries the security headers
of the distributions' response headers policy (`presslift.packaging.security_headers`), a page's
inline-script digests added to its script-src as the function adds them, so a page that CloudFront's
Content-Security-Policy would break breaks here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from chalicelib.config import Settings
from chalicelib.pagehosts import with_page_hosts
from chalicelib.previews.noindex import X_ROBOTS_TAG, is_preview_path, preview_folder
from chalicelib.publish.headers import PAGE_HOSTS, SCRIPT_HASHES, SITE_HEADER_PREFIX
from chalicelib.publish.notfound import KEY as NOT_FOUND_KEY
from chalicelib.scripthashes import with_script_hashes
from presslift.packaging.security_headers import http_headers

PREFIX = "/sites/"
SECURITY_HEADERS = http_headers()


@dataclass
class SiteResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    #: What the stack's viewer-response function sets, after the response headers policy's.
    function_headers: dict[str, str] = field(default_factory=dict)


def _get(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    try:
        return dict(s3.get_object(Bucket=bucket, Key=key))
    except (s3.exceptions.NoSuchKey, s3.exceptions.NoSuchBucket):
        return None
    except s3.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise


def _respond(obj: dict[str, Any], status: int = 200) -> SiteResponse:
    body = obj["Body"].read()
    headers = {"Content-Type": obj.get("ContentType") or "application/octet-stream"}
    if obj.get("CacheControl"):
        headers["Cache-Control"] = obj["CacheControl"]
    if obj.get("ETag"):
        headers["ETag"] = obj["ETag"]
    # The site's own headers and its scripts' digests, as the viewer-response function reads them
    # (CloudFront runs it below 400, after adding the policy's headers: `serve` applies them last).
    function: dict[str, str] = {}
    metadata = {name.lower(): value for name, value in (obj.get("Metadata") or {}).items()}
    for name, value in metadata.items() if status < 400 else ():
        if name.startswith(SITE_HEADER_PREFIX) and len(name) > len(SITE_HEADER_PREFIX):
            function[name[len(SITE_HEADER_PREFIX) :].title()] = value
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    if status < 400 and (SCRIPT_HASHES in metadata or PAGE_HOSTS in metadata):
        policy = with_script_hashes(policy, metadata.get(SCRIPT_HASHES, ""))
        function["Content-Security-Policy"] = with_page_hosts(policy, metadata.get(PAGE_HOSTS, ""))
    return SiteResponse(status, headers, body, function)


def serve(s3: Any, settings: Settings, raw_path: str) -> SiteResponse:
    """The answer for `raw_path`, with the headers CloudFront's policy adds (overriding, as it does)."""
    response = _serve(s3, settings, raw_path)
    response.headers.update(SECURITY_HEADERS)
    response.headers.update(response.function_headers)
    if is_preview_path(unquote(urlsplit(raw_path).path)):  # as the stack's viewer-response function
        response.headers["X-Robots-Tag"] = X_ROBOTS_TAG
    return response


def _serve(s3: Any, settings: Settings, raw_path: str) -> SiteResponse:
    path = unquote(urlsplit(raw_path).path)
    parts = path[len(PREFIX) :].split("/", 2)
    # A site's name never starts with a dot: /sites/.presslift/ served the publish records, which list
    # every site's files (CloudFront's viewer-request function refuses them too).
    if len(parts) < 2 or parts[1] not in settings.site_buckets or not parts[0] or parts[0][0] == ".":
        return SiteResponse(
            404,
            {"Content-Type": "text/plain; charset=utf-8"},
            b"Not found: sites are served at /sites/<site>/<stage>/ (stages: "
            + ", ".join(settings.site_buckets).encode()
            + b")\n",
        )
    site, stage = parts[0], parts[1]
    if len(parts) == 2:
        return SiteResponse(301, {"Location": f"{PREFIX}{site}/{stage}/"})
    rest = parts[2]
    query = urlsplit(raw_path).query  # kept on a redirect, as the stack's viewer-request function keeps it
    if "//" in f"/{rest}":  # as the function answers: S3 has no key with a doubled slash
        single = _single_slashes(rest).lstrip("/")
        return SiteResponse(
            301, {"Location": f"{PREFIX}{site}/{stage}/{single}" + (f"?{query}" if query else "")}
        )
    if ".." in rest.split("/"):
        return SiteResponse(400, {"Content-Type": "text/plain"}, b"Bad path\n")
    bucket = settings.site_buckets[stage]
    key = f"{site}/{rest}"
    if key.endswith("/"):
        key += "index.html"
    obj = _get(s3, bucket, key)
    if obj is None and not rest.endswith("/") and _get_head(s3, bucket, key + "/index.html"):
        return SiteResponse(
            301, {"Location": f"{PREFIX}{site}/{stage}/{rest}/" + (f"?{query}" if query else "")}
        )
    if obj is not None and obj.get("WebsiteRedirectLocation"):
        return SiteResponse(301, {"Location": obj["WebsiteRedirectLocation"]})
    if obj is None:
        # As the stack's distribution answers: the bucket's root page, which the deploy stage writes
        # (chalicelib/publish/notfound.py); before any deploy, the site's own.
        folder = preview_folder(rest)
        missing = (
            _get(s3, bucket, NOT_FOUND_KEY)
            or (_get(s3, bucket, f"{site}/{folder}404.html") if folder else None)
            or _get(s3, bucket, f"{site}/404.html")
        )
        if missing is not None:
            return _respond(missing, 404)
        return SiteResponse(
            404, {"Content-Type": "text/plain; charset=utf-8"}, f"Not found: {path}\n".encode()
        )
    return _respond(obj)


def _single_slashes(path: str) -> str:
    return re.sub(r"/{2,}", "/", path)


def _get_head(s3: Any, bucket: str, key: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=key)
        return True
    except s3.exceptions.ClientError:
        return False
