"""WordPress's list blocks (Latest Posts, Archives, Categories, Tag Cloud, Search) are built by the
theme from the new site's own posts and terms, as WordPress built them from its database. Before,
they were left out with a warning: a "Blog" page of latest posts was a title alone."""

from __future__ import annotations

import re

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.wxr_items import SITE, category, item, write_export

LATEST = (
    '<!-- wp:latest-posts {"postsToShow":2,"displayPostDate":true,"displayPostContent":true,'
    '"excerptLength":4} /-->'
)
ITEMS = [
    item(
        "Harbour day",
        post_id=1,
        slug="harbour-day",
        date="2021-03-04 05:06:07",
        terms=(("category", "news", "News"), ("post_tag", "boats", "Boats")),
        content="<p>The boats came in early and the market opened at six.</p>",
    ),
    item(
        "Market hours",
        post_id=2,
        slug="market-hours",
        date="2022-05-06 07:08:09",
        terms=(
            ("category", "notices", "Notices"),
            ("post_tag", "boats", "Boats"),
            ("post_tag", "fish", "Fish"),
        ),
        content=f"<p>Open from six until noon, every day.</p>{LATEST}",
    ),
    item(
        "Old news",
        post_id=3,
        slug="old-news",
        date="2020-01-02 03:04:05",
        terms=(("category", "news", "News"),),
        content=f"<p>Nothing new here at all.</p>{LATEST}",
    ),
    item(
        "Blog",
        post_id=4,
        post_type="page",
        slug="blog-lists",
        content=(
            f"<p>What we wrote.</p>{LATEST}"
            '<!-- wp:latest-posts {"categories":[{"id":1,"value":"News"}],'
            '"orderBy":"title","order":"asc"} /-->'
            '<!-- wp:archives {"type":"yearly","showPostCounts":true} /-->'
            '<!-- wp:categories {"showPostCounts":true} /--><!-- wp:tag-cloud /-->'
            '<!-- wp:search {"label":"Find a post","buttonText":"Go"} /-->'
        ),
    ),
    item(
        "Search",
        post_id=5,
        post_type="page",
        slug="search",
        link=f"{SITE}/search/",
        content='<p>Type a word.</p><!-- wp:search {"label":"Search"} /-->',
    ),
]


def test_the_list_blocks_are_built_from_the_new_sites_posts(tmp_path, hugo_build):
    report = convert_export(write_export(tmp_path / "export.xml", ITEMS), tmp_path / "site")
    assert [w for w in report.warnings if w.code == "dynamic-block"] == []
    public = hugo_build(tmp_path / "site", tmp_path)
    page = (public / "blog-lists" / "index.html").read_text()
    lists = re.findall(r'<ul class="(latest-posts|archives|term-list|term-cloud)">(.*?)</ul>', page, re.S)
    links = [
        (kind, re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>( \(\d+\))?', inner)) for kind, inner in lists
    ]
    assert links == [
        (
            "latest-posts",
            [("/posts/market-hours/", "Market hours", ""), ("/posts/harbour-day/", "Harbour day", "")],
        ),
        ("latest-posts", [("/posts/harbour-day/", "Harbour day", ""), ("/posts/old-news/", "Old news", "")]),
        (
            "archives",
            [
                ("/archives/2022/", "2022", " (1)"),
                ("/archives/2021/", "2021", " (1)"),
                ("/archives/2020/", "2020", " (1)"),
            ],
        ),
        ("term-list", [("/categories/news/", "News", " (2)"), ("/categories/notices/", "Notices", " (1)")]),
        ("term-cloud", [("/tags/boats/", "Boats", ""), ("/tags/fish/", "Fish", "")]),
    ]
    assert "<p>The boats came in…</p>" in page and '<time datetime="2022-05-06T07:08:09' in page
    cloud = re.findall(r'font-size: ([\d.]+)em">(\w+)', page)
    assert cloud == [("1.80", "Boats"), ("0.80", "Fish")]  # used twice and once
    assert "ZgotmplZ" not in page and '<a href="/categories/news/">News</a> (2)' in page  # a plain list
    assert '<form class="search-form" role="search" method="get" action="/search/">' in page
    assert (
        ">Find a post</label>" in page and '<button type="submit" class="search-submit">Go</button>' in page
    )
    # Posts that list each other build: each list is read from the posts' source, not their rendering.
    market = (public / "posts" / "market-hours" / "index.html").read_text()
    assert (
        '<a href="/posts/harbour-day/">Harbour day</a>' in market
        and 'href="/posts/market-hours/"' not in market.split("latest-posts", 1)[1].split("</ul>", 1)[0]
    )


def test_the_search_page_shows_one_form_its_own(tmp_path, hugo_build):
    convert_export(write_export(tmp_path / "export.xml", ITEMS), tmp_path / "site")
    public = hugo_build(tmp_path / "site", tmp_path)
    search = (public / "search" / "index.html").read_text()
    assert "Type a word." in search and search.count('<form class="search-form"') == 1
    assert 'id="search-input"' in search  # the search layout's form, which its script answers


PAGES = [
    item("Zoo", post_id=10, post_type="page", slug="zoo", content="<p>Animals.</p>"),
    item("About", post_id=11, post_type="page", slug="about", content="<p>Us.</p>"),
    item("Team", post_id=12, post_type="page", slug="team", parent=11, content="<p>Who.</p>"),
    item("Board", post_id=13, post_type="page", slug="board", parent=11, content="<p>Them.</p>"),
    item("Hello", post_id=14, slug="hello", content="<p>A post.</p>"),
    item("Sitemap", post_id=15, post_type="page", slug="sitemap", content="<!-- wp:page-list /-->"),
    item(
        "Inside",
        post_id=16,
        post_type="page",
        slug="inside",
        content='<!-- wp:page-list {"parentPageID":11} /-->',
    ),
]


def test_a_page_list_lists_the_pages_nested_in_wordpress_order(tmp_path, hugo_build):
    convert_export(write_export(tmp_path / "export.xml", PAGES), tmp_path / "site")
    public = hugo_build(tmp_path / "site", tmp_path)
    sitemap = (public / "sitemap" / "index.html").read_text()
    shown = re.sub(r"\s+", "", sitemap.split('<ul class="page-list">', 1)[1].rsplit("</ul>", 1)[0])
    assert shown == (
        '<li><ahref="/about/">About</a><ulclass="page-list"><li><ahref="/about/board/">Board</a></li>'
        '<li><ahref="/about/team/">Team</a></li></ul></li><li><ahref="/inside/">Inside</a></li>'
        '<li><ahref="/sitemap/">Sitemap</a></li><li><ahref="/zoo/">Zoo</a></li>'
    )
    inside = (public / "inside" / "index.html").read_text().split('<ul class="page-list">', 1)[1]
    assert re.findall(r'<a href="([^"]*)"', inside.split("</ul>", 1)[0]) == ["/about/board/", "/about/team/"]
    # The posts are the site's main section: the home page lists them, not About's two pages.
    home = (public / "index.html").read_text()
    assert re.findall(r'summary-title"><a href="([^"]+)"', home) == ["/posts/hello/"]


def test_a_query_loop_names_its_categories_by_the_exports_term_ids(tmp_path, hugo_build):
    """A Query Loop keeps only term ids (`"taxQuery":{"category":[7]}`); the export's channel says
    which category each id is."""
    loop = (
        '<!-- wp:query {"query":{"perPage":5,"postType":"post","taxQuery":{"category":[7]}}} -->'
        "<div><!-- wp:post-template --><!-- wp:post-title /--><!-- /wp:post-template --></div>"
        "<!-- /wp:query -->"
    )
    items = [*ITEMS[:3], item("News page", post_id=6, post_type="page", slug="news-page", content=loop)]
    channel = category(7, "news", "News") + category(8, "notices", "Notices")
    report = convert_export(write_export(tmp_path / "export.xml", items, channel), tmp_path / "site")
    assert [w for w in report.warnings if w.code == "dynamic-block"] == []
    public = hugo_build(tmp_path / "site", tmp_path)
    page = (public / "news-page" / "index.html").read_text().split('<ul class="latest-posts">', 1)[1]
    assert re.findall(r'<a href="([^"]+)"', page.split("</ul>", 1)[0]) == [
        "/posts/harbour-day/",
        "/posts/old-news/",
    ]
