"""What a deploy checks before trusting the publish record, and what it concludes (pure, table-driven)."""

from __future__ import annotations

import pytest

from chalicelib.errors import ConfigError
from chalicelib.publish import PublishOptions, PublishTarget
from chalicelib.publish.basis import Basis, after_spot_check
from chalicelib.publish.remote import ObjectHeaders, RecordEntry
from chalicelib.publish.spotcheck import (
    MAX_HOME_ASSETS,
    Seen,
    SpotCheck,
    compare,
    home_assets,
    keys_to_check,
    needed_paths,
)

TARGET = PublishTarget("bucket", "blog/", None)
BASE = "https://blog.example/"
PATHS = {
    "index.html",
    "index.xml",
    "sitemap.xml",
    "404.html",
    "css/main.css",
    "js/app.js",
    "fonts/inter.woff2",
    "favicon.ico",
    "posts/first/index.html",
}


def make_record(*paths: str) -> dict[str, RecordEntry]:
    headers = ObjectHeaders("text/plain", "no-cache")
    return {TARGET.key_for(path): RecordEntry(f"etag-{path}", f"etag-{path}", headers, 10) for path in paths}


@pytest.mark.parametrize(
    ("html", "base_url", "expected"),
    [
        ('<link rel="stylesheet" href="/css/main.css">', BASE, ["css/main.css"]),
        (
            '<link rel=stylesheet href="css/main.css"><script src="js/app.js"></script>',
            BASE,
            ["css/main.css", "js/app.js"],
        ),
        ('<link rel="stylesheet" href="https://blog.example/css/main.css">', BASE, ["css/main.css"]),
        ('<link rel="preload" as="font" href="/fonts/inter.woff2" crossorigin>', BASE, ["fonts/inter.woff2"]),
        ('<link rel="shortcut icon" href="/favicon.ico">', BASE, ["favicon.ico"]),
        # Served under a path (the local cloud, a preview): references are resolved against it.
        (
            '<link rel="stylesheet" href="/sites/blog/staging/css/main.css">',
            "http://127.0.0.1:8000/sites/blog/staging/",
            ["css/main.css"],
        ),
        ('<link rel="stylesheet" href="/css/main.css">', "http://127.0.0.1:8000/sites/blog/staging/", []),
        # Another host, a page or feed link, an unknown file, an inline script: nothing to check.
        ('<link rel="stylesheet" href="https://cdn.example/css/main.css">', BASE, []),
        ('<link rel="alternate" type="application/rss+xml" href="/index.xml">', BASE, []),
        ('<a href="/posts/first/">first</a><link rel="canonical" href="/">', BASE, []),
        ('<link rel="stylesheet" href="/css/missing.css"><script>alert(1)</script>', BASE, []),
        (
            '<link rel="stylesheet" href="/css/main.css?v=3#x"><link rel="stylesheet" href="/css/main.css">',
            BASE,
            ["css/main.css"],
        ),
        ("<link rel=stylesheet href='/css/%6Dain.css'>", BASE, ["css/main.css"]),
        ("<p>cut short <link rel=stylesheet href='/css/main.css'", BASE, []),
    ],
    ids=[
        "root-relative",
        "relative-and-script",
        "absolute",
        "font-preload",
        "icon",
        "base-path",
        "above-base-path",
        "other-host",
        "feed-link",
        "pages",
        "unknown-and-inline",
        "query-and-duplicate",
        "percent-encoded",
        "truncated-page",
    ],
)
def test_home_assets_are_what_the_home_page_links_that_the_artifact_holds(
    html: str, base_url: str, expected: list[str]
) -> None:
    assert home_assets(html, base_url, PATHS) == expected


def test_home_assets_are_bounded() -> None:
    many = {f"css/{n}.css" for n in range(MAX_HOME_ASSETS * 2)}
    html = "".join(f'<link rel="stylesheet" href="/{path}">' for path in sorted(many))

    assert len(home_assets(html, BASE, many)) == MAX_HOME_ASSETS


@pytest.mark.parametrize(
    ("paths", "home_html", "expected"),
    [
        (
            PATHS,
            '<link rel="stylesheet" href="/css/main.css">',
            ["index.html", "index.xml", "sitemap.xml", "404.html", "css/main.css"],
        ),
        ({"index.html", "css/main.css"}, None, ["index.html"]),
        ({"index.html", "index.xml"}, '<link rel="preload" href="/index.xml">', ["index.html", "index.xml"]),
    ],
    ids=["entry-points-and-assets", "no-tree-at-hand", "no-duplicates"],
)
def test_needed_paths_are_the_entry_points_the_artifact_has_and_the_home_pages_assets(
    paths: set[str], home_html: str | None, expected: list[str]
) -> None:
    assert needed_paths(paths, home_html, BASE) == expected


def test_the_check_covers_every_needed_object_and_a_bounded_sample_seeded_by_the_run() -> None:
    pages = [f"posts/{n}/index.html" for n in range(100)]
    record = make_record("index.html", "css/main.css", *pages)

    keys = keys_to_check(
        record, TARGET, ["index.html", "css/main.css", "index.xml"], 16, "run-1 s3://b/blog/"
    )

    assert keys[:2] == ["blog/css/main.css", "blog/index.html"], "needed first; index.xml is not recorded"
    assert len(keys) == 2 + 16 and len(set(keys)) == len(keys)
    assert all(key in record for key in keys)
    assert keys == keys_to_check(record, TARGET, ["index.html", "css/main.css"], 16, "run-1 s3://b/blog/")
    assert keys != keys_to_check(record, TARGET, ["index.html", "css/main.css"], 16, "run-2 s3://b/blog/")


@pytest.mark.parametrize(
    ("recorded", "sample", "checked"),
    [(3, 16, 3), (40, 0, 1), (40, 5, 6), (0, 16, 0)],
    ids=["small-site-whole", "no-sample", "sample", "empty-record"],
)
def test_the_sample_never_exceeds_the_record(recorded: int, sample: int, checked: int) -> None:
    record = make_record(*(["index.html"] if recorded else []), *[f"p/{n}.html" for n in range(recorded - 1)])

    assert len(keys_to_check(record, TARGET, ["index.html"], sample, "seed")) == checked


@pytest.mark.parametrize(
    ("seen", "findings", "text"),
    [
        ({"index.html": Seen("etag-index.html", 10)}, {}, "1 of its objects checked now, all as recorded"),
        ({}, {}, "no object to check"),
        (
            {"index.html": Seen("etag-index.html", 10), "css/main.css": None},
            {"css/main.css": "missing"},
            "1 of 2 checked objects differs (css/main.css missing)",
        ),
        (
            {"index.html": Seen("other", 10), "css/main.css": None, "index.xml": Seen("etag-index.xml", 11)},
            {"index.html": "changed", "css/main.css": "missing", "index.xml": "changed"},
            "3 of 3 checked objects differ (css/main.css missing, index.html changed, index.xml changed)",
        ),
        (
            {f"p/{n}.html": None for n in range(5)},
            {f"p/{n}.html": "missing" for n in range(5)},
            "5 of 5 checked objects differ (p/0.html missing, p/1.html missing, p/2.html missing, 2 more)",
        ),
    ],
    ids=["as-recorded", "nothing", "missing", "changed-etag-and-size", "many"],
)
def test_compare_finds_what_is_missing_or_differs_from_the_record(
    seen: dict[str, Seen | None], findings: dict[str, str], text: str
) -> None:
    record = make_record("index.html", "css/main.css", "index.xml", *[f"p/{n}.html" for n in range(5)])

    check = compare(record, TARGET, {TARGET.key_for(path): head for path, head in seen.items()})

    assert dict(check.findings) == findings
    assert check.describe() == text


def test_a_failed_check_makes_the_deploy_list_and_says_what_it_found() -> None:
    trusted = Basis(False, "confirmed by a listing 1 h ago")

    kept = after_spot_check(trusted, SpotCheck(23, {}))
    lost = after_spot_check(trusted, SpotCheck(23, {"css/main.css": "missing", "index.xml": "changed"}))

    assert kept == Basis(
        False, "confirmed by a listing 1 h ago; 23 of its objects checked now, all as recorded"
    )
    assert lost.listing
    assert lost.describe() == (
        "the bucket's listing (publish record not trusted: 2 of 23 checked objects differ "
        "(css/main.css missing, index.xml changed))"
    )


def test_a_negative_sample_is_refused() -> None:
    with pytest.raises(ConfigError, match="spot_check_sample"):
        PublishOptions(spot_check_sample=-1)
