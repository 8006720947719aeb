"""Converted sites build with Hugo as they are, every published item is reachable, and runs repeat."""

import filecmp
import hashlib
import json

import frontmatter
import pytest

from chalicelib.errors import ConversionError
from chalicelib.wordpress import ConvertOptions, convert_export


def digest(folder):
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def test_demo_converts_with_its_media_and_builds(tmp_path, demo, demo_uploads, hugo_build):
    site = tmp_path / "site"
    report = convert_export(demo / "export.xml", site, uploads=demo_uploads)
    assert report.warnings == []
    assert (site / "static/wp-content/uploads/2025/03/harbour.png").read_bytes() == (
        demo / "uploads/2025/03/harbour.png"
    ).read_bytes()
    public = hugo_build(site, tmp_path)
    html = "\n".join(p.read_text(errors="replace") for p in public.rglob("*.html"))
    for page in (site / "content").rglob("*index.md"):
        post = frontmatter.load(page)
        if "wordpress_id" not in post.metadata:
            continue
        folder = public / page.parent.relative_to(site / "content")
        assert (folder / "index.html").is_file() != bool(post["draft"]), page
    assert "Secret Winter Menu Draft" not in html
    assert (public / "2025/03/10/harbour-sourdough-recipe/index.html").is_file()  # an old permalink


def test_demo_comments_are_threaded_data(tmp_path, demo):
    convert_export(demo / "export.xml", tmp_path / "site")
    comments = json.loads(
        (tmp_path / "site/content/posts/harbour-sourdough-recipe/comments.json").read_text()
    )
    assert [(c["id"], c["parent"]) for c in comments] == [(501, 0), (502, 0), (503, 502)]
    assert set(comments[0]) == {"id", "parent", "author", "author_url", "date", "content"}


def test_demo_front_matter(tmp_path, demo, demo_uploads):
    convert_export(demo / "export.xml", tmp_path / "site", uploads=demo_uploads)
    post = frontmatter.load(tmp_path / "site/content/posts/sunrise-over-the-harbour-ovens/index.md")
    assert post["title"] == "Sunrise Over the Harbour Ovens"
    assert post["date"] == "2025-03-03T07:30:00+00:00"
    assert post["categories"] == ["News"] and post["tags"] == ["sourdough", "community"]
    assert post["authors"] == ["Maggie Lane"] and post["sticky"] is True
    assert post["featured_image"] == "/wp-content/uploads/2025/03/harbour.png"  # the archive has it
    assert "/2025/03/03/sunrise-over-the-harbour-ovens/" in post["aliases"]
    child = tmp_path / "site/content/about/our-team/index.md"
    assert frontmatter.load(child)["title"] == "Our Team"


def test_same_export_gives_identical_bytes(tmp_path, demo, demo_uploads):
    convert_export(demo / "export.xml", tmp_path / "one", uploads=demo_uploads)
    convert_export(demo / "export.xml", tmp_path / "two", uploads=demo_uploads)
    assert digest(tmp_path / "one") == digest(tmp_path / "two")
    assert not filecmp.dircmp(tmp_path / "one", tmp_path / "two").diff_files


def test_theme_unit_test_builds_and_every_published_item_is_reachable(wxr, tmp_path, hugo_build):
    site = tmp_path / "site"
    convert_export(wxr / "wptrt-themeunittestdata.wordpress.xml", site)
    public = hugo_build(site, tmp_path)
    missing = []
    for page in (site / "content").rglob("*index.md"):
        post = frontmatter.load(page)
        live = "wordpress_id" in post.metadata and not post["draft"] and "publishDate" not in post.metadata
        if live and not (public / page.parent.relative_to(site / "content") / "index.html").is_file():
            missing.append(str(page))
    assert missing == []


BAD_EXPORTS = [
    (b"hello, not xml", "not XML"),
    (b"<?xml version='1.0'?>\n<html><body/></html>", "root element is <html>"),
    # A prefix the file never declares: named as written (lxml's QName refuses the name outright).
    (b"<?xml version='1.0'?>\n<wp:post_id>1</wp:post_id>", "root element is <wp:post_id>"),
    (b"<?xml version='1.0'?>\n<rss><channel><title>x</title></channel></rss>", "no <wp:wxr_version>"),
    (
        b"<?xml version='1.0'?>\n<!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;'>]>\n<rss/>",
        "DOCTYPE",
    ),
    (
        b"<?xml version='1.0' encoding='UTF-8'?>\n<rss><channel>\n<title>\xff\xfe</title></channel></rss>",
        "encoding",
    ),
    (b"", "empty"),
]


@pytest.mark.parametrize(("data", "message"), BAD_EXPORTS)
def test_bad_input_fails_with_a_clear_error_and_leaves_out_dir_alone(tmp_path, data, message):
    export = tmp_path / "export.xml"
    export.write_bytes(data)
    out = tmp_path / "out"
    with pytest.raises(ConversionError) as error:
        convert_export(export, out)
    assert message in str(error.value)
    assert error.value.source == "export.xml"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.xml"]


def test_a_failed_run_keeps_the_previous_site(tmp_path, demo):
    out = tmp_path / "out"
    convert_export(demo / "export.xml", out)
    before = digest(out)
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<rss>")
    with pytest.raises(ConversionError):
        convert_export(bad, out, force=True)
    assert digest(out) == before


def test_quarantine_keeps_hacked_items_out_of_the_site(tmp_path, demo):
    export = tmp_path / "export.xml"
    text = (
        (demo / "export.xml")
        .read_text()
        .replace("Come early: they go fast.", 'Come early.<script src="https://evil.example/x.js"></script>')
    )
    export.write_text(text)
    report = convert_export(export, tmp_path / "site", options=ConvertOptions(hacked_content="quarantine"))
    post = frontmatter.load(tmp_path / "site/content/posts/croissant-week/index.md")
    assert post["draft"] is True and "evil.example" not in post.content
    assert {"stripped-content", "quarantined"} <= {w.code for w in report.warnings}


@pytest.mark.parametrize(
    ("title", "kind", "expected"),
    [
        ('Croissant Week<script src="https://evil.example/x">alert(1)</script>', "script", "Croissant Week"),
        ("Croissant Week <img src=x onerror=steal()>", "event-handler", "Croissant Week"),
    ],
)
def test_hacked_titles_are_cleaned_and_reported(tmp_path, demo, title, kind, expected):
    export = tmp_path / "export.xml"
    text = (demo / "export.xml").read_text()
    original = "<title><![CDATA[Croissant Week at the Bakery]]></title>"
    assert original in text
    export.write_text(text.replace(original, f"<title><![CDATA[{title}]]></title>"))
    report = convert_export(export, tmp_path / "site")
    post = frontmatter.load(tmp_path / "site/content/posts/croissant-week/index.md")
    assert post["title"] == expected
    assert any(w.code == "stripped-content" and kind in w.message for w in report.warnings)


def test_spam_comments_are_left_out_and_reported(tmp_path, demo):
    export = tmp_path / "export.xml"
    text = (demo / "export.xml").read_text()
    spam = '<a href="https://pills.example/">cheap viagra</a>'
    marker = "<wp:comment_id>502</wp:comment_id>"
    start = text.index(marker)
    content_at = text.index("<wp:comment_content><![CDATA[", start) + len("<wp:comment_content><![CDATA[")
    export.write_text(text[:content_at] + spam + text[content_at:])
    report = convert_export(export, tmp_path / "site")
    comments_file = tmp_path / "site/content/posts/harbour-sourdough-recipe/comments.json"
    comments = json.loads(comments_file.read_text())
    assert [(c["id"], c["parent"]) for c in comments] == [(501, 0), (503, 0)]
    assert [w.message for w in report.warnings if w.code == "spam-comment"] == [
        "comment 502 left out: spam links: https://pills.example/"
    ]
    assert report.counts["comment/spam"] == 1


def test_a_folder_given_as_the_export_is_named_as_a_folder(tmp_path):
    with pytest.raises(ConversionError, match="is a folder: give the export file"):
        convert_export(tmp_path, tmp_path / "out")
    with pytest.raises(ConversionError, match="does not exist"):
        convert_export(tmp_path / "missing.xml", tmp_path / "out")
