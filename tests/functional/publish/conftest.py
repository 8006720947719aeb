"""Helpers for publish tests against moto: a bucket, a distribution, and small built trees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from chalicelib.manifest import Manifest, scan_tree
from chalicelib.publish import PublishOptions, PublishResult, PublishTarget, publish_tree
from chalicelib.services import aws_session, make_client
from presslift.localcloud.provision import distribution_config

BUCKET = "presslift-staging"


@pytest.fixture
def clients() -> Iterator[dict[str, Any]]:
    with mock_aws():
        session = aws_session(region_name="us-east-1")
        s3 = make_client("s3", region_name="us-east-1")  # the pipeline's own client: its retry policy
        s3.create_bucket(Bucket=BUCKET)
        yield {"s3": s3, "cloudfront": session.client("cloudfront")}


@pytest.fixture
def distribution_id(clients: dict[str, Any]) -> str:
    config = distribution_config("publish-tests", BUCKET, origin_path="/blog")
    return str(clients["cloudfront"].create_distribution(DistributionConfig=config)["Distribution"]["Id"])


def target(distribution_id: str | None = None) -> PublishTarget:
    return PublishTarget(BUCKET, "blog/", distribution_id, origin_path="/blog" if distribution_id else "")


def publish(
    s3: Any,
    tree: Path,
    manifest: Manifest,
    *,
    cloudfront: Any = None,
    dist: str | None = None,
    dry_run: bool = False,
    **options: Any,
) -> PublishResult:
    """Publish `tree` to the test bucket's `blog/` prefix with PublishOptions(**options)."""
    return publish_tree(
        s3=s3,
        cloudfront=cloudfront,
        tree=tree,
        manifest=manifest,
        target=target(dist),
        options=PublishOptions(**options),
        dry_run=dry_run,
    )


def write_tree(
    root: Path, files: dict[str, bytes | str], redirects: dict[str, str] | None = None
) -> Manifest:
    """Replace `root` with exactly `files` and return the tree's manifest."""
    if root.exists():
        for old in sorted(root.rglob("*"), reverse=True):
            old.unlink() if old.is_file() else old.rmdir()
    root.mkdir(parents=True, exist_ok=True)
    for path, body in files.items():
        full = root / path
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_bytes(body.encode() if isinstance(body, str) else body)
    return Manifest(
        site="blog",
        run_id="run-1",
        stage="staging",
        base_url="https://blog.example/",
        files=scan_tree(root),
        redirects=dict(redirects or {}),
    )


def bucket_contents(s3: Any, prefix: str = "blog/") -> dict[str, bytes]:
    keys = [
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        for item in page.get("Contents", [])
    ]
    return {key[len(prefix) :]: s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in keys}


SITE_V1: dict[str, bytes | str] = {
    "index.html": "<h1>home</h1><p>first post</p>",
    "posts/first/index.html": "<h1>first</h1>",
    "posts/second/index.html": "<h1>second</h1>",
    "posts/index.html": "<ul><li>first</li><li>second</li></ul>",
    "index.xml": "<rss>first second</rss>",
    "sitemap.xml": "<urlset>2</urlset>",
    "css/main.css": "body { color: black }",
    "images/logo.png": b"\x89PNG\r\n\x1a\n" + bytes(range(64)),
}
