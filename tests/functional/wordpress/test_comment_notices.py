"""Approved pingbacks and trackbacks are kept with the comments, marked with their type, as WordPress
lists them; unapproved ones are not."""

from __future__ import annotations

from chalicelib.wordpress.comments import threaded
from chalicelib.wordpress.wxr import Comment


def comment(id_: int, type_: str = "", approved: str = "1") -> Comment:
    return Comment(
        id=id_,
        author=f"Author {id_}",
        author_url="https://elsewhere.example/post",
        date="2024-01-02 03:04:05",
        date_gmt="2024-01-02 03:04:05",
        content=f"<p>Text {id_}</p>",
        approved=approved,
        type=type_,
        parent=0,
    )


def test_pingbacks_and_trackbacks_are_kept_with_their_type():
    kept = threaded(
        [comment(1), comment(2, "pingback"), comment(3, "trackback"), comment(4, "pingback", approved="0")],
        "+00:00",
    )
    assert [(entry["id"], entry.get("type")) for entry in kept] == [
        (1, None),
        (2, "pingback"),
        (3, "trackback"),
    ]


def test_the_theme_lists_a_pingback_as_wordpress_does(tmp_path):
    from chalicelib.wordpress import convert_export
    from tests.functional.wordpress.conftest import build
    from tests.functional.wordpress.exports import Post, write_export

    notice = (
        "<wp:comment><wp:comment_id>9</wp:comment_id><wp:comment_author><![CDATA[Another blog]]>"
        "</wp:comment_author><wp:comment_author_url>https://another.example/reply/</wp:comment_author_url>"
        "<wp:comment_date>2024-03-05 01:02:03</wp:comment_date>"
        "<wp:comment_date_gmt>2024-03-05 01:02:03</wp:comment_date_gmt>"
        "<wp:comment_content><![CDATA[[...] we wrote about this too [...]]]></wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved><wp:comment_type>pingback</wp:comment_type>"
        "<wp:comment_parent>0</wp:comment_parent></wp:comment>"
    )
    export = write_export(tmp_path / "export.xml", [Post(1, "linked", "<p>Body</p>", extra=notice)])
    convert_export(export, tmp_path / "site")
    page = (build(tmp_path / "site", tmp_path) / "posts/linked/index.html").read_text()
    assert 'class="comment depth-1 pingback"' in page
    assert 'Pingback: <a href="https://another.example/reply/"' in page
    assert "we wrote about this too" in page


def reply(id_: int, parent: int, date: str = "2024-01-02 03:04:05") -> Comment:
    return Comment(
        id=id_,
        author=f"Author {id_}",
        author_url="",
        date=date,
        date_gmt=date,
        content=f"<p>Text {id_}</p>",
        approved="1",
        type="",
        parent=parent,
    )


def test_replies_follow_their_comment_and_each_comment_is_shown_once_whatever_its_parent_says():
    # A normal thread: 2 answers 1, 3 answers 2, 4 is a second top-level comment.
    normal = [reply(4, 0, "2024-01-03 00:00:00"), reply(3, 2), reply(2, 1), reply(1, 0)]
    assert [(e["id"], e["parent"]) for e in threaded(normal, "+00:00")] == [(1, 0), (2, 1), (3, 2), (4, 0)]
    # Parents an export should never have: the id 0 named as its own parent (0 is also "no parent"),
    # a comment answering itself, and two answering each other. Each was walked forever (a 6 KB
    # export took gigabytes); now each is shown once, at the top level where its parent is not shown.
    odd = [reply(0, 0), reply(5, 5), reply(6, 7), reply(7, 6, "2024-01-03 00:00:00")]
    shown = threaded(odd, "+00:00")
    assert sorted(e["id"] for e in shown) == [0, 5, 6, 7]
    assert [(e["id"], e["parent"]) for e in shown] == [(0, 0), (5, 0), (6, 0), (7, 6)]
