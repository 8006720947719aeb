"""A published page whose address is a taxonomy list's (/archives/, /categories/, /tags/) is that
list's own page: its title and text above the list, at its old address. Before, it was renamed
(/archives-2/) and its old address answered with the list alone (a page named "Archives" is common
on WordPress blogs). A page with pages below it, or a draft, keeps being renamed."""

from __future__ import annotations

import frontmatter

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.wxr_items import SITE, item, write_export

ITEMS = [
    item(
        "Hello",
        post_id=1,
        slug="hello",
        date="2021-03-04 05:06:07",
        terms=(("category", "news", "News"),),
    ),
    item(
        "Archives",
        post_id=2,
        post_type="page",
        slug="archives",
        link=f"{SITE}/archives/",
        content="<p>Every post, by month.</p>",
    ),
    item("Topics", post_id=3, post_type="page", slug="categories", content="<p>What we write about.</p>"),
    item("Tags", post_id=4, post_type="page", slug="tags", status="draft", content="<p>Not yet.</p>"),
]


def test_a_page_named_like_a_taxonomy_list_is_that_lists_page(tmp_path, hugo_build):
    report = convert_export(write_export(tmp_path / "export.xml", ITEMS), tmp_path / "site")
    content = tmp_path / "site" / "content"
    archives = frontmatter.load(content / "archives" / "_index.md")
    assert archives["title"] == "Archives" and archives.content.strip() == "Every post, by month."
    assert frontmatter.load(content / "categories" / "_index.md")["title"] == "Topics"
    assert (content / "tags-2" / "index.md").exists()  # a draft is no list's page
    assert [w.message for w in report.warnings if w.code == "duplicate-slug"] == [
        "slug 'tags' was taken; written as 'tags-2'"
    ]
    public = hugo_build(tmp_path / "site", tmp_path)
    page = (public / "archives" / "index.html").read_text()
    assert '<h1 class="page-title">Archives</h1>' in page and "Every post, by month." in page
    assert 'href="/archives/2021/"' in page  # the list of months is still there, below the text
    topics = (public / "categories" / "index.html").read_text()
    assert "What we write about." in topics and 'href="/categories/news/"' in topics


POSTS_AT_LISTS = [
    item(
        "Hello",
        post_id=1,
        slug="hello",
        link=f"{SITE}/hello/",
        date="2021-03-04 05:06:07",
        terms=(("post_tag", "blocks", "Blocks"),),
    ),
    item("Tags", post_id=2, slug="tags", link=f"{SITE}/tags/", content="<p>The tags of this post.</p>"),
    item("Archives", post_id=3, slug="archives", link=f"{SITE}/archives/", status="draft"),
    item(
        "Search",
        post_id=4,
        post_type="page",
        slug="search",
        link=f"{SITE}/search/",
        content="<p>Looking for something?</p>",
    ),
]


def test_a_post_at_a_taxonomy_lists_address_keeps_it_and_the_list_is_not_built(tmp_path, hugo_build):
    """The 64-block theme test data's posts "Tags", "Categories", "Archives" lived at /tags/ and so on
    (permalinks /%postname%/): their old addresses answered with Presslift's lists, the posts lost."""
    report = convert_export(write_export(tmp_path / "export.xml", POSTS_AT_LISTS), tmp_path / "site")
    content = tmp_path / "site" / "content"
    assert frontmatter.load(content / "posts" / "tags" / "index.md")["aliases"] == ["/tags/"]
    assert frontmatter.load(content / "tags" / "_index.md")["build"] == {"render": "never"}
    assert not (content / "archives" / "_index.md").exists()  # a draft's address is no one's
    [note] = [w for w in report.warnings if w.code == "list-not-built"]
    assert note.message == (
        "the list of all tags is not built: its address /tags/ was post 2's on the old site,"
        " and leads to it (/posts/tags/)"
    )
    public = hugo_build(tmp_path / "site", tmp_path)
    assert 'url=https://old.example/posts/tags/"' in (public / "tags" / "index.html").read_text()  # an alias
    term = (public / "tags" / "blocks" / "index.html").read_text()
    assert '<p class="eyebrow">Tags</p>' in term  # no link to the list that is not built
    assert 'href="/posts/hello/"' in term
    assert '<a href="/archives/2021/' in (public / "archives" / "index.html").read_text()


def test_a_page_named_search_is_the_sites_search_page(tmp_path, hugo_build):
    convert_export(write_export(tmp_path / "export.xml", POSTS_AT_LISTS), tmp_path / "site")
    page = frontmatter.load(tmp_path / "site" / "content" / "search" / "index.md")
    assert page["layout"] == "search" and page.content.strip() == "Looking for something?"
    public = hugo_build(tmp_path / "site", tmp_path)
    search = (public / "search" / "index.html").read_text()
    assert '<h1 class="page-title">Search</h1>' in search and "Looking for something?" in search
    assert 'class="search-form"' in search and 'id="search-input"' in search
