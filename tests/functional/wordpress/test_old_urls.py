"""Every old URL of an export answers in the Hugo build of its conversion: links, guids' ?p= forms,
permalinks before a rename, ID queries, term and author archives, attachment pages and feeds."""

import json
from pathlib import Path

import frontmatter
import pytest

from chalicelib.artifacts import find_redirects, scan_tree
from chalicelib.manifest import Manifest
from chalicelib.wordpress import convert_export
from chalicelib.wordpress.oldurlcheck import OldUrl, answer, check_old_urls, old_urls, unanswered
from chalicelib.wordpress.oldurls import archive_page_paths, page_paths, renamed_paths

from .conftest import build_with_log
from .sitecounts import SHARED_WXR, reported_written, shared_exports, written_counts
from .wxr_items import SITE, category, item, write_export


@pytest.mark.parametrize("name", shared_exports() or ["(none)"])
def test_every_old_url_of_every_shared_export_answers(tmp_path, hugo_build, name):
    if name == "(none)":
        pytest.skip(
            f"the shared WXR fixtures are not at {SHARED_WXR} (they come with the team's shared/ folder)"
        )
    convert_export(SHARED_WXR / name, tmp_path / "site")
    public = hugo_build(tmp_path / "site", tmp_path)
    urls = old_urls(SHARED_WXR / name)
    assert any(u.url == "/feed/" for u in urls)
    # these exports come without their uploads: an attachment whose link is its file leads to its page
    check = check_old_urls(SHARED_WXR / name, public)
    assert [f"{u.url} ({u.source})" for u in check.unanswered] == []
    assert check.summary() == f"{len(check.checked)}/{len(check.checked)}"


def renamed_export(path: Path) -> Path:
    return write_export(
        path,
        [
            item(
                "Renamed twice",
                post_id=5,
                link=f"{SITE}/2024/05/06/renamed-twice/",
                guid=f"{SITE}/?p=5",
                slug="renamed-twice",
                meta=(
                    ("_wp_old_slug", "first-name"),
                    ("_wp_old_slug", "second-name"),
                    ("_wp_old_date", "2023-01-02"),
                ),
                terms=(("category", "news", "News"), ("post_tag", "rye", "Rye")),
            ),
            item(
                "About",
                post_id=6,
                post_type="page",
                link=f"{SITE}/about/",
                guid=f"{SITE}/?page_id=6",
                slug="about",
            ),
            item(
                "Lost id",
                post_id=None,
                link=f"{SITE}/2024/05/06/lost-id/",
                guid=f"{SITE}/?p=77",
                slug="lost-id",
            ),
            # an attachment whose link is its file: no alias may replace the file
            item(
                "Photo",
                post_id=8,
                post_type="attachment",
                link=f"{SITE}/wp-content/uploads/2024/05/photo.png",
                guid=f"{SITE}/wp-content/uploads/2024/05/photo.png",
                attachment_url=f"{SITE}/wp-content/uploads/2024/05/photo.png",
                parent=5,
            ),
            item(
                "Chart",
                post_id=9,
                post_type="attachment",
                link=f"{SITE}/2024/05/06/renamed-twice/chart/",
                attachment_url=f"{SITE}/wp-content/uploads/2024/05/chart.png",
                parent=5,
            ),
        ],
        channel=(
            "<wp:author><wp:author_id>3</wp:author_id><wp:author_login>ann</wp:author_login>"
            "<wp:author_display_name>Ann Lee</wp:author_display_name></wp:author>"
            + category(4, "news", "News")
            + "<wp:tag><wp:term_id>7</wp:term_id><wp:tag_slug>rye</wp:tag_slug>"
            + "<wp:tag_name>Rye</wp:tag_name></wp:tag>"
        ),
    )


def uploads_zip(tmp_path: Path) -> Path:
    import zipfile

    archive = tmp_path / "uploads.zip"
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("2024/05/photo.png", png)
        zf.writestr("2024/05/chart.png", png)
    return archive


def test_renames_ids_terms_feeds_and_attachments_answer_in_the_build(tmp_path, hugo_build):
    export = renamed_export(tmp_path / "export.xml")
    report = convert_export(export, tmp_path / "site", uploads=uploads_zip(tmp_path))
    public = hugo_build(tmp_path / "site", tmp_path)
    urls = {u.url for u in old_urls(export)}
    assert {
        "/2024/05/06/first-name/",
        "/2023/01/02/renamed-twice/",
        "/2023/01/02/second-name/",
        "/?p=77",
        "/?page_id=6",
        "/?p=6",
        "/?cat=4",
        "/?tag=rye",
        "/?author=3",
        "/?attachment_id=8",
        "/category/news/feed/atom/",
        "/tag/rye/feed/",
        "/comments/feed/",
        "/wp-content/uploads/2024/05/photo.png",
    } <= urls
    assert unanswered(export, public) == []
    assert (public / "wp-content/uploads/2024/05/photo.png").read_bytes().startswith(b"\x89PNG")
    assert reported_written(report.counts) == written_counts(tmp_path / "site")  # media files included
    assert [w.code for w in report.warnings if w.code == "alias-collides-with-file"] == [
        "alias-collides-with-file"
    ]
    feed = (public / "category/news/feed/index.html").read_text()
    assert 'content="0; url=https://old.example/categories/news/index.xml"' in feed
    assert (public / "categories/news/index.xml").is_file()
    # publishing makes the feed pages real redirects, as it does Hugo's aliases
    manifest = Manifest(site="s", run_id="r", stage="staging", base_url=SITE + "/", files=scan_tree(public))
    redirects = find_redirects(public, manifest)
    assert redirects["feed/index.html"] == "https://old.example/index.xml"
    assert redirects["tag/rye/feed/atom/index.html"] == "https://old.example/tags/rye/index.xml"


def test_the_query_map_sends_pages_posts_terms_and_authors_on(tmp_path, hugo_build):
    export = renamed_export(tmp_path / "export.xml")
    convert_export(export, tmp_path / "site")
    public = hugo_build(tmp_path / "site", tmp_path)
    script = (public / "index.html").read_text()
    assert 'data-keys="attachment_id author cat feed p page_id tag"' in script
    published = json.loads(next(public.glob("wordpress-redirects.*.json")).read_text())
    query_map = {key: value for key, value in published.items()}
    assert answer(OldUrl("/?p=6", ""), public, query_map) == "/about/"
    assert answer(OldUrl("/?page_id=6", ""), public, query_map) == "/about/"
    assert answer(OldUrl("/?p=5", ""), public, query_map) == "/posts/renamed-twice/"
    assert answer(OldUrl("/?cat=4", ""), public, query_map) == "/categories/news/"
    assert answer(OldUrl("/?author=3", ""), public, query_map) == "/authors/ann-lee/"
    assert answer(OldUrl("/?p=404", ""), public, query_map) == ""
    # with no uploads archive, an attachment of a published post still goes to that post
    assert answer(OldUrl("/?attachment_id=8", ""), public, query_map) == "/posts/renamed-twice/"


def test_old_slug_aliases_keep_the_date_path(tmp_path):
    export = renamed_export(tmp_path / "export.xml")
    convert_export(export, tmp_path / "site")
    post = frontmatter.load(tmp_path / "site/content/posts/renamed-twice/index.md")
    assert {"/2024/05/06/first-name/", "/2024/05/06/second-name/", "/2023/01/02/renamed-twice/"} <= set(
        post["aliases"]
    )


@pytest.mark.parametrize(
    ("link", "slug", "date", "old_slugs", "old_dates", "expected"),
    [
        ("https://x/2024/05/new/", "new", "2024-05-06 00:00:00", ["old"], [], ["/2024/05/old/"]),
        ("https://x/new/", "new", "2024-05-06 00:00:00", ["old"], ["2020-01-01"], ["/old/"]),
        ("https://x/parent/new/", "new", "2024-05-06", ["old"], [], ["/parent/old/"]),
        ("https://x/?p=5", "new", "2024-05-06", ["old"], [], []),
        ("https://x/2024/new/", "new", "2024-05-06", [], ["2021-02-03"], ["/2021/new/"]),
        ("https://x/%e6%97%a5/", "%e6%97%a5", "2024-05-06", ["%e6%9c%88"], [], ["/月/"]),
        # %category%/%postname%.html (a blog moved from Blogger): the old slug keeps the suffix.
        ("https://x/scala/scala.html", "scala", "2012-03-02", ["whats-scala"], [],
         ["/scala/whats-scala.html"]),
        ("https://x/2012/03/new.html", "new", "2012-03-02", ["old"], ["2011-01-01"], ["/2012/03/old.html",
         "/2011/01/new.html", "/2011/01/old.html"]),
        ("https://x/2012/03/newer.html", "new", "2012-03-02", ["old"], [], []),  # not the slug
        ("https://x/2012/03/new.cgi", "new", "2012-03-02", ["old"], [], []),  # no permalink suffix
    ],
)  # fmt: skip
def test_renamed_paths_follow_the_permalink_structure(link, slug, date, old_slugs, old_dates, expected):
    assert renamed_paths(link, slug, date, old_slugs, old_dates) == expected


def test_terms_that_share_a_display_name_keep_their_own_pages(tmp_path, hugo_build):
    export = write_export(
        tmp_path / "export.xml",
        [
            item(f"Kids {what}", post_id=n, link=f"{SITE}/kids-{what}/", slug=f"kids-{what}", terms=(term,))
            for n, what, term in (
                (1, "bread", ("category", "kids", "Kids")),
                (2, "cake", ("category", "kids-cakes", "Kids")),
            )
        ],
        channel=category(3, "bread", "Bread")
        + category(4, "cakes", "Cakes")
        + category(5, "kids", "Kids", parent="bread")
        + category(6, "kids-cakes", "Kids", parent="cakes"),
    )
    convert_export(export, tmp_path / "site")
    public = hugo_build(tmp_path / "site", tmp_path)
    bread = (public / "categories/kids/index.html").read_text()
    cakes = (public / "categories/kids-cakes/index.html").read_text()
    assert "Kids bread" in bread and "Kids cake" not in bread
    assert "Kids cake" in cakes and "Kids bread" not in cakes
    assert "<title>Kids" in cakes  # the page keeps the display name
    assert unanswered(export, public) == []
    urls = {u.url for u in old_urls(export)}
    assert {"/category/kids/", "/category/kids-cakes/", "/?cat=6"} <= urls
    query_map = json.loads(next(public.glob("wordpress-redirects.*.json")).read_text())
    assert query_map["cat"]["6"] == "/categories/kids-cakes/"


def test_a_site_that_lived_under_a_path_keeps_its_urls_below_the_new_base(tmp_path, hugo_build):
    blog = f"{SITE}/blog"
    export = write_export(
        tmp_path / "export.xml",
        [
            item(
                "Hello",
                post_id=3,
                link=f"{blog}/2024/05/hello/",
                guid=f"{blog}/?p=3",
                slug="hello",
                meta=(("_wp_old_slug", "hi"),),
            )
        ],
        site=blog,
    )
    convert_export(export, tmp_path / "site")
    post = frontmatter.load(tmp_path / "site/content/posts/hello/index.md")
    assert set(post["aliases"]) == {"/2024/05/hello/", "/2024/05/hi/"}
    public = hugo_build(tmp_path / "site", tmp_path)
    assert {u.url for u in old_urls(export)} >= {"/2024/05/hello/", "/2024/05/hi/", "/?p=3", "/feed/"}
    assert unanswered(export, public) == []


def test_an_address_a_renamed_post_left_stays_with_the_post_that_has_it_now(tmp_path, hugo_build):
    # A real WordPress.com blog: a post was renamed to `...-2` (its `_wp_old_slug` the first name) and a
    # new post took the freed slug an hour earlier by date. WordPress answers the address with the post
    # that has it; the renamed one's old-slug alias had overwritten it with a redirect to itself.
    day = f"{SITE}/2012/07/31"
    posts = [
        item("Dinosaurs", post_id=272, link=f"{day}/dinosaurs-2/", slug="dinosaurs-2",
             meta=(("_wp_old_slug", "dinosaurs"),), date="2012-07-31 14:26:18"),
        item("Dinosaurs", post_id=213, link=f"{day}/dinosaurs/", slug="dinosaurs",
             date="2012-07-31 15:22:07"),
    ]  # fmt: skip
    export = write_export(tmp_path / "export.xml", posts)
    convert_export(export, tmp_path / "site")
    renamed = frontmatter.load(tmp_path / "site/content/posts/dinosaurs-2/index.md")
    assert renamed["aliases"] == ["/2012/07/31/dinosaurs-2/"]
    public = hugo_build(tmp_path / "site", tmp_path)
    assert "/posts/dinosaurs/" in (public / "2012/07/31/dinosaurs/index.html").read_text()
    assert unanswered(export, public) == []


def test_a_term_whose_name_has_an_underscore_or_an_entity_gets_its_own_page(tmp_path, hugo_build):
    export = write_export(
        tmp_path / "export.xml",
        [
            item(
                "Post",
                post_id=1,
                link=f"{SITE}/post/",
                slug="post",
                terms=(
                    ("post_tag", "snake_case", "Snake_Case"),
                    ("category", "news-events", "News &amp; Events"),
                ),
            )
        ],
    )
    convert_export(export, tmp_path / "site")
    public = hugo_build(tmp_path / "site", tmp_path)
    assert "Snake_Case" in (public / "tags/snake_case/index.html").read_text()
    assert "News &amp; Events" in (public / "categories/news-events/index.html").read_text()
    assert unanswered(export, public) == []


def test_without_its_file_an_attachment_link_to_the_file_still_leads_to_its_page(tmp_path, hugo_build):
    export = renamed_export(tmp_path / "export.xml")
    report = convert_export(export, tmp_path / "site")  # no uploads archive
    public = hugo_build(tmp_path / "site", tmp_path)
    assert not [w for w in report.warnings if w.code == "alias-collides-with-file"]
    page = (public / "wp-content/uploads/2024/05/photo.png/index.html").read_text()
    assert 'url=https://old.example/posts/renamed-twice/"' in page
    assert unanswered(export, public) == []


def test_the_later_pages_of_a_split_post_lead_to_it_in_the_build(tmp_path, hugo_build):
    # WordPress serves page N of a post split with <!--nextpage--> at its permalink plus N/; one break
    # at the very start splits nothing, and a page's own later pages follow its nested link.
    split = item(
        "Long read",
        post_id=5,
        link=f"{SITE}/2024/05/06/long-read/",
        slug="long-read",
        content="<!--nextpage--><p>One</p><!--nextpage--><p>Two</p>\n<!--nextpage-->\n<p>Three</p>",
    )
    guide = item(
        "Guide",
        post_id=6,
        post_type="page",
        link=f"{SITE}/guide/",
        slug="guide",
        content="<!-- wp:nextpage --><!--nextpage--><!-- /wp:nextpage --><p>B</p>",
    )
    plain = item(
        "Plain", post_id=7, link=f"{SITE}/?p=7", slug="plain", content="<p>A</p><!--nextpage--><p>B</p>"
    )
    export = write_export(tmp_path / "export.xml", [split, guide, plain])
    convert_export(export, tmp_path / "site")
    post = frontmatter.load(tmp_path / "site/content/posts/long-read/index.md")
    assert {"/2024/05/06/long-read/2/", "/2024/05/06/long-read/3/"} <= set(post["aliases"])
    assert "/2024/05/06/long-read/4/" not in post["aliases"]
    assert "One" in post.content and "Three" in post.content  # one page holds them all
    assert "/guide/2/" in frontmatter.load(tmp_path / "site/content/guide/index.md")["aliases"]

    public = hugo_build(tmp_path / "site", tmp_path)
    urls = {u.url for u in old_urls(export)}
    assert {"/2024/05/06/long-read/2/", "/2024/05/06/long-read/3/", "/guide/2/"} <= urls
    assert unanswered(export, public) == []
    later = (public / "2024/05/06/long-read/3/index.html").read_text()
    assert 'http-equiv="refresh"' in later and "/posts/long-read/" in later


@pytest.mark.parametrize(
    ("link", "content", "expected"),
    [
        ("https://x/a/", "<p>x</p>", []),
        ("https://x/a/", "x<!--nextpage-->y<!--nextpage-->z", ["/a/2/", "/a/3/"]),
        ("https://x/a/", "<!--nextpage-->x", []),
        ("https://x/a/", "x<!-- nextpage -->y", []),  # WordPress splits at the exact comment only
        ("https://x/?p=3", "x<!--nextpage-->y", []),
        ("https://x/a/", "x" + "<!--nextpage-->" * 500, [f"/a/{n}/" for n in range(2, 101)]),
    ],
)
def test_page_paths_follow_wordpress_page_breaks(link, content, expected):
    assert page_paths(link, content) == expected


def test_year_and_month_archives_list_their_posts_in_the_build(tmp_path, hugo_build):
    # Every WordPress site answers /2024/ and /2024/05/ (its Archives widget links each month).
    posts = [
        item("May one", post_id=1, link=f"{SITE}/may-one/", slug="may-one", date="2024-05-06 07:08:09"),
        item("May two", post_id=2, link=f"{SITE}/may-two/", slug="may-two", date="2024-05-31 23:30:00"),
        item("June", post_id=3, link=f"{SITE}/june/", slug="june", date="2024-06-01 00:10:00"),
        item(
            "Draft",
            post_id=4,
            link=f"{SITE}/draft/",
            slug="draft",
            date="2023-02-02 00:00:00",
            status="draft",
        ),
        # A page whose address is a year's archive keeps its page.
        item(
            "Our 2022",
            post_id=5,
            post_type="page",
            link=f"{SITE}/2022/",
            slug="2022",
            date="2022-03-03 00:00:00",
        ),
        item("Old", post_id=6, link=f"{SITE}/old/", slug="old", date="2022-03-04 00:00:00"),
    ]
    export = write_export(tmp_path / "export.xml", posts)
    convert_export(export, tmp_path / "site")
    site = tmp_path / "site"
    assert frontmatter.load(site / "content/posts/may-two/index.md")["archives"] == ["2024", "2024-05"]
    assert "archives" not in frontmatter.load(site / "content/posts/draft/index.md").metadata
    month = frontmatter.load(site / "content/archives/2024-05/_index.md")
    assert month["title"] == "May 2024"
    assert month["aliases"] == ["/2024/05/", "/2024/05/06/", "/2024/05/31/"]  # its days lead to it too
    assert not (site / "content/archives/2023").exists()  # only drafts that year
    assert "aliases" not in frontmatter.load(site / "content/archives/2022/_index.md").metadata

    public = hugo_build(site, tmp_path)
    assert unanswered(export, public) == []
    assert {"/2024/", "/2024/05/", "/2024/06/", "/2022/03/"} <= {u.url for u in old_urls(export)}
    redirect = (public / "2024/05/index.html").read_text()
    assert 'http-equiv="refresh"' in redirect and "/archives/2024-05/" in redirect
    listing = (public / "archives/2024-05/index.html").read_text()
    assert "May 2024" in listing and "/posts/may-one/" in listing and "/posts/may-two/" in listing
    assert "/posts/june/" not in listing
    assert "/posts/june/" in (public / "archives/2024/index.html").read_text()
    day = (public / "2024/05/31/index.html").read_text()  # a day's archive leads to its month
    assert 'http-equiv="refresh"' in day and "/archives/2024-05/" in day
    assert "Our 2022" in (public / "2022/index.html").read_text()  # the page, not a redirect
    # The post's own page names its categories and tags, not its archives (its date says that).
    assert "terms-archives" not in (public / "posts/may-one/index.html").read_text()


def test_an_exports_own_archives_taxonomy_keeps_its_name(tmp_path):
    post = item(
        "Filed",
        post_id=1,
        link=f"{SITE}/filed/",
        slug="filed",
        terms=(("archives", "box-3", "Box 3"),),
    )
    export = write_export(tmp_path / "export.xml", [post])
    convert_export(export, tmp_path / "site")
    page = frontmatter.load(tmp_path / "site/content/posts/filed/index.md")
    assert page["archives"] == ["Box 3"]
    assert not (tmp_path / "site/content/archives/2024-05").exists()


@pytest.mark.parametrize(
    ("links", "front"),
    [
        (("/archives/1", "/archives/2"), "/archives/"),  # WordPress's numeric permalinks
        (("/blog/first/", "/blog/second/"), "/blog/"),
    ],
)
def test_date_archives_answer_under_the_permalinks_front(tmp_path, hugo_build, links, front):
    posts = [
        item("First", post_id=1, link=SITE + links[0], slug="first", date="2024-05-06 07:08:09"),
        item("Second", post_id=2, link=SITE + links[1], slug="second", date="2023-01-02 07:08:09"),
    ]
    export = write_export(tmp_path / "export.xml", posts)
    convert_export(export, tmp_path / "site")
    public = hugo_build(tmp_path / "site", tmp_path)
    urls = {u.url for u in old_urls(export)}
    assert {f"{front}2024/05/", f"{front}2023/", "/2024/05/"} <= urls
    assert unanswered(export, public) == []
    under_front = (public / f"{front.strip('/')}/2024/05/index.html").read_text()
    assert 'http-equiv="refresh"' in under_front and "/archives/2024-05/" in under_front


def test_the_later_pages_of_archives_lead_to_them_and_hugos_own_pages_stay(tmp_path, hugo_build):
    # 25 posts in one category and one month, with numeric permalinks (/archives/N): WordPress listed
    # them ten a page, at /category/news/page/3/ and /archives/2024/05/page/3/ among others.
    posts = [
        item(
            f"Post {n}",
            post_id=n,
            link=f"{SITE}/archives/{n}",
            slug=f"post-{n}",
            date=f"2024-05-{n:02d} 07:08:09",
            terms=(("category", "news", "News"),),
        )
        for n in range(1, 26)
    ]
    ann = (
        "<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[ann]]></wp:author_login>"
        "<wp:author_display_name><![CDATA[Ann]]></wp:author_display_name></wp:author>"
    )
    export = write_export(tmp_path / "export.xml", posts, channel=ann)
    convert_export(export, tmp_path / "site")
    public = hugo_build(tmp_path / "site", tmp_path)
    urls = {u.url for u in old_urls(export)}
    later = {"/category/news/page/3/", "/2024/05/page/3/", "/archives/2024/05/page/2/", "/author/ann/page/3/"}
    assert later <= urls
    assert "/category/news/page/4/" not in urls and "/author/ann/page/4/" not in urls
    assert unanswered(export, public) == []
    later = (public / "category/news/page/3/index.html").read_text()
    assert 'http-equiv="refresh"' in later and "/categories/news/" in later
    # The year's own archive is the term page at /archives/2024/: its page 2 is Hugo's, not a redirect.
    own = (public / "archives/2024/page/2/index.html").read_text()
    assert 'http-equiv="refresh"' not in own and "/posts/post-" in own


@pytest.mark.parametrize(
    ("archive", "posts", "expected"),
    [
        ("/category/news/", 10, []),
        ("/category/news/", 11, ["/category/news/page/2/"]),
        ("/2024/05", 30, ["/2024/05/page/2/", "/2024/05/page/3/"]),
        ("/tag/x/", 10_000, [f"/tag/x/page/{n}/" for n in range(2, 101)]),
    ],
)
def test_archive_page_paths_follow_wordpress_paging(archive, posts, expected):
    assert archive_page_paths(archive, posts) == expected


def test_a_scheduled_post_joins_its_archives_and_id_map_from_its_date(tmp_path):
    # WordPress publishes a scheduled post at its date; so does Hugo (publishDate), so the archives
    # and the ?p= map must already name it. A month only it has waits for it too.
    posts = [
        item("Now", post_id=1, link=f"{SITE}/now/", slug="now", date="2024-05-06 07:08:09"),
        item(
            "Later",
            post_id=2,
            link=f"{SITE}/later/",
            slug="later",
            date="2099-01-02 03:04:05",
            status="future",
        ),
    ]
    export = write_export(tmp_path / "export.xml", posts)
    convert_export(export, tmp_path / "site")
    site = tmp_path / "site"
    later = frontmatter.load(site / "content/posts/later/index.md")
    assert later["archives"] == ["2099", "2099-01"] and later["publishDate"] == "2099-01-02T03:04:05+00:00"
    month = frontmatter.load(site / "content/archives/2099-01/_index.md")
    assert month["publishDate"] == "2099-01-02T03:04:05+00:00"
    assert month["aliases"] == ["/2099/01/", "/2099/01/02/"]
    assert "publishDate" not in frontmatter.load(site / "content/archives/2024-05/_index.md").metadata
    redirects = json.loads((site / "data/wordpress_redirects.json").read_text())
    assert redirects["p"]["2"] == "/posts/later/"

    before, _ = build_with_log(site, tmp_path / "before")
    assert not (before / "posts/later").exists() and not (before / "archives/2099-01").exists()
    assert not (before / "2099").exists() and "Later" not in (before / "archives/index.html").read_text()
    after, _ = build_with_log(
        site, tmp_path / "after", extra_args=("--buildFuture",)
    )  # a build past its date
    assert "/posts/later/" in (after / "archives/2099-01/index.html").read_text()
    assert "/archives/2099-01/" in (after / "2099/01/index.html").read_text()


def test_attachment_pages_below_a_posts_html_address_are_kept_as_redirect_rules(tmp_path, hugo_build):
    # Permalinks ending in .html (/%year%/%monthnum%/%postname%.html): the post's old address is a file
    # of Hugo's, and its attachment pages' (/2012/01/scar.html/loading/) would be folders inside it.
    # Hugo failed the whole build on them ("not a directory"); a Chinese blog's 56 posts had such pages
    # (292 old URLs). A bucket holds both keys: they become `_redirects` rules, published as S3 redirects.
    post = f"{SITE}/2012/01/scar.html"
    items = [item("Scar", post_id=176, link=post, guid=f"{SITE}/?p=176", slug="scar")]
    for n, name in enumerate(("loading", "%e7%b1%bb%e5%9b%be", "has space", "draft-photo"), start=1):
        items.append(
            item(
                name,
                post_id=176 + n,
                post_type="attachment",
                status="inherit",
                parent=176 if name != "draft-photo" else 190,
                link=f"{post}/{name}/" if name != "draft-photo" else f"{SITE}/2012/01/draft.html/{name}/",
                slug=name,
                attachment_url=f"{SITE}/wp-content/uploads/2012/01/{n}.png",
            )
        )
    items.append(item("Draft", post_id=190, link=f"{SITE}/2012/01/draft.html", slug="draft", status="draft"))
    export = write_export(tmp_path / "export.xml", items)
    report = convert_export(export, tmp_path / "site")
    public = hugo_build(tmp_path / "site", tmp_path)
    assert 'url=https://old.example/posts/scar/"' in (public / "2012/01/scar.html").read_text()
    rules = (public / "_redirects").read_text().split("\n")
    assert "/2012/01/scar.html/loading/ /posts/scar/ 301" in rules
    assert "/2012/01/scar.html/类图/ /posts/scar/ 301" in rules
    # An attachment of a draft goes home, as every such attachment page does.
    assert "/2012/01/draft.html/draft-photo/ / 301" in rules
    assert not any("has space" in rule for rule in rules)
    notes = [w.message for w in report.warnings if w.code == "alias-collides-with-file"]
    assert notes == [
        "old URL /2012/01/scar.html/has space/ of post 176 lies inside an old URL ending in .html and "
        "cannot be a _redirects rule (a space, ':' or '*', or its page is not published); no redirect made"
    ]
    assert {u.url for u in unanswered(export, public)} == {"/2012/01/scar.html/has space/"}


def test_a_term_whose_name_starts_with_a_dot_or_has_a_hash_has_a_page_and_its_old_address(
    tmp_path, hugo_build
):
    # Tags ".NET" and ".bat" (slugs net, bat): Hugo's folder for the name is hidden (/tags/.net/), and
    # Hugo passes over a content folder that starts with a dot: the term lost its title and /tag/net/.
    post = item(
        "Batch files",
        post_id=5,
        link=f"{SITE}/2024/05/06/batch-files/",
        slug="batch-files",
        terms=(
            ("post_tag", "net", ".NET"),
            ("post_tag", "bat", ".bat"),
            ("post_tag", "parkrun", "#parkrun"),
            ("category", "schema-org", "schema.org"),  # named like an Org file: its feed was lost
        ),
    )
    export = write_export(tmp_path / "export.xml", [post])
    convert_export(export, tmp_path / "site")
    public = hugo_build(tmp_path / "site", tmp_path)
    assert "<title>.NET" in (public / "tags/net/index.html").read_text()
    assert "Batch files" in (public / "tags/bat/index.html").read_text()
    assert "<title>#parkrun" in (public / "tags/parkrun/index.html").read_text()  # not /tags/#parkrun/
    feed = (public / "category/schema-org/feed/index.html").read_text()
    assert 'url=https://old.example/categories/schema.org/index.xml"' in feed
    assert not list(public.rglob(".*"))  # no hidden file or folder anywhere
    assert unanswered(export, public) == []


def test_a_page_named_archives_leaves_the_date_archives_their_folder(tmp_path, hugo_build):
    """Many WordPress sites have an "Archives" page (/archives/). Written as content/archives/index.md,
    a leaf bundle, it swallowed the date archives' term pages below it: no /2024/05/ answered. It is
    the archives list's own page (`_index.md`), its title above the months."""
    export = write_export(
        tmp_path / "export.xml",
        [
            item(
                "Archives", post_id=2, post_type="page", link=f"{SITE}/archives/", slug="archives", content=""
            ),
            item("Hello", post_id=3, link=f"{SITE}/2024/05/06/hello/", slug="hello"),
        ],
    )
    report = convert_export(export, tmp_path / "site")
    content = tmp_path / "site" / "content"
    assert not (content / "archives" / "index.md").exists()
    assert (content / "archives" / "2024-05" / "_index.md").is_file()
    assert "Archives" in (content / "archives" / "_index.md").read_text()
    assert "duplicate-slug" not in report.warning_codes()
    public = hugo_build(tmp_path / "site", tmp_path)
    assert (public / "2024" / "05" / "index.html").is_file()  # the month's old archive, an alias
    assert "2024" in (public / "archives" / "index.html").read_text()  # the old page's address: the archives
    check = check_old_urls(export, public)
    assert [f"{u.url} ({u.source})" for u in check.unanswered] == []


def test_an_id_a_guid_spells_never_takes_over_an_items_own_id(tmp_path):
    """Real exports carry guids of an older site (`?p=416` on post 706) whose number is another item's
    own id here (a draft 416): WordPress answers `?p=416` with that draft, which no visitor sees."""
    export = write_export(
        tmp_path / "export.xml",
        [
            item("Kept draft", post_id=416, status="draft", link=f"{SITE}/?p=416", slug="kept-draft"),
            item(
                "Live",
                post_id=706,
                link=f"{SITE}/2012/07/13/live/",
                guid="http://older.example/?p=416",
                slug="live",
            ),
            item(
                "Sample",
                post_id=2,
                post_type="page",
                status="trash",
                link=f"{SITE}/?page_id=2",
                slug="sample",
            ),
            item(
                "Info",
                post_id=756,
                post_type="page",
                link=f"{SITE}/info/",
                guid="http://demo.example/?page_id=2",
                slug="info",
            ),
            item(
                "Moved",
                post_id=800,
                link=f"{SITE}/2012/08/01/moved/",
                guid="http://older.example/?p=77",
                slug="moved",
            ),
        ],
    )
    convert_export(export, tmp_path / "site")
    redirects = json.loads((tmp_path / "site" / "data" / "wordpress_redirects.json").read_text())
    assert "416" not in redirects["p"] and redirects["p"]["706"] == "/posts/live/"
    assert "2" not in redirects["p"] and "2" not in redirects["page_id"]
    assert redirects["p"]["77"] == "/posts/moved/"  # an id no item here has still leads on


def test_a_repeated_posts_old_slug_leads_to_the_post_it_repeats(tmp_path):
    """WordPress's importer skips a repeat (same type, title, date and status); on the old site it had
    its own address and names before a rename (a real blog's `_wp_old_slug` 296), which led to it."""
    kept = item("Release party", post_id=704, link=f"{SITE}/2010/07/19/release-party/", slug="release-party")
    repeat = item(
        "Release party",
        post_id=705,
        link=f"{SITE}/2010/07/19/release-party-2/",
        slug="release-party-2",
        meta=(("_wp_old_slug", "296"),),
    )
    export = write_export(tmp_path / "export.xml", [kept, repeat])
    report = convert_export(export, tmp_path / "site")
    assert "duplicate-item" in report.warning_codes()
    aliases = frontmatter.load(tmp_path / "site" / "content" / "posts" / "release-party" / "index.md")[
        "aliases"
    ]
    assert {"/2010/07/19/release-party-2/", "/2010/07/19/296/"} <= set(aliases)


def test_two_categories_of_one_slug_each_keep_their_id(tmp_path, hugo_build):
    """A real export has two categories `risk-management` (ids 50 and 51): one page, and `?cat=51`
    answered nothing."""
    export = write_export(
        tmp_path / "export.xml",
        [
            item(
                "Risk",
                post_id=1,
                link=f"{SITE}/risk/",
                slug="risk",
                terms=(("category", "risk-management", "Risk"),),
            )
        ],
        channel=category(50, "risk-management", "Risk Management") + category(51, "risk-management", "Risk"),
    )
    convert_export(export, tmp_path / "site")
    public = hugo_build(tmp_path / "site", tmp_path)
    query_map = json.loads(next(public.glob("wordpress-redirects.*.json")).read_text())
    assert query_map["cat"]["50"] == query_map["cat"]["51"] == "/categories/risk-management/"
    assert unanswered(export, public) == []
