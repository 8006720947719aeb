"""The old URL rules: guid ids, the old site's base path, attachment links to files, feed paths."""

import pytest

from chalicelib.wordpress.oldurlcheck import OldUrl, answer, published_query_map
from chalicelib.wordpress.oldurls import (
    comment_page_paths,
    feed_paths,
    guid_id,
    site_base_path,
    site_feed_paths,
    site_relative,
)
from chalicelib.wordpress.wxr import Comment, Site


@pytest.mark.parametrize(
    ("guid", "expected"),
    [
        ("https://old.example/?p=12", 12),
        ("http://old.example/?page_id=3&lang=en", 3),
        ("https://old.example/?attachment_id=7", 7),
        ("https://old.example/2024/05/hello/", 0),
        ("https://old.example/?p=abc", 0),
        ("http://[bad", 0),
    ],
)
def test_guid_id(guid, expected):
    assert guid_id(guid) == expected


@pytest.mark.parametrize(
    ("url", "path", "expected"),
    [
        ("https://old.example/blog", "/blog/2024/hello/", "/2024/hello/"),
        ("https://old.example/blog/", "/blog/", "/"),
        ("https://old.example/blog", "/blogroll/", "/blogroll/"),
        ("https://old.example", "/2024/hello/", "/2024/hello/"),
    ],
)
def test_old_paths_are_relative_to_the_old_sites_base(url, path, expected):
    assert site_relative(path, site_base_path(Site(base_blog_url=url))) == expected


def test_feed_paths():
    assert feed_paths("/tag/rye/") == ["/tag/rye/feed/", "/tag/rye/feed/rss2/", "/tag/rye/feed/atom/"]
    assert {"/feed/", "/feed/rdf/", "/comments/feed/", "/comments/feed/atom/"} <= set(site_feed_paths())


@pytest.mark.parametrize("attribute", ['data-map="/m.1.json"', "data-map=/m.1.json"])  # --minify drops quotes
def test_the_checker_finds_the_published_query_map(tmp_path, attribute):
    (tmp_path / "index.html").write_text(f"<script src=/js/r.js {attribute} data-keys=p></script>")
    (tmp_path / "m.1.json").write_text('{"p": {"5": "/posts/x/"}}')
    (tmp_path / "posts/x").mkdir(parents=True)
    (tmp_path / "posts/x/index.html").write_text("x")
    query_map = published_query_map(tmp_path)
    assert answer(OldUrl("/?p=5", "post 5 id", "query"), tmp_path, query_map) == "/posts/x/"
    assert answer(OldUrl("/?p=6", "post 6 id", "query"), tmp_path, query_map) == ""


def _comment(comment_id: int, parent: int = 0, approved: str = "1") -> Comment:
    return Comment(comment_id, parent, "Ann", "", "2024-01-01 00:00:00", "", "Hi", approved, "comment")


def test_a_posts_comment_pages_lead_to_it_by_its_top_level_approved_comments() -> None:
    link = "https://old.example/2024/01/hello/"
    comments = [_comment(n) for n in range(1, 52)]  # 51 top-level: two pages of fifty
    comments += [_comment(100, parent=1), _comment(101, approved="0"), _comment(102, approved="spam")]
    assert comment_page_paths(link, comments) == [
        "/2024/01/hello/comment-page-1/",
        "/2024/01/hello/comment-page-2/",
    ]
    assert comment_page_paths(link, comments[:3]) == ["/2024/01/hello/comment-page-1/"]
    assert comment_page_paths(link, []) == []
    assert comment_page_paths(link, [_comment(5, approved="0")]) == []
    assert comment_page_paths("https://old.example/?p=12", comments) == []  # plain permalinks: ?cpage=N
