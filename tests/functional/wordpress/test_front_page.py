"""A WordPress site's static front page is the new site's home page, its old addresses lead there, a
custom type linked by query (/?testimonial=jane) keeps that address, and an item in a plugin's status
that WordPress never showed stays a draft. Built by the real Hugo with the converted site's theme."""

import json
import re
from pathlib import Path

import frontmatter
import pytest

from chalicelib.wordpress import convert_export
from chalicelib.wordpress.oldurlcheck import check_old_urls

from .wxr_items import SITE, item, write_export

FRONT_TEXT = "Welcome to the bakery on the harbour, open every morning."


def menu_entry(entry_id: int, page_id: int) -> str:
    """An entry of the classic menu `main` that links the page `page_id`."""
    return item(
        "",
        post_id=entry_id,
        post_type="nav_menu_item",
        slug=str(entry_id),
        terms=(("nav_menu", "main", "Main"),),
        meta=(
            ("_menu_item_type", "post_type"),
            ("_menu_item_object", "page"),
            ("_menu_item_object_id", str(page_id)),
            ("_menu_item_menu_item_parent", "0"),
        ),
    )


def front_page_export(path: Path, *, with_child: bool = False) -> Path:
    items = [
        item(
            "Home",
            post_id=12,
            post_type="page",
            link=f"{SITE}/",
            guid=f"{SITE}/?page_id=12",
            slug="home",
            content=f'<p>{FRONT_TEXT}</p><p><a href="{SITE}/news/">All our news</a></p>',
            terms=(("category", "bakery", "Bakery"),),
        ),
        item(
            "Oven",
            post_id=13,
            post_type="attachment",
            link=f"{SITE}/home/oven/",
            guid=f"{SITE}/wp-content/uploads/2024/05/oven.jpg",
            attachment_url=f"{SITE}/wp-content/uploads/2024/05/oven.jpg",
            parent=12,
        ),
        item("News", post_id=14, post_type="page", link=f"{SITE}/news/", slug="news", content=""),
        item(
            "Fresh rye",
            post_id=15,
            link=f"{SITE}/2024/05/06/fresh-rye/",
            slug="fresh-rye",
            content=f'<p>Back <a href="{SITE}/">home</a> or <a href="{SITE}/home/">the old home</a>.</p>',
        ),
        item(
            "Jane Doe",
            post_id=16,
            post_type="testimonial",
            link=f"{SITE}/?testimonial=jane-doe",
            guid=f"{SITE}/?post_type=testimonial&#038;p=16",
            slug="jane-doe",
            content="<p>The best rye in town.</p>",
        ),
        # Yoast Duplicate Post's rewrite of the home page: never shown to a visitor
        item(
            "Home",
            post_id=17,
            post_type="page",
            status="dp-rewrite-republish",
            link=f"{SITE}/?page_id=17",
            slug="",
            content="<p>Draft of the new home page, not ready.</p>",
        ),
        menu_entry(19, 12),
        menu_entry(20, 14),
    ]
    if with_child:
        items.append(
            item(
                "Opening hours",
                post_id=18,
                post_type="page",
                link=f"{SITE}/home/hours/",
                slug="hours",
                parent=12,
            )
        )
    return write_export(path, items)


def test_the_front_page_is_the_home_page_and_its_old_addresses_lead_there(tmp_path, hugo_build):
    export = front_page_export(tmp_path / "export.xml")
    report = convert_export(export, tmp_path / "site")
    content = tmp_path / "site" / "content"
    home = frontmatter.load(content / "_index.md")
    assert home["title"] == "Old site"  # the site's name, as WordPress titled its home page
    assert home["front_page"] is True and home["wordpress_id"] == 12
    assert "categories" not in home  # the home page is listed under no term
    assert FRONT_TEXT in home.content and "{{< wordpress-redirects >}}" in home.content
    assert {"/home/", "/home/oven/"} <= set(home["aliases"])
    assert not (content / "home").exists()
    post = frontmatter.load(content / "posts" / "fresh-rye" / "index.md")
    # links to the old home and to the front page's own old address both reach the new home
    assert "[home](/)" in post.content and "[the old home](/)" in post.content
    assert report.counts["page/published"] == 2
    assert '\npageRef = "/"\n' in (tmp_path / "site" / "hugo.toml").read_text()  # the menu's "Home"

    public = hugo_build(tmp_path / "site", tmp_path)
    page = (public / "index.html").read_text()
    assert FRONT_TEXT in page and 'data-wordpress-id="12"' in page
    assert re.search(r'<a[^>]+href="/"[^>]*>\s*Home\s*</a>', page)  # the menu entry, titled as the page
    assert re.search(r'<a[^>]+href="/news/"[^>]*>\s*News\s*</a>', page)  # the posts page's entry
    assert "Fresh rye" not in page  # WordPress's static front page lists no posts; its posts page does
    # the empty News page was the posts page: the list of posts is at its address, titled as it was
    news = (public / "news" / "index.html").read_text()
    assert "Fresh rye" in news and "<title>News" in news
    assert re.search(
        r'http-equiv="refresh" content="0; url=[^"]*/news/"', (public / "posts" / "index.html").read_text()
    )
    assert [w.item for w in report.warnings if w.code == "posts-page"] == ["page 14 'News'"]
    summary = report.summary()
    assert "  home page: page 12 'Home' (the site's static front page)" in summary
    assert "  posts page: page 14 'News' (the list of posts is at its address)" in summary
    assert json.loads(report.to_json())["home_page"] == "page 12 'Home'"
    for alias in ("home", "home/oven"):
        assert re.search(
            r'http-equiv="refresh" content="0; url=[^"]*/"', (public / alias / "index.html").read_text()
        )
    redirects = json.loads((tmp_path / "site" / "data" / "wordpress_redirects.json").read_text())
    assert redirects["page_id"]["12"] == "/" and redirects["p"]["12"] == "/"
    check = check_old_urls(export, public)
    assert [f"{u.url} ({u.source})" for u in check.unanswered] == []


def test_a_front_page_with_children_keeps_their_addresses(tmp_path, hugo_build):
    export = front_page_export(tmp_path / "export.xml", with_child=True)
    convert_export(export, tmp_path / "site")
    home = frontmatter.load(tmp_path / "site" / "content" / "_index.md")
    assert "/home/" not in home["aliases"]  # Hugo lists the children's section there
    public = hugo_build(tmp_path / "site", tmp_path)
    assert FRONT_TEXT in (public / "index.html").read_text()
    assert "Opening hours" in (public / "home" / "hours" / "index.html").read_text()
    check = check_old_urls(export, public)
    assert [f"{u.url} ({u.source})" for u in check.unanswered] == []


def test_a_custom_type_linked_by_query_keeps_that_address(tmp_path):
    export = front_page_export(tmp_path / "export.xml")
    convert_export(export, tmp_path / "site")
    redirects = json.loads((tmp_path / "site" / "data" / "wordpress_redirects.json").read_text())
    assert redirects["testimonial"] == {"jane-doe": "/testimonial/jane-doe/"}
    assert redirects["p"]["16"] == "/testimonial/jane-doe/"


def test_an_item_in_a_plugins_status_stays_a_draft_with_a_warning(tmp_path):
    export = front_page_export(tmp_path / "export.xml")
    report = convert_export(export, tmp_path / "site")
    drafts = [
        p
        for p in (tmp_path / "site" / "content").rglob("index.md")
        if frontmatter.load(p).get("wordpress_id") == 17
    ]
    assert len(drafts) == 1 and frontmatter.load(drafts[0])["draft"] is True
    assert report.counts["page/draft"] == 1
    warned = [w for w in report.warnings if w.code == "unknown-status"]
    assert len(warned) == 1 and "dp-rewrite-republish" in warned[0].message and "17" in warned[0].item


@pytest.mark.parametrize(
    ("front", "news_text", "taken"),
    [(True, "", True), (True, "<p>Our press releases, by hand.</p>", False), (False, "", False)],
)
def test_only_an_empty_posts_page_named_so_on_a_site_with_a_front_page_lists_the_posts(
    tmp_path, front, news_text, taken
):
    items = [
        item(
            "Start", post_id=1, post_type="page", link=f"{SITE}/" if front else f"{SITE}/start/", slug="start"
        ),
        item("News", post_id=2, post_type="page", link=f"{SITE}/news/", slug="news", content=news_text),
        item("Fresh rye", post_id=3, link=f"{SITE}/2024/05/06/fresh-rye/", slug="fresh-rye"),
    ]
    convert_export(write_export(tmp_path / "export.xml", items), tmp_path / "site")
    content = tmp_path / "site" / "content"
    assert (content / "posts" / "_index.md").is_file() is taken
    assert (content / "news" / "index.md").is_file() is not taken
    if taken:
        listing = frontmatter.load(content / "posts" / "_index.md")
        assert (listing["title"], listing["url"], listing["aliases"]) == ("News", "/news/", ["/posts/"])


def test_a_posts_page_is_known_by_its_percent_encoded_slug_too(tmp_path):
    items = [
        item("首页", post_id=1, post_type="page", link=f"{SITE}/", slug="%e9%a6%96%e9%a1%b5"),
        item(
            "我的博客",
            post_id=2,
            post_type="page",
            link=f"{SITE}/%e5%8d%9a%e5%ae%a2/",
            slug="%e5%8d%9a%e5%ae%a2",
            content="",
        ),
        item("你好", post_id=3, link=f"{SITE}/2024/05/06/hello/", slug="hello"),
    ]
    convert_export(write_export(tmp_path / "export.xml", items), tmp_path / "site")
    listing = frontmatter.load(tmp_path / "site" / "content" / "posts" / "_index.md")
    assert (listing["title"], listing["url"]) == ("我的博客", "/博客/")


def test_a_posts_page_at_the_posts_sections_own_address_leaves_the_list_there(tmp_path):
    """A real site's posts page was "Posts" at /posts/, where the posts section's list already is."""
    items = [
        item("Start", post_id=1, post_type="page", link=f"{SITE}/", slug="start"),
        item("Posts", post_id=2, post_type="page", link=f"{SITE}/posts/", slug="posts", content=""),
        item("Fresh rye", post_id=3, link=f"{SITE}/2024/05/06/fresh-rye/", slug="fresh-rye"),
    ]
    export = write_export(tmp_path / "export.xml", items)
    report = convert_export(export, tmp_path / "site")
    listing = frontmatter.load(tmp_path / "site" / "content" / "posts" / "_index.md")
    assert listing["title"] == "Posts" and "url" not in listing and "aliases" not in listing
    assert "duplicate-slug" not in report.warning_codes()
    redirects = json.loads((tmp_path / "site" / "data" / "wordpress_redirects.json").read_text())
    assert redirects["page_id"]["2"] == "/posts/"
