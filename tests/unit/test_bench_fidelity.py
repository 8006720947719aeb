"""The fidelity bench's measures decide from the export and the built HTML: table-driven cases on
small hand-written exports and public/ folders."""

import json

import pytest

from bench.fidelity import measures
from bench.fidelity.export import gmt_date, read_export
from bench.fidelity.site import BuiltSite

EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>S</title><link>https://old.example/blog</link>
<wp:base_blog_url>https://old.example/blog</wp:base_blog_url><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Hello &amp; welcome</title><link>https://old.example/blog/2024/01/02/hello/</link>
<category domain="category" nicename="news"><![CDATA[News]]></category>
<content:encoded><![CDATA[<p>Hi <img src="https://old.example/blog/wp-content/uploads/2024/01/a-300x200.jpg"></p>
<img src="https://old.example/blog/wp-content/uploads/2024/01/b.png">
<pre>
line one

  indented &lt;tag&gt;
</pre>]]></content:encoded>
<wp:post_id>5</wp:post_id><wp:post_date>2024-01-02 04:04:05</wp:post_date>
<wp:post_date_gmt>2024-01-02 03:04:05</wp:post_date_gmt><wp:post_name>hello</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content>Nice post, thanks</wp:comment_content>
<wp:comment_approved>1</wp:comment_approved></wp:comment>
<wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_content>Buy pills</wp:comment_content>
<wp:comment_approved>spam</wp:comment_approved></wp:comment>
</item>
<item><title>Secret plans</title><link>https://old.example/blog/?p=6</link>
<content:encoded><![CDATA[<p>These are the secret plans nobody may read yet.</p>]]></content:encoded>
<wp:post_id>6</wp:post_id><wp:status>draft</wp:status><wp:post_type>post</wp:post_type>
</item>
</channel></rss>
"""

PAGE = """<html><head><title>Hello &amp; welcome</title>
<meta property="article:published_time" content="{date}"></head><body><h1>Hello &amp; welcome</h1>
<a href="/categories/news/">News</a>
<img src="/wp-content/uploads/2024/01/a.jpg"><img src="{b}">
<pre><code>line one

  indented &lt;tag&gt;
</code></pre>
<p>Nice post, thanks</p>{extra}</body></html>"""


def make_site(
    tmp_path,
    *,
    date="2024-01-02T04:04:05+01:00",
    b="https://old.example/blog/wp-content/uploads/2024/01/b.png",
    extra="",
    alias=True,
    a_file=True,
):
    public = tmp_path / "public"
    (public / "posts/hello").mkdir(parents=True)
    (public / "posts/hello/index.html").write_text(PAGE.format(date=date, b=b, extra=extra))
    if alias:
        (public / "2024/01/02/hello").mkdir(parents=True)
        (public / "2024/01/02/hello/index.html").write_text(
            '<!DOCTYPE html><html><head><meta http-equiv="refresh" content="0; url=https://new.example/posts/hello/"></head></html>'
        )
    if a_file:
        (public / "wp-content/uploads/2024/01").mkdir(parents=True)
        (public / "wp-content/uploads/2024/01/a.jpg").write_bytes(b"jpg")
    (public / "map.json").write_text(json.dumps({"p": {"5": "/posts/hello/"}}))
    (public / "index.html").write_text(
        '<script src="/js/wordpress-redirects.min.js" data-map="/map.json"></script>'
    )
    return BuiltSite(public, "https://new.example/")


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text(EXPORT)
    return read_export(path)


def test_a_faithful_site_passes_every_measure(tmp_path, export):
    site = make_site(tmp_path)
    pages = measures.find_pages(export, site)
    assert pages == {"5": site.public / "posts/hello/index.html"}
    for m in (
        measures.items_built(export, pages),
        measures.unpublished_leaked(export, site),
        measures.dates(export, pages),
        measures.taxonomies(export, pages),
        measures.media_kept(export, site, pages),
        measures.pre_identical(export, pages),
        measures.comments(export, pages),
    ):
        assert (m.name, m.passed, m.total, m.failures) == (m.name, m.total, m.total, [])
        assert m.total >= 1


def test_old_urls_go_through_aliases_and_the_p_map(tmp_path, export):
    site = make_site(tmp_path)
    assert site.answer("/2024/01/02/hello/", "") == site.public / "posts/hello/index.html"
    assert site.answer("/", "p=5") == site.public / "posts/hello/index.html"
    assert site.answer("/", "p=6") is None
    assert site.answer("/../etc/passwd", "") is None
    m = measures.old_urls(export, site)
    assert "post 5 'Hello & welcome': /2024/01/02/hello/ does not answer" not in m.failures
    assert "the site's feed: /feed/ does not answer" in m.failures


def test_without_its_alias_the_old_link_fails_but_the_item_is_found_by_p(tmp_path, export):
    site = make_site(tmp_path, alias=False)
    assert measures.items_built(export, measures.find_pages(export, site)).met
    assert (
        "post 5 'Hello & welcome': /2024/01/02/hello/ does not answer"
        in measures.old_urls(export, site).failures
    )


@pytest.mark.parametrize(
    ("change", "measure", "failure"),
    [
        (
            {"date": "2024-01-02T04:04:05Z"},
            "dates",
            "page 2024-01-02 04:04:05, export 2024-01-02 03:04:05 UTC",
        ),
        ({"a_file": False}, "media", "/wp-content/uploads/2024/01/a.jpg is not served"),
        ({"b": "/nowhere/b.png"}, "media", "/nowhere/b.png is not served"),
        (
            {"extra": "<p>These are the secret plans nobody may read yet.</p>"},
            "leak",
            "its text is in posts/hello/index.html",
        ),
    ],
)
def test_each_loss_is_caught_and_said(tmp_path, export, change, measure, failure):
    site = make_site(tmp_path, **change)
    pages = measures.find_pages(export, site)
    m = {
        "dates": lambda: measures.dates(export, pages),
        "media": lambda: measures.media_kept(export, site, pages),
        "leak": lambda: measures.unpublished_leaked(export, site),
    }[measure]()
    assert not m.met
    assert any(failure in f for f in m.failures), m.failures


def test_a_changed_pre_block_is_caught(tmp_path, export):
    site = make_site(tmp_path)
    page = site.public / "posts/hello/index.html"
    page.write_text(page.read_text().replace("line one\n\n", "line one\n"))
    assert not measures.pre_identical(export, measures.find_pages(export, site)).met


def test_report_counts_are_checked_against_the_export_and_the_pages(tmp_path, export):
    pages = measures.find_pages(export, make_site(tmp_path))
    assert measures.report_counts(export, {"post/published": 1, "post/draft": 1}, pages).met
    wrong = measures.report_counts(export, {"post/published": 2}, pages)
    assert wrong.failures == ["post: the report says 2 published or due, 1 built"]


def test_a_page_that_lost_its_old_urls_is_still_found_by_its_heading(tmp_path, export):
    site = make_site(tmp_path, alias=False)
    (site.public / "map.json").write_text("{}")
    assert not measures.old_urls(export, site).met
    assert measures.find_pages(export, site) == {"5": site.public / "posts/hello/index.html"}


def test_a_scheduled_post_is_public_once_its_date_is_past_and_the_last_id_counts(tmp_path):
    # wp_insert_post publishes a `future` post whose GMT date has passed; the importer keeps the
    # last <wp:post_id> it reads. The bench reads the export the same way.
    def scheduled(post_id: int, gmt: str) -> str:
        return (
            f"<item><title>S{post_id}</title><wp:post_id>1</wp:post_id><wp:post_id>{post_id}</wp:post_id>"
            f"<wp:post_date_gmt>{gmt}</wp:post_date_gmt><wp:status>future</wp:status>"
            "<wp:post_type>post</wp:post_type></item>"
        )

    items = scheduled(7, "2020-01-01 00:00:00") + scheduled(8, "2999-01-01 00:00:00")
    path = tmp_path / "export.xml"
    path.write_text(EXPORT.replace("</channel>", items + "</channel>"))
    by_id = {item.id: item for item in read_export(path).items}
    assert by_id["7"].public and not by_id["7"].hidden
    assert by_id["8"].hidden and not by_id["8"].public
    assert "1" not in by_id


def test_the_measure_reads_an_export_with_control_characters_as_wordpress_does(tmp_path):
    # A ^P pasted into a post: libxml2's recovery ended the export there, so the measure counted
    # 274 of a real blog's 340 posts and said the converter's report was wrong.
    path = tmp_path / "export.xml"
    items = "".join(
        f"<item><title>P{n}</title><wp:post_id>{n}</wp:post_id><wp:status>publish</wp:status>"
        f"<wp:post_type>post</wp:post_type>"
        f"<content:encoded><![CDATA[<pre>a\x10s. {n}\n</pre>]]></content:encoded></item>"
        for n in range(1, 4)
    )
    path.write_bytes(
        (
            '<?xml version="1.0" encoding="UTF-8" ?>\n'
            '<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><wp:wxr_version>1.2</wp:wxr_version>{items}</channel></rss>"
        ).encode()
    )
    assert [item.id for item in read_export(path).public_items] == ["1", "2", "3"]


FRONT_EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>S</title><link>https://old.example</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Home</title><link>https://old.example/</link>
<content:encoded><![CDATA[<p>Welcome to the bakery on the harbour.</p>
<img src="https://old.example/wp-content/uploads/2019/09/portrait-1000x1000.jpg">]]></content:encoded>
<wp:post_id>12</wp:post_id><wp:status>publish</wp:status><wp:post_type>page</wp:post_type>
</item>
</channel></rss>
"""


@pytest.mark.parametrize("shown", [True, False])
def test_a_static_front_page_is_found_at_home_by_its_text_not_its_title(tmp_path, shown):
    """WordPress's themes may leave the front page's title off the home page (Twenty Twenty-One does)."""
    path = tmp_path / "export.xml"
    path.write_text(FRONT_EXPORT)
    export = read_export(path)
    public = tmp_path / "public"
    public.mkdir()
    text = "<p>Welcome to the bakery on the harbour.</p>" if shown else "<p>Recent posts</p>"
    image = '<img src="https://old.example/wp-content/uploads/2019/09/portrait-1000x1000-500x500.jpg">'
    (public / "index.html").write_text(
        f"<html><head><title>S</title></head><body>{text}{image}</body></html>"
    )
    site = BuiltSite(public, "https://new.example/")
    pages = measures.find_pages(export, site)
    assert pages == ({"12": public / "index.html"} if shown else {})
    if shown:  # a resized copy of a file whose own name ends like a size is that file
        assert measures.media_kept(export, site, pages).met


def test_the_measure_reads_an_export_another_tool_wrote_as_wordpress_stores_it(tmp_path):
    # A 2025 export run through a pretty-printer (every CDATA on its own line, spaces inside: an empty
    # password is " "), and one a REST-API tool wrote (ISO 8601 "T" dates, a category twice): the
    # measure called every post password-protected, every date wrong and the category's archive a
    # page longer than WordPress's.
    path = tmp_path / "export.xml"
    item = (
        "<item><title>P</title><link>https://old.example/blog/2024/01/02/p/</link>\n"
        '<category domain="category" nicename="news"><![CDATA[News]]></category>'
        '<category domain="category" nicename="news"><![CDATA[News]]></category>\n'
        "<wp:post_id>\n<![CDATA[ 9 ]]>\n</wp:post_id><wp:post_password>\n<![CDATA[ ]]>\n</wp:post_password>\n"
        "<wp:post_date>2024-01-02T05:04:05</wp:post_date><wp:post_date_gmt>2024-01-02T03:04:05</wp:post_date_gmt>\n"
        "<wp:status>\n<![CDATA[ publish ]]>\n</wp:status>"
        "<wp:post_type>\n<![CDATA[ post ]]>\n</wp:post_type>\n<content:encoded>"
        '<![CDATA[<p>Text</p><pre class="wp-block-code"><code></code></pre>]]></content:encoded>'
        "</item>"
    )
    path.write_text(EXPORT.replace("</channel>", item + "</channel>"))
    read = read_export(path)
    (post,) = [i for i in read.public_items if i.id == "9"]
    assert gmt_date(post) == ("2024-01-02 03:04:05", True)
    assert post.term_slugs == [("category", "news")]
    public = tmp_path / "public"
    (public / "posts/p").mkdir(parents=True)
    (public / "posts/p/index.html").write_text(
        '<html><head><meta property="article:published_time" content="2024-01-02T05:04:05+02:00"></head>'
        "<body><h1>P</h1><p>Text</p></body></html>"
    )
    pages = measures.find_pages(read, BuiltSite(public, "https://new.example/"))
    only = type(read)(read.path, read.base_url, [post])
    assert measures.dates(only, pages).met
    blocks = measures.pre_identical(only, pages)
    assert blocks.met and blocks.not_counted == 1  # the empty code block is nothing to keep
