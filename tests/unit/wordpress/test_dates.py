"""Dates as WordPress writes them, and as other WXR writers do: the same instant either way."""

from __future__ import annotations

import frontmatter
import pytest

from chalicelib.wordpress import convert_export
from chalicelib.wordpress.dates import wordpress_dates
from tests.functional.wordpress.wxr_items import SITE, item, write_export


@pytest.mark.parametrize(
    ("local", "gmt", "expected"),
    [
        # WordPress's own shape, and what cannot be read, stay as they are
        ("2024-01-02 09:30:00", "2024-01-02 08:30:00", ("2024-01-02 09:30:00", "2024-01-02 08:30:00")),
        ("2024-01-02 09:30:00", "0000-00-00 00:00:00", ("2024-01-02 09:30:00", "0000-00-00 00:00:00")),
        ("", "", ("", "")),
        ("yesterday-ish", "", ("yesterday-ish", "")),
        # ISO 8601
        ("2015-07-22T15:05:08+02:00", "", ("2015-07-22 15:05:08", "2015-07-22 13:05:08")),
        ("2015-07-22T15:05:08Z", "", ("2015-07-22 15:05:08", "2015-07-22 15:05:08")),
        ("2015-07-22T15:05:08", "", ("2015-07-22 15:05:08", "")),  # no offset: local time only
        ("2015-07-22T15:05:08+02:00", "2015-07-22T13:05:08Z", ("2015-07-22 15:05:08", "2015-07-22 13:05:08")),
        # JavaScript's Date text (node WXR writers) and RFC 822
        ("Wed Jul 22 2015 15:05:08 GMT+0200 (CEST)", "", ("2015-07-22 15:05:08", "2015-07-22 13:05:08")),
        ("Wed Jul 22 2015 15:05:08 GMT+0000 (Coordinated Universal Time)", "", ("2015-07-22 15:05:08",) * 2),
        ("Tue, 02 Jan 2024 09:30:00 -0500", "", ("2024-01-02 09:30:00", "2024-01-02 14:30:00")),
    ],
)
def test_dates_reach_wordpress_shape(local: str, gmt: str, expected: tuple[str, str]) -> None:
    assert wordpress_dates(local, gmt) == expected


def test_an_export_with_iso_dates_keeps_each_posts_date_and_archives(tmp_path) -> None:
    post = item("Iso", post_id=1, link=f"{SITE}/iso/", slug="iso", date="2015-07-22T15:05:08+02:00")
    convert_export(write_export(tmp_path / "export.xml", [post]), tmp_path / "site")
    page = frontmatter.load(tmp_path / "site/content/posts/iso/index.md")
    assert page["date"] == "2015-07-22T15:05:08+02:00"
    assert page["archives"] == ["2015", "2015-07"]
