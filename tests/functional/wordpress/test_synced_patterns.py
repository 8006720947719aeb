"""A post showing a synced pattern (a reusable block) shows its content after conversion and Hugo."""

from __future__ import annotations

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.conftest import build
from tests.functional.wordpress.exports import Post, write_export

PATTERN = (
    "<!-- wp:paragraph -->\n<p>Subscribe to the <strong>harbour letter</strong>.</p>\n<!-- /wp:paragraph -->"
)
POST = (
    "<!-- wp:paragraph -->\n<p>Tide tables for May.</p>\n<!-- /wp:paragraph -->\n\n"
    '<!-- wp:block {"ref":40} /-->\n\n<!-- wp:block {"ref":41} /-->'
)


def test_a_synced_pattern_is_shown_where_the_post_references_it(tmp_path):
    export = write_export(
        tmp_path / "export.xml",
        [Post(40, "subscribe-box", PATTERN, title="Subscribe box", type="wp_block"), Post(7, "tides", POST)],
    )
    report = convert_export(export, tmp_path / "site")
    public = build(tmp_path / "site", tmp_path)
    page = (public / "posts/tides/index.html").read_text()
    assert "Tide tables for May." in page and "Subscribe to the <strong>harbour letter</strong>." in page
    assert not (public / "subscribe-box").exists()  # a pattern is never a page of its own
    missing = [w for w in report.warnings if w.code == "missing-pattern"]
    assert [w.message for w in missing] == ["synced pattern 41 is not in this export; left out of the page"]
