"""publish_tree against moto: what lands in the bucket, what moves on an edit, and what is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from chalicelib.errors import PublishError
from chalicelib.publish import PublishOptions, publish_tree
from chalicelib.publish.apply import workers_for
from chalicelib.publish.headers import HeaderRule
from tests.functional.publish.conftest import BUCKET, SITE_V1, bucket_contents, publish, target, write_tree


def test_first_publish_uploads_every_file_with_its_headers(clients: dict[str, Any], tmp_path: Path) -> None:
    manifest = write_tree(tmp_path / "site", SITE_V1)

    result = publish(clients["s3"], tmp_path / "site", manifest)

    assert result.uploaded == len(SITE_V1)
    assert result.summary["uploads_by_reason"] == {"new": len(SITE_V1)}
    assert bucket_contents(clients["s3"]) == {
        path: body.encode() if isinstance(body, str) else body for path, body in SITE_V1.items()
    }
    head = clients["s3"].head_object(Bucket=BUCKET, Key="blog/index.html")
    assert head["ContentType"] == "text/html; charset=utf-8"
    assert head["CacheControl"] == "public, max-age=0, must-revalidate"
    assert head["Metadata"]["md5"] == manifest.by_path()["index.html"].md5
    logo = clients["s3"].head_object(Bucket=BUCKET, Key="blog/images/logo.png")
    assert logo["CacheControl"] == "public, max-age=604800"


def test_publishing_the_same_tree_again_changes_nothing(clients: dict[str, Any], tmp_path: Path) -> None:
    manifest = write_tree(tmp_path / "site", SITE_V1)
    publish(clients["s3"], tmp_path / "site", manifest)

    again = publish(clients["s3"], tmp_path / "site", manifest)

    assert (again.uploaded, again.deleted) == (0, 0)
    assert again.summary["unchanged"] == len(SITE_V1)


def test_an_edit_uploads_only_the_changed_files_and_deletes_the_removed(
    clients: dict[str, Any], tmp_path: Path
) -> None:
    publish(clients["s3"], tmp_path / "site", write_tree(tmp_path / "site", SITE_V1))
    edited = dict(SITE_V1, **{"posts/first/index.html": "<h1>first, edited</h1>"})
    del edited["posts/second/index.html"]

    result = publish(clients["s3"], tmp_path / "site", write_tree(tmp_path / "site", edited))

    assert result.summary["uploads_by_reason"] == {"size": 1}
    assert result.deleted == 1
    assert bucket_contents(clients["s3"])["posts/first/index.html"] == b"<h1>first, edited</h1>"
    assert "posts/second/index.html" not in bucket_contents(clients["s3"])


def test_dry_run_reports_the_plan_and_writes_nothing(clients: dict[str, Any], tmp_path: Path) -> None:
    manifest = write_tree(tmp_path / "site", SITE_V1)

    result = publish_tree(
        s3=clients["s3"],
        cloudfront=None,
        tree=tmp_path / "site",
        manifest=manifest,
        target=target(),
        options=PublishOptions(),
        dry_run=True,
    )

    assert result.dry_run and result.summary["uploads"] == len(SITE_V1)
    assert bucket_contents(clients["s3"]) == {}


def test_an_empty_build_is_refused_and_nothing_is_deleted(clients: dict[str, Any], tmp_path: Path) -> None:
    publish(clients["s3"], tmp_path / "site", write_tree(tmp_path / "site", SITE_V1))
    empty = write_tree(tmp_path / "empty", {})

    with pytest.raises(PublishError, match=r"no index\.html.*--allow-deletes"):
        publish(clients["s3"], tmp_path / "empty", empty)

    assert len(bucket_contents(clients["s3"])) == len(SITE_V1)


@pytest.mark.parametrize(
    ("pool", "concurrency", "workers"), [(None, 16, 10), (None, 4, 4), (10, 16, 10), (32, 16, 16)]
)
def test_workers_never_outnumber_the_clients_connections(
    pool: int | None, concurrency: int, workers: int
) -> None:
    config = Config(max_pool_connections=pool) if pool else None  # botocore's default pool is 10
    s3 = boto3.client("s3", region_name="us-east-1", config=config)

    assert workers_for(s3, PublishOptions(concurrency=concurrency)) == workers


def test_a_sites_own_headers_ride_as_metadata_and_a_change_to_one_is_an_upload(
    clients: dict[str, Any], tmp_path: Path
) -> None:
    s3 = clients["s3"]
    manifest = write_tree(tmp_path / "site", SITE_V1)
    cors = HeaderRule(r"^images/", "access-control-allow-origin", "*")
    typed = HeaderRule(r"^index\.html$", "content-type", "text/html; charset=iso-8859-1")
    publish(s3, tmp_path / "site", manifest, header_rules=(cors, typed))
    logo = s3.head_object(Bucket=BUCKET, Key="blog/images/logo.png")
    assert logo["Metadata"] == {
        "md5": manifest.by_path()["images/logo.png"].md5,
        "h-access-control-allow-origin": "*",
    }
    home = s3.head_object(Bucket=BUCKET, Key="blog/index.html")
    assert home["ContentType"] == "text/html; charset=iso-8859-1" and set(home["Metadata"]) == {"md5"}

    again = publish(s3, tmp_path / "site", manifest, header_rules=(cors, typed))
    assert again.uploaded == 0

    # Without the record, each object's headers are read back from the bucket (HEAD): still unchanged.
    s3.delete_object(Bucket=BUCKET, Key=target().record_key)
    assert publish(s3, tmp_path / "site", manifest, header_rules=(cors, typed)).uploaded == 0

    narrower = HeaderRule(r"^images/", "access-control-allow-origin", "https://example.org")
    changed = publish(s3, tmp_path / "site", manifest, header_rules=(narrower,))
    assert changed.summary["uploads_by_reason"] == {"headers": 2}  # the image and the home page's type
    logo = s3.head_object(Bucket=BUCKET, Key="blog/images/logo.png")
    assert logo["Metadata"]["h-access-control-allow-origin"] == "https://example.org"
    assert s3.head_object(Bucket=BUCKET, Key="blog/index.html")["ContentType"] == "text/html; charset=utf-8"


def test_a_pages_script_digests_ride_as_its_metadata(clients: dict[str, Any], tmp_path: Path) -> None:
    s3 = clients["s3"]
    manifest = write_tree(tmp_path / "site", SITE_V1)
    digest = "sha256-" + "A" * 43 + "="
    publish(s3, tmp_path / "site", manifest, script_hashes={"index.html": [digest]})
    home = s3.head_object(Bucket=BUCKET, Key="blog/index.html")
    assert home["Metadata"] == {"md5": manifest.by_path()["index.html"].md5, "script-hashes": digest}
    assert "script-hashes" not in s3.head_object(Bucket=BUCKET, Key="blog/posts/index.html")["Metadata"]
    # the script changed: only that page goes up again
    again = publish(
        s3, tmp_path / "site", manifest, script_hashes={"index.html": ["sha256-" + "B" * 43 + "="]}
    )
    assert again.summary["uploads_by_reason"] == {"headers": 1}


def test_the_hosts_pages_may_load_from_ride_with_each_page_only(
    clients: dict[str, Any], tmp_path: Path
) -> None:
    s3 = clients["s3"]
    manifest = write_tree(tmp_path / "site", SITE_V1)
    publish(s3, tmp_path / "site", manifest, page_hosts=("fonts.googleapis.com", "fonts.gstatic.com"))
    home = s3.head_object(Bucket=BUCKET, Key="blog/index.html")["Metadata"]
    assert home["page-hosts"] == "fonts.googleapis.com fonts.gstatic.com"
    assert "page-hosts" not in s3.head_object(Bucket=BUCKET, Key="blog/css/main.css")["Metadata"]
