"""A well-formed export that puts text after a CDATA section is read as XML reads it, while old
exports with nested sections are still read (the second reading); a failed read leaves nothing behind."""

from __future__ import annotations

import frontmatter
import pytest

from chalicelib.errors import ConversionError
from chalicelib.wordpress import convert_export
from tests.functional.wordpress.wxr_items import SITE, item, write_export


def test_text_after_an_empty_section_is_the_posts_body(tmp_path):
    # Valid XML (a writer that escaped the HTML after an empty section): the body is "<strong>Foo</strong>".
    post = item(
        "Escaped",
        post_id=1,
        link=f"{SITE}/escaped/",
        slug="escaped",
        content="]]> &lt;strong&gt;Foo&lt;/strong&gt;<![CDATA[",
    )
    nested = item("Nested", post_id=2, link=f"{SITE}/nested/", slug="nested", content="x <![CDATA[ y ]]> z")
    report = convert_export(write_export(tmp_path / "export.xml", [post]), tmp_path / "one")
    assert frontmatter.load(tmp_path / "one/content/posts/escaped/index.md").content.strip() == "**Foo**"
    assert "repaired-xml" not in report.warning_codes()
    # An old exporter's nested section is still read the way WordPress's importer reads it.
    report = convert_export(write_export(tmp_path / "nested.xml", [nested]), tmp_path / "two")
    assert frontmatter.load(tmp_path / "two/content/posts/nested/index.md").content.split() == ["x", "z"]
    assert report.warning_codes()["repaired-xml"] == 1


def test_an_export_neither_reading_accepts_is_refused_with_its_line_and_leaves_nothing(tmp_path):
    nested = item("Nested", post_id=2, slug="nested", content="x <![CDATA[ y ]]> z")
    export = write_export(tmp_path / "export.xml", [nested])
    export.write_text(export.read_text().replace("</channel>", "<item><title>cut"))  # truncated
    out = tmp_path / "site" / "out"
    with pytest.raises(ConversionError) as caught:
        convert_export(export, out)
    assert "line 9" in str(caught.value)  # where the cut is, past the nested section
    assert not out.exists() and list((tmp_path / "site").iterdir()) == []


def test_an_export_with_a_blank_line_before_its_declaration_converts(tmp_path):
    """A theme's file ending in a newline after `?>` prints it before every export; WordPress's importer
    reads such a file, so the conversion does too, and says it repaired it."""
    export = write_export(tmp_path / "export.xml", [item("Hello", post_id=5, slug="hello")])
    export.write_text("\n" + export.read_text())
    report = convert_export(export, tmp_path / "site")
    assert report.counts["post/published"] == 1
    assert [w.code for w in report.warnings] == ["repaired-xml"]
