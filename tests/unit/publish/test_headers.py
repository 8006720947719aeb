"""Content-Type for what Hugo emits, and Cache-Control rules: first match wins, with sane defaults."""

from __future__ import annotations

import pytest

from chalicelib.errors import ConfigError
from chalicelib.publish.headers import (
    IMMUTABLE_YEAR,
    ONE_WEEK,
    REVALIDATE,
    CacheRule,
    cache_control_for,
    content_type_for,
)

FINGERPRINT = "a3f1" * 16


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("css/main.css", "text/css; charset=utf-8"),
        ("js/app.js", "text/javascript; charset=utf-8"),
        ("index.json", "application/json"),
        ("sitemap.xml", "application/xml"),
        ("feed.rss", "application/rss+xml"),
        ("images/logo.svg", "image/svg+xml"),
        ("site.webmanifest", "application/manifest+json"),
        ("fonts/inter.woff2", "font/woff2"),
        ("images/photo.JPG", "image/jpeg"),
        ("images/a.webp", "image/webp"),
        ("video/intro.mp4", "video/mp4"),
        ("files/cv.pdf", "application/pdf"),
        # a compressed archive to download is a gzip file (it was "a tar", with no Content-Encoding)
        ("files/release.tar.gz", "application/gzip"),
        ("files/release.tgz", "application/gzip"),
        ("files/data.csv.gz", "application/gzip"),
    ],
)
def test_content_type_of_what_hugo_emits(path: str, content_type: str) -> None:
    assert content_type_for(path) == content_type


@pytest.mark.parametrize(
    ("path", "cache_control"),
    [
        ("index.html", REVALIDATE),
        ("posts/a/index.html", REVALIDATE),
        ("index.xml", REVALIDATE),
        ("sitemap.xml", REVALIDATE),
        (f"css/main.min.{FINGERPRINT}.css", IMMUTABLE_YEAR),
        (f"js/app.{FINGERPRINT[:32]}.js", IMMUTABLE_YEAR),
        ("images/logo.png", ONE_WEEK),
        ("images/photo.JPG", ONE_WEEK),
        ("fonts/inter.woff2", ONE_WEEK),
        ("css/main.css", REVALIDATE),
        ("CNAME", REVALIDATE),
    ],
)
def test_default_cache_control(path: str, cache_control: str) -> None:
    assert cache_control_for(path) == cache_control


def test_first_matching_rule_wins() -> None:
    rules = (CacheRule(r"^images/hero", "no-store"), CacheRule(r"\.png$", "public, max-age=60"))

    assert [cache_control_for(p, rules) for p in ("images/hero.png", "images/b.png", "a.css")] == [
        "no-store",
        "public, max-age=60",
        REVALIDATE,
    ]


@pytest.mark.parametrize(("pattern", "value"), [("[unclosed", "no-cache"), (r"\.html$", "  ")])
def test_a_bad_rule_is_a_config_error_naming_the_pattern(pattern: str, value: str) -> None:
    with pytest.raises(ConfigError, match="cache rule"):
        CacheRule(pattern, value)
