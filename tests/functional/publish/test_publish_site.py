"""publish_tree's effects a visitor sees: redirects, CloudFront invalidations, and rollback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.functional.publish.conftest import BUCKET, SITE_V1, bucket_contents, publish, write_tree


def cdn(clients: dict[str, Any], distribution_id: str) -> dict[str, Any]:
    return {"cloudfront": clients["cloudfront"], "dist": distribution_id}


def test_aliases_are_published_as_website_redirects(clients: dict[str, Any], tmp_path: Path) -> None:
    files = dict(SITE_V1, **{"2019/01/hello-world/index.html": "<meta http-equiv=refresh>"})
    manifest = write_tree(
        tmp_path / "site", files, redirects={"2019/01/hello-world/": "https://blog.example/posts/first/"}
    )

    publish(clients["s3"], tmp_path / "site", manifest)

    head = clients["s3"].head_object(Bucket=BUCKET, Key="blog/2019/01/hello-world/index.html")
    assert head["WebsiteRedirectLocation"] == "https://blog.example/posts/first/"
    assert head["ContentLength"] == 0
    assert publish(clients["s3"], tmp_path / "site", manifest).summary["uploads"] == 0


def test_a_one_post_edit_invalidates_only_its_urls_and_the_pages_that_list_it(
    clients: dict[str, Any], distribution_id: str, tmp_path: Path
) -> None:
    publish(
        clients["s3"],
        tmp_path / "site",
        write_tree(tmp_path / "site", SITE_V1),
        cloudfront=clients["cloudfront"],
        dist=distribution_id,
    )
    edited = dict(
        SITE_V1,
        **{"posts/first/index.html": "<h1>first, edited</h1>", "index.xml": "<rss>first, edited</rss>"},
    )

    tree = write_tree(tmp_path / "site", edited)

    result = publish(
        clients["s3"], tmp_path / "site", tree, **cdn(clients, distribution_id), wait_for_invalidation=True
    )

    assert result.summary["invalidation_paths"] == ["/index.xml", "/posts/first/", "/posts/first/index.html"]
    invalidation = clients["cloudfront"].get_invalidation(
        DistributionId=distribution_id, Id=result.invalidation_id
    )
    assert (
        sorted(invalidation["Invalidation"]["InvalidationBatch"]["Paths"]["Items"])
        == result.summary["invalidation_paths"]
    )
    assert (result.invalidation_status or "").lower() == "completed"


def test_no_invalidation_when_nothing_changed(
    clients: dict[str, Any], distribution_id: str, tmp_path: Path
) -> None:
    manifest = write_tree(tmp_path / "site", SITE_V1)
    publish(clients["s3"], tmp_path / "site", manifest, **cdn(clients, distribution_id))

    again = publish(clients["s3"], tmp_path / "site", manifest, **cdn(clients, distribution_id))

    assert again.invalidation_id is None
    listed = clients["cloudfront"].list_invalidations(DistributionId=distribution_id)["InvalidationList"]
    assert listed["Quantity"] == 1


def test_rollback_to_an_older_artifact_moves_only_what_changed_and_restores_it_byte_for_byte(
    clients: dict[str, Any], tmp_path: Path
) -> None:
    old_manifest = write_tree(tmp_path / "run-1", SITE_V1)
    publish(clients["s3"], tmp_path / "run-1", old_manifest)
    old_site = bucket_contents(clients["s3"])
    newer = dict(
        SITE_V1,
        **{"index.html": "<h1>home</h1><p>third post</p>", "posts/third/index.html": "<h1>third</h1>"},
    )
    publish(clients["s3"], tmp_path / "run-2", write_tree(tmp_path / "run-2", newer))

    rollback = publish(clients["s3"], tmp_path / "run-1", old_manifest)

    assert rollback.summary["uploads_by_reason"] == {"content": 1}
    assert rollback.deleted == 1
    assert bucket_contents(clients["s3"]) == old_site
