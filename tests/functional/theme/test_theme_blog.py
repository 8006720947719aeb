"""The presslift theme renders a converted-WordPress-like blog, under a sub-path baseURL."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.functional.theme.theme_build import SUB_PATH_BASE_URL, Built, parse

BASE_PATH = "/sites/demo/staging/"
BLOG = Path(__file__).parent / "sites" / "blog"
LINKING_ATTRIBUTES = [("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("form", "action")]
EMBEDDING_TAGS = ["img", "script", "iframe", "video", "audio", "source"]


def titles(page: Any) -> list[str]:
    return [a.get_text(strip=True) for a in page.select(".summary-title a")]


def test_builds_without_warnings_or_errors(blog: Built) -> None:
    assert blog.problems() == []


@pytest.mark.parametrize(
    "path",
    [
        "",
        "404.html",
        "posts/",
        "posts/with-comments/",
        "tags/",
        "tags/rye/",
        "categories/baking/",
        "authors/alice-baker/",
        "about/",
        "index.xml",
        "sitemap.xml",
    ],
)
def test_renders_every_kind_of_page(blog: Built, path: str) -> None:
    file = blog.out / path / "index.html" if path == "" or path.endswith("/") else blog.out / path
    assert file.is_file()


def test_home_shows_sticky_posts_first_then_newest(blog: Built) -> None:
    home = blog.html("")
    assert titles(home) == ["An old sticky post", "A post with a discussion"]
    assert home.select_one(".summary.sticky .badge") is not None
    assert titles(blog.html("page/2/")) == ["A post whose reply lost its parent", "Plain post 4"]


def test_home_paginates_with_pager_size(blog: Built) -> None:
    # 8 published posts (the draft is left out) at pagerSize 2.
    assert blog.html("").select_one(".pagination .page-number").get_text(strip=True) == "Page 1 of 4"
    assert titles(blog.html("page/4/")) == ["Plain post 1", "A post with links and images"]
    assert "A draft that must not appear" not in (blog.out / "index.html").read_text()


def test_summaries_use_front_matter_summary(blog: Built) -> None:
    text = blog.html("page/3/").select(".summary-text")[0].get_text(strip=True)
    assert text == "Summary of plain post 3."


def test_site_title_and_description_in_header(blog: Built) -> None:
    header = blog.html("posts/").select_one("header.site-header")
    assert header.select_one(".site-title").get_text(strip=True) == "Presslift Test Blog"
    description = header.select_one(".site-description").get_text(strip=True)
    assert description == "A blog that moved here from WordPress"
    assert blog.html("posts/plain-post-1/").title.get_text() == "Plain post 1 · Presslift Test Blog"


def test_main_menu_has_children_and_marks_current_page(blog: Built) -> None:
    nav = blog.html("about/").select_one("nav.site-nav-main")
    top = [a.get_text(strip=True) for a in nav.select(".menu > li > a")]
    assert top == ["Home", "About", "Archive"]
    about = nav.select(".menu > li")[1]
    assert [a.get_text(strip=True) for a in about.select(".sub-menu a")] == ["Team"]
    assert about.select_one("a")["aria-current"] == "page"
    assert about.select_one(".sub-menu a")["href"] == f"{BASE_PATH}team/"


def test_menu_with_children_folds_into_a_disclosure_for_phones(blog: Built) -> None:
    header = blog.html("").select_one("header.site-header")
    folded = header.select_one("details.menu-disclosure nav.site-nav-main")
    wide = header.select_one(".menu-wide nav.site-nav-main")
    assert folded is not None and wide is not None
    assert [a["href"] for a in folded.select("a")] == [a["href"] for a in wide.select("a")]


def test_single_post_shows_meta_terms_image_and_neighbours(blog: Built) -> None:
    post = blog.html("posts/sticky-old/")
    assert post.select_one("h1.entry-title").get_text(strip=True) == "An old sticky post"
    assert post.select_one(".entry-meta time")["datetime"] == "2019-05-01T09:00:00Z"
    assert [a.get_text() for a in post.select(".byline a")] == ["Bob Miller", "Alice Baker"]
    assert [a.get_text() for a in post.select(".terms-categories a")] == ["News"]
    assert [a.get_text() for a in post.select(".terms-tags a")] == ["Announcements"]
    assert post.select_one(".entry-image img")["src"] == f"{BASE_PATH}images/loaf.svg"
    assert post.select_one(".prev-next a[rel=next]")["href"] == f"{BASE_PATH}posts/linked/"
    assert post.select_one(".prev-next a[rel=prev]") is None


@pytest.mark.parametrize(
    ("selector", "attr", "expected"),
    [
        ('a[title="Old news"]', "href", f"{BASE_PATH}posts/sticky-old/"),
        ('a:-soup-contains("a section")', "href", f"{BASE_PATH}posts/#top"),
        ('a:-soup-contains("elsewhere")', "href", "https://example.com/x"),
        ('a:-soup-contains("call us")', "href", "tel:+15551234"),
        ('a:-soup-contains("notes")', "href", f"{BASE_PATH}posts/linked/notes.txt"),
        ('img[alt="A loaf of bread"]', "src", f"{BASE_PATH}images/loaf.svg"),
        ('img[alt="The crumb"]', "src", f"{BASE_PATH}posts/linked/crumb.svg"),
    ],
)
def test_markdown_links_and_images_resolve_under_the_sub_path(
    blog: Built, selector: str, attr: str, expected: str
) -> None:
    assert blog.html("posts/linked/").select_one(f".entry-content {selector}")[attr] == expected


def test_a_later_lastmod_shows_as_updated(blog: Built) -> None:
    updated = blog.html("posts/plain-post-1/").select_one(".entry-meta .updated time")
    assert updated["datetime"] == "2022-03-01T09:00:00Z"
    assert blog.html("posts/plain-post-2/").select_one(".entry-meta .updated") is None


def test_not_found_page_links_home_and_recent_posts(blog: Built) -> None:
    page = blog.html("404.html")
    assert page.select_one("h1").get_text(strip=True) == "Page not found"
    assert page.select_one(".recent a")["href"] == f"{BASE_PATH}posts/with-comments/"


def test_languages_without_theme_strings_fall_back_to_english(build_with_theme: Callable[..., Built]) -> None:
    built = build_with_theme(BLOG, None, 'defaultContentLanguage = "nl"\nlocale = "nl"')
    home = built.html("")
    assert home.html["lang"] == "nl"
    assert home.select_one("a.skip-link").get_text() == "Skip to content"
    assert home.select_one(".pagination .page-number").get_text(strip=True) == "Page 1 of 4"
    assert built.html("posts/with-comments/").select_one("#comments-title").get_text() == "5 comments"
    assert "mei" in home.select_one(".entry-meta time").get_text()


def test_standalone_pages_have_no_date_or_neighbours(blog: Built) -> None:
    page = blog.html("about/")
    assert page.select_one(".entry-meta") is None
    assert page.select_one(".prev-next") is None


def test_comments_render_as_a_nested_thread(blog: Built) -> None:
    comments = blog.html("posts/with-comments/").select_one("section#comments")
    assert comments.select_one("h2").get_text(strip=True) == "5 comments"

    def tree(ol: Any) -> list[tuple[str, Any]]:
        return [
            (li["id"], tree(li.select_one(":scope > ol")) if li.select_one(":scope > ol") else [])
            for li in ol.select(":scope > li")
        ]

    assert tree(comments.select_one(":scope > ol")) == [
        ("comment-11", [("comment-12", [("comment-13", [])]), ("comment-1234567", [])]),
        ("comment-14", []),
    ]
    carol = comments.select_one("#comment-11 .comment-author a")
    assert (carol.get_text(), carol["href"]) == ("Carol", "https://carol.example.net")
    assert "ugc" in carol["rel"]
    assert comments.select_one("#comment-12 .comment-content p").get_text() == "A reply to Carol."


def test_reply_whose_parent_is_missing_is_shown_at_top_level(blog: Built) -> None:
    comments = blog.html("posts/orphan-reply/").select_one("section#comments")
    assert [li["id"] for li in comments.select(":scope > ol > li")] == ["comment-21"]


def test_posts_without_comments_have_no_comment_section(blog: Built) -> None:
    assert blog.html("posts/plain-post-1/").select_one("#comments") is None


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tags/", {"Rye": "6", "Announcements": "1", "Tag-1": "1"}),
        ("categories/", {"Baking": "5", "News": "1"}),
        ("authors/", {"Alice Baker": "6", "Bob Miller": "1"}),
    ],
)
def test_taxonomy_lists_terms_with_counts(blog: Built, path: str, expected: dict[str, str]) -> None:
    items = blog.html(path).select(".term-list li")
    counts = {li.a.get_text(): li.select_one(".count [aria-hidden]").get_text() for li in items}
    assert expected.items() <= counts.items()


def test_term_page_lists_its_posts_and_names_its_taxonomy(blog: Built) -> None:
    term = blog.html("categories/news/")
    assert term.select_one("h1").get_text(strip=True) == "News"
    assert term.select_one(".eyebrow a")["href"] == f"{BASE_PATH}categories/"
    assert titles(term) == ["An old sticky post"]


def test_every_internal_link_and_asset_stays_under_the_sub_path(blog: Built) -> None:
    for file in blog.out.rglob("*.html"):
        page = parse(file)
        for tag, attr in LINKING_ATTRIBUTES:
            for el in page.find_all(tag, attrs={attr: True}):
                url = el[attr]
                if url.startswith("/"):
                    assert url.startswith(BASE_PATH), f"{file}: {url}"


def test_no_assets_from_other_hosts(blog: Built) -> None:
    for file in blog.out.rglob("*.html"):
        page = parse(file)
        assets = [el.get("src") for el in page.find_all(EMBEDDING_TAGS)]
        assets += [el.get("href") for el in page.find_all("link") if "alternate" not in el.get("rel", [])]
        assets += [el.get("href") for el in page.find_all("link", rel="canonical")]
        for url in filter(None, assets):
            if re.match(r"(https?:)?//", url):
                assert url.startswith(SUB_PATH_BASE_URL), f"{file}: {url}"


def test_css_is_minified_fingerprinted_and_has_integrity(blog: Built) -> None:
    link = blog.html("").select_one('link[rel="stylesheet"]')
    assert re.fullmatch(rf"{BASE_PATH}css/main\.min\.[0-9a-f]{{64}}\.css", link["href"])
    assert link["integrity"].startswith("sha256-")
    css = (blog.out / link["href"].removeprefix(BASE_PATH)).read_text()
    assert "\n" not in css.strip() and "prefers-color-scheme:dark" in css
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", css)


def test_pages_have_landmarks_skip_link_and_language(blog: Built) -> None:
    page = blog.html("posts/plain-post-2/")
    assert page.html["lang"] == "en"
    skip = page.select_one("body > a.skip-link")
    assert skip["href"] == "#main" and page.select_one("main#main") is not None
    assert page.select_one("header.site-header") and page.select_one("footer.site-footer")
    assert all(img.has_attr("alt") for img in page.find_all("img"))


def test_contact_form_falls_back_to_mailto_of_site_email(blog: Built) -> None:
    form = blog.html("about/").select_one("form.contact-form")
    assert form["action"] == "mailto:owner@example.org"
    assert sorted(f["name"] for f in form.select("input, textarea")) == ["email", "message", "name"]
    assert all(form.select_one(f'label[for="{f["id"]}"]') for f in form.select("input, textarea"))


def test_contact_form_posts_to_configured_action(build_with_theme: Callable[..., Built]) -> None:
    built = build_with_theme(BLOG, None, '[params]\ncontact_form_action = "/api/contact"\nsearch = true')
    form = built.html("about/").select_one("form.contact-form")
    assert form["action"] == "/api/contact" and not form.has_attr("enctype")
    # The same build checks the search hook: a header link appears only when params.search is set.
    assert built.html("").select_one("a.search-link")["href"] == "/search/"
    assert built.problems() == []


def test_aliases_redirect_to_the_post(blog: Built) -> None:
    alias = (blog.out / "2019/05/old-sticky/index.html").read_text()
    assert f"{SUB_PATH_BASE_URL}posts/sticky-old/" in alias


def test_no_search_link_unless_enabled(blog: Built) -> None:
    assert blog.html("").select_one("a.search-link") is None


def test_no_search_link_where_hugo_built_no_search_page(
    tmp_path: Path, build_with_theme: Callable[..., Built]
) -> None:
    # A real site's content/index.md makes its whole content one bundle, the theme's search page with
    # it: the header linked to a /search/ that was never built.
    site = tmp_path / "one-bundle"
    (site / "content").mkdir(parents=True)
    (site / "hugo.toml").write_text('title = "One bundle"\nbaseURL = "https://example.org/"\n')
    (site / "content" / "index.md").write_text("---\ntitle: Home\n---\nWelcome.\n")
    (site / "content" / "about.md").write_text("---\ntitle: About\n---\nAbout us.\n")
    built = build_with_theme(site, None, "[params]\nsearch = true")
    assert not (built.out / "search" / "index.html").exists()
    assert built.html("").select_one("a.search-link") is None


def test_every_language_gets_the_search_page_its_header_links_to(
    tmp_path: Path, build_with_theme: Callable[..., Built]
) -> None:
    site = tmp_path / "two-languages"
    for lang, title in (("en", "Hello"), ("fr", "Bonjour")):
        (site / "content" / lang).mkdir(parents=True)
        (site / "content" / lang / "hello.md").write_text(f"---\ntitle: {title}\n---\n{title}.\n")
    (site / "hugo.toml").write_text(
        'title = "Two"\nbaseURL = "https://example.org/"\ndefaultContentLanguage = "en"\n'
        '[languages.en]\ncontentDir = "content/en"\nweight = 1\n'
        '[languages.fr]\ncontentDir = "content/fr"\nweight = 2\n'
    )
    built = build_with_theme(site, None, "[params]\nsearch = true")
    for home, search in (("", "/search/"), ("fr/", "/fr/search/")):
        assert built.html(home).select_one("a.search-link")["href"] == search
        assert (built.out / search.strip("/") / "index.html").is_file()
    assert built.problems() == []


def test_the_archives_shortcode_lists_posts_or_month_and_year_archives(
    tmp_path: Path, build_with_theme: Callable[..., Built]
) -> None:
    site = tmp_path / "archives"
    (site / "content" / "posts").mkdir(parents=True)
    for day, title in (("2024-01-05", "First"), ("2024-02-07", "Second"), ("2025-03-09", "Third")):
        (site / "content" / "posts" / f"{title.lower()}.md").write_text(
            f"---\ntitle: {title}\ndate: {day}\narchives: ['{day[:4]}', '{day[:7]}']\n---\n{title}.\n"
        )
    (site / "content" / "archive.md").write_text(
        '---\ntitle: Archive\n---\n{{< archives limit="2" >}}\n\n'
        '{{< archives type="monthly" showcount="1" >}}\n\n{{< archives type="yearly" >}}\n'
    )
    (site / "hugo.toml").write_text(
        'title = "A"\nbaseURL = "https://example.org/"\n[params]\ndate_archives = "archives"\n'
        '[taxonomies]\narchive = "archives"\ntag = "tags"\n'
    )
    built = build_with_theme(site, None)
    posts, months, years = built.html("archive/").select("ul.archives")
    assert [a.get_text() for a in posts.select("a")] == ["Third", "Second"]
    assert [li.get_text(" ", strip=True) for li in months.select("li")] == [
        "March 2025 (1)",
        "February 2024 (1)",
        "January 2024 (1)",
    ]
    assert months.select_one("a")["href"] == "/archives/2025-03/"
    assert [a["href"] for a in years.select("a")] == ["/archives/2025/", "/archives/2024/"]
    assert built.problems() == []


def test_a_lists_intro_is_on_its_first_page_only(blog: Built) -> None:
    # A section's _index.md text with a relative link (a real docs site built with this theme):
    # repeated on page/2/, a folder deeper, its links led nowhere.
    first = blog.html("posts/").select_one(".page-header .intro")
    assert first is not None and first.select_one("a")["href"] == "../about/"
    assert blog.html("posts/page/2/").select_one(".page-header .intro") is None
    assert blog.html("posts/page/2/").select_one(".page-header .page-title").get_text(strip=True) == "Posts"
