"""The manifest diff under the change review: pages, redirects and assets, from checksums alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.manifest import Manifest, ManifestEntry
from chalicelib.review.compare import (
    AssetKind,
    FileChange,
    RedirectChange,
    asset_kind,
    compare,
    list_pages,
    unfingerprinted,
)
from tests.unit.review.builds import NEW_CSS, OLD_CSS, alias, page, write_build


def manifest(
    files: dict[str, str], *, texts: dict[str, str] | None = None, redirects: dict[str, str] | None = None
) -> Manifest:
    entries = [ManifestEntry(path, md5, 10, "text/html") for path, md5 in sorted(files.items())]
    return Manifest("blog", "r", "prod", "https://blog.example/", entries, redirects or {}, texts or {})


def test_pages_added_removed_and_changed_are_told_apart_from_assets() -> None:
    old = manifest({"index.html": "1", "a/index.html": "2", "gone/index.html": "3", "logo.png": "4"})
    new = manifest({"index.html": "1", "a/index.html": "9", "new/index.html": "5", "logo.png": "8"})
    diff = compare(old, new)
    assert diff.pages_added == ("new/index.html",)
    assert diff.pages_removed == ("gone/index.html",)
    assert diff.pages_changed == ("a/index.html",)
    assert diff.assets == {AssetKind.IMAGES: (FileChange("logo.png", "changed"),)}
    assert diff.unchanged_files == 1
    assert diff.changed_files == 4


def test_a_page_whose_text_digest_is_unchanged_changed_only_in_markup() -> None:
    old = manifest(
        {"a/index.html": "1", "b/index.html": "2"}, texts={"a/index.html": "t", "b/index.html": "u"}
    )
    new = manifest(
        {"a/index.html": "7", "b/index.html": "8"}, texts={"a/index.html": "t", "b/index.html": "v"}
    )
    diff = compare(old, new)
    assert diff.pages_markup_only == ("a/index.html",)
    assert diff.pages_changed == ("b/index.html",)


def test_without_text_digests_every_changed_page_must_be_read() -> None:
    diff = compare(manifest({"a/index.html": "1"}), manifest({"a/index.html": "2"}))
    assert diff.pages_changed == ("a/index.html",)


def test_redirects_are_compared_by_target_and_never_listed_as_pages() -> None:
    old = manifest(
        {"old/index.html": "1", "moved/index.html": "2", "dropped/index.html": "3"},
        redirects={"old/index.html": "/a/", "moved/index.html": "/b/", "dropped/index.html": "/c/"},
    )
    new = manifest(
        {"old/index.html": "1", "moved/index.html": "4", "fresh/index.html": "5"},
        redirects={"old/index.html": "/a/", "moved/index.html": "/d/", "fresh/index.html": "/e/"},
    )
    diff = compare(old, new)
    assert diff.redirects == (
        RedirectChange("dropped/index.html", "/c/", None),
        RedirectChange("fresh/index.html", None, "/e/"),
        RedirectChange("moved/index.html", "/b/", "/d/"),
    )
    assert not diff.pages_added and not diff.pages_removed and not diff.pages_changed and not diff.assets


def test_a_fingerprinted_stylesheet_is_one_asset_replaced_and_called_out_as_site_wide() -> None:
    old = manifest({OLD_CSS: "1", "js/app.js": "2", "fonts/a.woff2": "3"})
    new = manifest({NEW_CSS: "9", "js/app.js": "2", "fonts/a.woff2": "3", "fonts/b.woff2": "4"})
    diff = compare(old, new)
    assert diff.assets[AssetKind.STYLESHEETS] == (FileChange(NEW_CSS, "replaced", OLD_CSS),)
    assert diff.assets[AssetKind.FONTS] == (FileChange("fonts/b.woff2", "added"),)
    assert set(diff.site_wide_assets) == {
        FileChange(NEW_CSS, "replaced", OLD_CSS),
        FileChange("fonts/b.woff2", "added"),
    }
    assert diff.changed_files == 3


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("css/site.css", AssetKind.STYLESHEETS),
        ("js/search.min.js", AssetKind.SCRIPTS),
        ("uploads/2024/05/boat.JPG", AssetKind.IMAGES),
        ("fonts/inter.woff2", AssetKind.FONTS),
        ("index.xml", AssetKind.FEEDS),
        ("sitemap.xml", AssetKind.FEEDS),
        ("pagefind/index/en_1.pf_index", AssetKind.SEARCH),
        ("files/report.pdf", AssetKind.MEDIA),
        ("CNAME", AssetKind.OTHER),
    ],
)
def test_assets_are_grouped_by_kind(path: str, kind: AssetKind) -> None:
    assert asset_kind(path) == kind


def test_fingerprints_and_processed_image_suffixes_are_taken_off_names() -> None:
    assert unfingerprinted(OLD_CSS) == "css/main.css"
    assert unfingerprinted("images/boat_hu8c1f2e3d4b5a6978.webp") == "images/boat.webp"
    assert unfingerprinted("images/boat_hu_8c1f2e3d4b5a6978_1200x0_resize_q75_box.jpg") == "images/boat.jpg"
    assert unfingerprinted("css/main.css") == "css/main.css"


def test_real_builds_diff_by_text_digest(tmp_path: Path) -> None:
    old = write_build(
        tmp_path / "v1", {"a/index.html": page("A", "Words."), "b/index.html": page("B", "Old.")}, run_id="v1"
    )
    files = {
        "a/index.html": page("A", "Words.", css=NEW_CSS),
        "b/index.html": page("B", "New."),
        "r/index.html": alias("/a/"),
    }
    new = write_build(tmp_path / "v2", files, run_id="v2")
    diff = compare(old, new)
    assert diff.pages_markup_only == ("a/index.html",)
    assert diff.pages_changed == ("b/index.html",)
    assert diff.redirects == (RedirectChange("r/index.html", None, "/a/"),)
    assert "r/index.html" not in new.text_md5


def test_list_pages_are_the_ones_with_a_feed_beside_them() -> None:
    files = dict.fromkeys(
        [
            "index.html", "index.xml", "posts/index.html", "posts/index.xml", "posts/a/index.html",
            "posts/page/2/index.html", "tags/index.html", "tags/index.xml", "tags/sea/index.html",
            "tags/sea/index.xml", "about/index.html", "about/team/index.html", "404.html",
            "old/index.html",
        ],
        "1",
    )  # fmt: skip
    found = list_pages(manifest(files, redirects={"old/index.html": "https://blog.example/"}))
    assert sorted(found) == [
        "index.html",
        "posts/index.html",
        "posts/page/2/index.html",
        "tags/index.html",
        "tags/sea/index.html",
    ]


def test_without_feeds_list_pages_are_the_ones_with_pages_under_them() -> None:
    files = dict.fromkeys(
        ["index.html", "posts/index.html", "posts/a/index.html", "posts/b/index.html", "about/index.html"],
        "1",
    )
    assert sorted(list_pages(manifest(files))) == ["index.html", "posts/index.html"]
