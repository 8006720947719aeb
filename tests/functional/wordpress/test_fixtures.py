"""Every shared WXR fixture converts, or fails with the clear error the WordPress importer gives."""

import json
from collections import Counter

import frontmatter
import pytest

from chalicelib.errors import ConversionError
from chalicelib.wordpress import convert_export
from chalicelib.wordpress.wxr import read_as_importer

CONVERTS = [
    # file, published posts and pages (written as content and not drafts)
    ("ghost-co-authors-plus.xml", 4),
    ("ghost-multiple-attachments-only.xml", 0),
    ("ghost-multiple-pages-only.xml", 1),
    ("ghost-multiple-posts-only.xml", 3),
    ("ghost-sample-with-alt.xml", 1),
    ("ghost-sample.xml", 4),
    ("importer-cdata-edge.xml", 1),
    ("importer-crazy-cdata-escaped.xml", 1),
    ("importer-crazy-cdata.xml", 1),
    ("importer-e2e-wxr-comprehensive.xml", 2),
    ("importer-missing-tags.xml", 1),
    ("importer-post-content-blank-lines.xml", 1),
    ("importer-slashes.xml", 1),
    ("importer-small-export.xml", 9),
    ("importer-test-serialized-comment-meta.xml", 0),
    ("importer-valid-wxr-1.1.xml", 2),
    ("importer-wxr-flat-attachment-same-site.xml", 1),
    ("importer-wxr-utf-8-challenges.xml", 1),
    ("wptrt-themeunittestdata.wordpress.xml", 70),  # 48 posts, 21 pages, 1 future post
]
FAILS = [
    ("importer-invalid-version-tag.xml", "invalid WXR version 'abc'"),
    ("importer-malformed-simple.xml", "truncated"),
]


def published(site):
    pages = [frontmatter.load(p) for p in sorted((site / "content").rglob("*index.md"))]
    return [p for p in pages if "wordpress_id" in p.metadata and not p.metadata.get("draft")]


@pytest.mark.parametrize(("name", "expected"), CONVERTS)
def test_fixture_converts(wxr, tmp_path, name, expected):
    site = tmp_path / "site"
    report = convert_export(wxr / name, site)
    assert (site / "hugo.toml").is_file()
    assert len(published(site)) == expected
    assert json.loads(report.to_json())["source"] == name


@pytest.mark.parametrize(("name", "message"), FAILS)
def test_fixture_fails_clearly_and_leaves_nothing(wxr, tmp_path, name, message):
    site = tmp_path / "site"
    with pytest.raises(ConversionError) as error:
        convert_export(wxr / name, site)
    assert message in str(error.value)
    assert error.value.line and error.value.source == name
    assert not site.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["importer-crazy-cdata.xml", "importer-crazy-cdata-escaped.xml"])
def test_crazy_cdata_reads_like_the_wordpress_importer(wxr, name):
    item = read_as_importer(wxr / name, lambda reader: next(reader.items()))
    assert item.content == "Content with nested <![CDATA[ tags ]]> :)"
    assert item.meta == {
        "Plain string": "Foo",
        "Closing CDATA": "]]>",
        "Alot of CDATA": "This has <![CDATA[ opening and ]]> closing <![CDATA[ tags like this: ]]>",
    }


def test_slashes_are_kept_as_written(wxr, tmp_path):
    convert_export(wxr / "importer-slashes.xml", tmp_path / "site")
    post = next(p for p in published(tmp_path / "site"))
    assert "\\'" in post.content or "\\\\'" in post.content


def test_theme_unit_test_counts(wxr, tmp_path):
    report = convert_export(wxr / "wptrt-themeunittestdata.wordpress.xml", tmp_path / "site")
    assert report.counts["post/published"] == 48
    assert report.counts["post/draft"] == 2  # one draft, one password-protected
    assert report.counts["post/future"] == 1
    assert report.counts["page/published"] == 21
    assert report.counts["attachment/media"] == 38
    codes = Counter(w.code for w in report.warnings)
    assert codes["password-protected"] == 1
    assert codes["missing-media"] > 0


def test_utf8_challenges_keep_their_characters(wxr, tmp_path):
    convert_export(wxr / "importer-wxr-utf-8-challenges.xml", tmp_path / "site")
    post = published(tmp_path / "site")[0]
    assert "\u202e" in post["title"] or "🚀" in post["title"] or "🚀" in post.content


def test_a_site_split_across_exports_converts_each_part(wxr, tmp_path):
    for part in ("posts-only", "pages-only", "attachments-only"):
        convert_export(wxr / f"ghost-multiple-{part}.xml", tmp_path / part)
    assert json.loads((tmp_path / "attachments-only/data/media.json").read_text())[0]["id"]


def test_custom_post_types_keep_the_section_their_old_addresses_had(wxr, tmp_path):
    # customcpt's item was at /mycpt/amazing-article: its section is mycpt, not the type's name
    convert_export(wxr / "ghost-sample.xml", tmp_path / "site")
    assert (tmp_path / "site/content/mycpt/amazing-article/index.md").is_file()
    assert not (tmp_path / "site/content/customcpt").exists()


def test_custom_post_type_section_is_configurable(wxr, tmp_path):
    from chalicelib.wordpress import ConvertOptions

    convert_export(
        wxr / "ghost-sample.xml",
        tmp_path / "site",
        options=ConvertOptions(custom_types={"customcpt": "work"}),
    )
    assert list((tmp_path / "site/content/work").glob("*/index.md"))


def test_co_authors_become_the_author_taxonomy(wxr, tmp_path):
    convert_export(wxr / "ghost-co-authors-plus.xml", tmp_path / "site")
    authors = [p.metadata.get("authors", []) for p in published(tmp_path / "site")]
    assert any(len(a) > 1 for a in authors)


def test_theme_unit_test_menus_and_hierarchy(wxr, tmp_path):
    convert_export(wxr / "wptrt-themeunittestdata.wordpress.xml", tmp_path / "site")
    toml = (tmp_path / "site/hugo.toml").read_text()
    assert "[[menus.main]]" in toml and 'parent = "wp-' in toml
    assert (tmp_path / "site/content/level-1/level-2/level-3/index.md").is_file()
