"""Exports in other declared encodings (UTF-16, UTF-32, ISO-8859-1) convert like their UTF-8 twin."""

import frontmatter
import pytest

from chalicelib.errors import ConversionError
from chalicelib.wordpress import convert_export

TITLE = "Crème brûlée — Ελληνικά"
EXPORT = """<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Site</title><link>https://old.example</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>{title}</title><link>https://old.example/?p=5</link><dc:creator>ann</dc:creator>
<content:encoded><![CDATA[<p>Body {title} &amp; more</p>]]></content:encoded>
<wp:post_id>5</wp:post_id><wp:post_date>2024-01-02 03:04:05</wp:post_date>
<wp:post_name>creme</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
</item></channel></rss>
"""


@pytest.mark.parametrize(
    ("declared", "codec", "title"),
    [
        ("UTF-16", "utf-16", TITLE),  # with a byte-order mark
        ("UTF-16", "utf-16-be", TITLE),  # without one
        ("UTF-16LE", "utf-16-le", TITLE),
        ("UTF-32", "utf-32", TITLE),
        ("ISO-8859-1", "latin-1", "Crème brûlée"),
        ("windows-1252", "cp1252", "Crème brûlée — €"),
        # An old ISO-8859-1 site stored Word's punctuation as windows-1252's bytes 0x80-0x9F, which
        # browsers showed as such; they came out as invisible control characters.
        ("ISO-8859-1", "cp1252", "Déjà vu “quoted” – …"),
        ("us-ascii", "cp1252", "Crème “brûlée”"),
    ],
)
def test_declared_encodings_convert(tmp_path, declared, codec, title):
    export = tmp_path / "export.xml"
    export.write_bytes(EXPORT.format(encoding=declared, title=title).encode(codec))
    convert_export(export, tmp_path / "site")
    post = frontmatter.load(tmp_path / "site/content/posts/creme/index.md")
    assert post["title"] == title
    assert f"Body {title} & more" in post.content


def test_a_utf16_doctype_is_refused(tmp_path):
    export = tmp_path / "export.xml"
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<rss/>'
    export.write_bytes(text.encode("utf-16"))
    with pytest.raises(ConversionError, match="DOCTYPE") as error:
        convert_export(export, tmp_path / "site")
    assert error.value.line == 2


def test_broken_utf16_fails_with_the_encoding_named(tmp_path):
    export = tmp_path / "export.xml"
    export.write_bytes(EXPORT.format(encoding="UTF-16", title=TITLE).encode("utf-16") + b"\x00")
    with pytest.raises(ConversionError, match="not valid in its declared encoding"):
        convert_export(export, tmp_path / "site")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.xml"]


def test_the_bytes_windows_1252_leaves_undefined_are_read_as_browsers_read_them(tmp_path):
    export = tmp_path / "export.xml"
    body = EXPORT.format(encoding="ISO-8859-1", title="Caf\xe9 TITLE").encode("latin-1")
    export.write_bytes(body.replace(b"TITLE", b"\x81\x93x\x94"))
    convert_export(export, tmp_path / "site")
    post = frontmatter.load(tmp_path / "site/content/posts/creme/index.md")
    assert post["title"] == "Café \x81“x”"
