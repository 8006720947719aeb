"""Before trusting the publish record, a deploy looks at what every visit needs and a sample of the rest:
an asset deleted behind its back is found by the next deploy, which lists the bucket and puts it back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chalicelib.publish import UploadReason
from tests.functional.publish.conftest import BUCKET, bucket_contents, publish, write_tree
from tests.functional.publish.test_publish_faults import CountingS3

HOME = (
    '<html><head><link rel="stylesheet" href="/css/main.css">'
    '<link rel="preload" as="font" href="/fonts/inter.woff2" crossorigin>'
    '<link rel="alternate" type="application/rss+xml" href="/index.xml">'
    '<script src="/js/app.js"></script></head><body><a href="/posts/0/">post 0</a></body></html>'
)
SITE: dict[str, bytes | str] = {
    "index.html": HOME,
    "index.xml": "<rss/>",
    "sitemap.xml": "<urlset/>",
    "404.html": "<h1>not found</h1>",
    "css/main.css": "body { color: black }",
    "js/app.js": "console.log(1)",
    "fonts/inter.woff2": b"wOF2" + bytes(32),
    **{f"posts/{n}/index.html": f"<h1>post {n}</h1>" for n in range(40)},
}
# index.html, index.xml, sitemap.xml, 404.html; css, js, font; and the default sample of 16.
CHECKED = 4 + 3 + 16


def test_a_trusted_record_costs_only_the_spot_checks_heads_and_no_listing(
    clients: dict[str, Any], tmp_path: Path
) -> None:
    manifest = write_tree(tmp_path / "site", SITE)
    publish(clients["s3"], tmp_path / "site", manifest)
    s3 = CountingS3(clients["s3"])

    again = publish(s3, tmp_path / "site", manifest)

    assert (s3.listings, s3.heads) == (0, CHECKED)
    assert again.uploaded == 0
    assert again.summary["compared_with"].startswith("the publish record (confirmed by a listing")
    assert f"{CHECKED} of its objects checked now, all as recorded" in again.summary["compared_with"]


def test_an_asset_deleted_by_hand_is_found_by_the_next_deploy_which_lists_and_puts_it_back(
    clients: dict[str, Any], tmp_path: Path
) -> None:
    manifest = write_tree(tmp_path / "site", SITE)
    publish(clients["s3"], tmp_path / "site", manifest)
    clients["s3"].delete_object(Bucket=BUCKET, Key="blog/css/main.css")
    s3 = CountingS3(clients["s3"])

    repaired = publish(s3, tmp_path / "site", manifest)
    after = publish(clients["s3"], tmp_path / "site", manifest)

    assert s3.listings >= 1
    assert repaired.summary["compared_with"] == (
        "the bucket's listing (publish record not trusted: "
        f"1 of {CHECKED} checked objects differs (css/main.css missing))"
    )
    assert repaired.plan is not None
    assert [(u.path, u.reason) for u in repaired.plan.uploads] == [("css/main.css", UploadReason.NEW)]
    assert bucket_contents(clients["s3"])["css/main.css"] == b"body { color: black }"
    assert "all as recorded" in after.summary["compared_with"] and after.uploaded == 0


def test_a_home_page_changed_by_hand_is_found_and_replaced(clients: dict[str, Any], tmp_path: Path) -> None:
    manifest = write_tree(tmp_path / "site", SITE)
    publish(clients["s3"], tmp_path / "site", manifest)
    clients["s3"].put_object(Bucket=BUCKET, Key="blog/index.html", Body=b"<h1>defaced</h1>")

    repaired = publish(clients["s3"], tmp_path / "site", manifest)

    assert "(index.html changed)" in repaired.summary["compared_with"]
    assert repaired.summary["uploads_by_reason"] == {"size": 1}
    assert bucket_contents(clients["s3"])["index.html"] == HOME.encode()


def test_the_sample_is_the_same_for_the_same_run_and_finds_a_deleted_page_it_covers(
    clients: dict[str, Any], tmp_path: Path
) -> None:
    manifest = write_tree(tmp_path / "site", SITE)
    publish(clients["s3"], tmp_path / "site", manifest)
    looked_at: list[list[str]] = []
    for _ in range(2):
        s3 = KeyRecordingS3(clients["s3"])
        publish(s3, tmp_path / "site", manifest, dry_run=True)
        looked_at.append(s3.keys)
    sampled_page = next(key for key in looked_at[0] if key.startswith("blog/posts/"))
    clients["s3"].delete_object(Bucket=BUCKET, Key=sampled_page)

    repaired = publish(clients["s3"], tmp_path / "site", manifest)

    assert sorted(looked_at[0]) == sorted(looked_at[1]) and len(looked_at[0]) == CHECKED
    assert f"({sampled_page.removeprefix('blog/')} missing)" in repaired.summary["compared_with"]
    assert repaired.uploaded == 1


class KeyRecordingS3(CountingS3):
    """Also remembers which keys were HEADed."""

    def __init__(self, s3: Any) -> None:
        super().__init__(s3)
        self.keys: list[str] = []

    def head_object(self, **params: Any) -> Any:
        if params["Key"].startswith("blog/"):
            self.keys.append(params["Key"])
        return super().head_object(**params)
