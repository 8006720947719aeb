"""Any export a conforming XML 1.0 + Namespaces parser accepts is read: elements are matched by namespace
URI, whatever the prefix, and namespace names libxml2 calls "not a valid URI" are still names. So is an
export with a prefix it never declares, as WordPress's importer reads one (WordPress.com's older exports)."""

from pathlib import Path

import pytest

from chalicelib.errors import ConversionError
from chalicelib.wordpress.wxr import ExportReader

ITEM = """<item><title>Hello</title><link>https://old.example/hello/</link>
<{dc}creator>ann</{dc}creator><{content}encoded><![CDATA[<p>Body</p>]]></{content}encoded>
<{excerpt}encoded><![CDATA[Short]]></{excerpt}encoded>
<{wp}post_id>7</{wp}post_id><{wp}post_date>2020-01-02 03:04:05</{wp}post_date>
<{wp}post_name>hello</{wp}post_name><{wp}status>publish</{wp}status><{wp}post_type>post</{wp}post_type>
<{wp}postmeta><{wp}meta_key>k</{wp}meta_key><{wp}meta_value>v</{wp}meta_value></{wp}postmeta>
</item>"""


def export(
    tmp_path: Path, root_attrs: str, wp: str, content: str, excerpt: str, dc: str, version: str
) -> Path:
    item = ITEM.format(wp=wp, content=content, excerpt=excerpt, dc=dc)
    text = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" {root_attrs}><channel>'
        f"<title>Site</title><{wp}wxr_version>{version}</{wp}wxr_version>{item}</channel></rss>"
    )
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    return path


def read_one(path: Path):
    reader = ExportReader(path)
    items = list(reader.items())
    assert len(items) == 1
    return reader, items[0]


def assert_read(item) -> None:
    assert (item.id, item.title, item.slug, item.creator) == (7, "Hello", "hello", "ann")
    assert item.content == "<p>Body</p>"
    assert item.excerpt == "Short"
    assert item.date == "2020-01-02 03:04:05"
    assert item.meta == {"k": "v"}


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_every_wxr_namespace_version_is_read(tmp_path, version, scheme):
    ns = f"{scheme}://wordpress.org/export/{version}/"
    attrs = (
        f'xmlns:wp="{ns}" xmlns:excerpt="{ns}excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
    )
    reader, item = read_one(export(tmp_path, attrs, "wp:", "content:", "excerpt:", "dc:", version))
    assert reader.site.wxr_version == version
    assert_read(item)


def test_unusual_prefixes_bound_to_the_same_uris_are_read(tmp_path):
    attrs = (
        'xmlns:w="http://wordpress.org/export/1.2/" xmlns:ex="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:c="http://purl.org/rss/1.0/modules/content/" xmlns:creator="http://purl.org/dc/elements/1.1/"'
    )
    _, item = read_one(export(tmp_path, attrs, "w:", "c:", "ex:", "creator:", "1.2"))
    assert_read(item)


def test_default_namespaces_on_the_elements_themselves_are_read(tmp_path):
    text = (
        '<rss version="2.0"><channel><wxr_version xmlns="http://wordpress.org/export/1.2/">1.2</wxr_version>'
        "<item><title>Hello</title>"
        '<creator xmlns="http://purl.org/dc/elements/1.1/">ann</creator>'
        '<encoded xmlns="http://purl.org/rss/1.0/modules/content/"><![CDATA[<p>Body</p>]]></encoded>'
        '<encoded xmlns="http://wordpress.org/export/1.2/excerpt/">Short</encoded>'
        '<wpfields xmlns="http://wordpress.org/export/1.2/" />'
        '<post_id xmlns="http://wordpress.org/export/1.2/">7</post_id>'
        '<post_date xmlns="http://wordpress.org/export/1.2/">2020-01-02 03:04:05</post_date>'
        '<post_name xmlns="http://wordpress.org/export/1.2/">hello</post_name>'
        '<postmeta xmlns="http://wordpress.org/export/1.2/"><meta_key>k</meta_key><meta_value>v</meta_value>'
        "</postmeta></item></channel></rss>"
    )
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    assert_read(read_one(path)[1])


def test_an_rss_default_namespace_on_the_root_is_read(tmp_path):
    attrs = 'xmlns="http://backend.userland.com/rss2" xmlns:wp="http://wordpress.org/export/1.2/"'
    attrs += ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
    attrs += ' xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
    reader, item = read_one(export(tmp_path, attrs, "wp:", "content:", "excerpt:", "dc:", "1.2"))
    assert reader.site.title == "Site"
    assert_read(item)


@pytest.mark.parametrize(
    "uri", ["http://exämple.org/ns/ü", "http://example.org/a b", "urn:日本語", "relative/ns", "http://a/%zz"]
)
def test_namespace_names_that_libxml2_calls_invalid_are_still_names(tmp_path, uri):
    attrs = (
        f'xmlns:odd="{uri}" xmlns:wp="http://wordpress.org/export/1.2/" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
    )
    path = export(tmp_path, attrs, "wp:", "content:", "excerpt:", "dc:", "1.2")
    path.write_text(path.read_text().replace("<title>Hello", "<odd:x>ignored</odd:x><title>Hello"))
    assert_read(read_one(path)[1])


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<wp:post_id>1</wp:post_id><a></b>", "not well-formed"),
        ('<wp:post_id>1</wp:post_id><a b="1" b="2"/>', "not well-formed"),
    ],
)
def test_other_errors_are_still_refused_with_their_line(tmp_path, body, reason):
    attrs = 'xmlns:odd="http://exämple.org/" xmlns:wp="http://wordpress.org/export/1.2/"'
    text = (
        f'<rss version="2.0" {attrs}><channel><wp:wxr_version>1.2</wp:wxr_version>\n'
        f"<item><title>x</title>\n{body}</item></channel></rss>"
    )
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConversionError) as caught:
        list(ExportReader(path).items())
    assert reason in str(caught.value)
    assert caught.value.line == 3


def test_a_truncated_export_is_still_refused(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text(
        '<rss xmlns:odd="http://exämple.org/" xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        "<wp:wxr_version>1.2</wp:wxr_version><item><title>x</title>",
        encoding="utf-8",
    )
    with pytest.raises(ConversionError, match="truncated"):
        list(ExportReader(path).items())


@pytest.mark.parametrize(
    "wp",
    ["http://wordpress.org/export/1.2", "http://wordpress.org/export/1.3/", "https://example.com/my-export/"],
)
def test_wp_and_excerpt_prefixes_bound_to_other_uris_are_read_as_the_importer_reads_them(tmp_path, wp):
    attrs = (
        f'xmlns:wp="{wp}" xmlns:excerpt="{wp}/excerpt" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
    )
    reader, item = read_one(export(tmp_path, attrs, "wp:", "content:", "excerpt:", "dc:", "1.2"))
    assert reader.site.wxr_version == "1.2"
    assert_read(item)


def test_an_unknown_uri_under_another_prefix_is_not_wordpress(tmp_path):
    attrs = (
        'xmlns:wp="http://wordpress.org/export/1.2/" xmlns:other="http://example.com/not-wp/" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
    )
    path = export(tmp_path, attrs, "wp:", "content:", "excerpt:", "dc:", "1.2")
    path.write_text(
        path.read_text().replace(
            "<wp:post_name>hello", "<other:post_name>x</other:post_name><wp:post_name>hello"
        )
    )
    _, item = read_one(path)
    assert item.slug == "hello"


# The head of a WordPress.com export of 2011: `atom:` is used in the channel and never declared.
WORDPRESS_COM_2011 = """<?xml version="1.0" encoding="UTF-8"?>
<!-- generator="WordPress.com" created="2011-05-23 09:08"-->
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.0/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.0/"
>
<channel>
	<title>Site</title>
	<link>http://site.wordpress.com</link>
	<wp:wxr_version>1.0</wp:wxr_version>
	<wp:base_blog_url>http://site.wordpress.com</wp:base_blog_url>
	<atom:link rel="search" type="application/opensearchdescription+xml" href="http://x/osd.xml" />
	<atom:link rel='hub' href='http://site.wordpress.com/?pushpress=hub'/>
{item}
</channel>
</rss>
"""


def test_a_prefix_nothing_declares_is_passed_over_as_the_importer_does(tmp_path):
    item = ITEM.format(wp="wp:", content="content:", excerpt="excerpt:", dc="dc:")
    item = item.replace("<title>Hello", "<media:thumbnail url='http://x/y.jpg'/><title>Hello")
    path = tmp_path / "export.xml"
    path.write_text(WORDPRESS_COM_2011.format(item=item), encoding="utf-8")
    reader, read = read_one(path)
    assert (reader.site.wxr_version, reader.site.title) == ("1.0", "Site")
    assert_read(read)


def refusal(tmp_path, text: str) -> str:
    """Why reading the export `text` was refused."""
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConversionError) as caught:
        list(ExportReader(path).items())
    return str(caught.value)


def test_an_undeclared_wp_prefix_fails_as_it_fails_the_importer_and_says_how_to_mend_it(tmp_path):
    message = refusal(
        tmp_path,
        '<rss version="2.0"><channel><title>S</title><wp:wxr_version>1.2</wp:wxr_version>'
        "<item><title>x</title><wp:post_id>3</wp:post_id></item></channel></rss>",
    )
    assert "no <wp:wxr_version> (it writes wp: without declaring it: " in message
    assert 'xmlns:wp="http://wordpress.org/export/1.2/"' in message


def test_a_refusal_quotes_libxml2_on_one_line_whatever_text_it_quotes(tmp_path):
    message = refusal(
        tmp_path,
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        "<item><title>x</title><description><![CDATA[题目描述:\n\n<blockquote>Consider the string <c",
    )
    assert "\n" not in message
    assert "the export is truncated or unfinished (CData section not finished" in message


def test_a_git_merge_conflict_in_the_export_is_named_with_its_line(tmp_path):
    body = (
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>\n'
        "<item><title>x</title>\n<<<<<<< HEAD\n<wp:post_id>3</wp:post_id>\n=======\n"
        "<wp:post_id>4</wp:post_id>\n>>>>>>> theirs\n</item></channel></rss>"
    )
    message = refusal(tmp_path, body)
    assert "line 3: the export holds a Git merge conflict marker ('<<<<<<< HEAD')" in message
    assert "resolve the conflict, or export the site again" in message


def test_an_item_that_lost_its_start_tag_is_named_with_what_to_put_back(tmp_path):
    """A migration tool's fixture had its first `<item>` gone; the refusal quoted libxml2 alone."""
    body = (
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>\n'
        "<title>First</title>\n<wp:post_id>1</wp:post_id>\n</item>\n"
        "<item><title>Second</title></item></channel></rss>"
    )
    message = refusal(tmp_path, body)
    assert "line 4: the export is not well-formed XML (Opening and ending tag mismatch: channel" in message
    assert "has lost its <item> start tag; put it back before the item's <title>" in message


def test_a_sites_rss_feed_given_as_the_export_is_named_so_with_the_way_out(tmp_path):
    message = refusal(
        tmp_path,
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<channel><title>S</title><link>https://old.example</link>\n<item><title>Hello</title>"
        "<link>https://old.example/hello/</link><pubDate>Mon, 06 May 2024 07:08:09 +0000</pubDate>"
        '<guid isPermaLink="false">https://old.example/?p=5</guid></item></channel></rss>',
    )
    assert "no <wp:wxr_version> (it reads like the site's RSS feed" in message
    assert "Tools > Export" in message


def test_an_export_a_tool_stripped_of_its_wp_prefixes_is_named_so(tmp_path):
    """A real export re-serialized without its `wp:` prefixes (`<post_type>`) was refused as "like the
    site's RSS feed, which holds only its latest posts": the advice was right, the diagnosis not."""
    message = refusal(
        tmp_path,
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>S</title>'
        "<wxr_version>1.2</wxr_version>\n<item><title>Hello</title><pubDate>Mon, 06 May 2024</pubDate>"
        "<post_id>5</post_id><post_type>post</post_type><status>publish</status></item></channel></rss>",
    )
    assert "without their wp: prefix, <post_id>: a tool rewrote the file" in message
    assert "RSS feed" not in message and "Tools > Export" in message
