"""Approved pingbacks and trackbacks are kept with the comments, marked with their type, as WordPress
lists them; unapproved ones are not."""

from __future__ import annotations

from dataclasses import replace

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
    # Ids an export should never have: 0 (also "no parent"; a comment without an id reads as 0), a
    # comment answering itself, two answering each other, and one id twice. Each was walked forever or
    # lost (a 6 KB export took gigabytes); now each is shown once, with an id of its own, at the top
    # level where its parent is not shown before it.
    odd = [
        reply(0, 0),
        reply(5, 5),
        reply(6, 7),
        reply(7, 6, "2024-01-03 00:00:00"),
        reply(5, 0, "2024-01-04 00:00:00"),
    ]
    shown = threaded(odd, "+00:00")
    assert [(e["id"], e["parent"]) for e in shown] == [(5, 0), (8, 0), (9, 0), (6, 0), (7, 6)]
    assert [e["content"] for e in shown if e["id"] in (8, 9)] == ["<p>Text 0</p>", "<p>Text 5</p>"]


def test_comments_without_ids_are_all_shown_once_and_the_site_builds(tmp_path):
    from chalicelib.wordpress import convert_export
    from tests.functional.wordpress.conftest import build
    from tests.functional.wordpress.exports import Post, write_export

    def no_id(text: str, comment_id: str) -> str:
        return (
            f"<wp:comment>{comment_id}<wp:comment_author>Reader</wp:comment_author>"
            "<wp:comment_date>2024-03-05 01:02:03</wp:comment_date>"
            f"<wp:comment_content><![CDATA[{text}]]></wp:comment_content>"
            "<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>"
        )

    extra = no_id("first words", "") + no_id("second words", "<wp:comment_id>0</wp:comment_id>")
    export = write_export(tmp_path / "export.xml", [Post(1, "talk", "<p>Body</p>", extra=extra)])
    convert_export(export, tmp_path / "site")
    page = (build(tmp_path / "site", tmp_path) / "posts/talk/index.html").read_text()
    assert page.count("first words") == 1 and page.count("second words") == 1
    assert 'id="comment-0"' not in page


def test_a_new_id_is_never_one_a_reply_to_a_comment_left_out_names():
    held = Comment(
        id=4,
        author="Held",
        author_url="",
        date="2024-01-02 03:04:05",
        date_gmt="2024-01-02 03:04:05",
        content="<p>held</p>",
        approved="0",
        type="",
        parent=0,
    )
    # 0 needs a new id; 2 answers 4, which is not approved, so 2 stays top level: 0 must not become 4.
    shown = threaded([reply(0, 0), reply(3, 0), reply(2, 4), held], "+00:00")
    assert [(e["id"], e["parent"]) for e in shown] == [(2, 0), (3, 0), (5, 0)]


def test_a_page_with_child_pages_shows_its_comments(tmp_path):
    # A page with pages below it is a section in Hugo, listed by the section layout: its comments
    # (a French blog's "A propos" had 18) were in its bundle but shown nowhere.
    from chalicelib.wordpress import convert_export
    from tests.functional.wordpress.conftest import build
    from tests.functional.wordpress.exports import Post, write_export

    said = (
        "<wp:comment><wp:comment_id>86</wp:comment_id><wp:comment_author>Lionel</wp:comment_author>"
        "<wp:comment_date>2012-02-15 01:00:00</wp:comment_date>"
        "<wp:comment_content><![CDATA[Superbe, votre site]]></wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>"
    )
    pages = [
        Post(2, "about", "<p>Bienvenue</p>", title="A propos", type="page", extra=said),
        Post(3, "wedding", "<p>Child</p>", title="Wedding", type="page", parent=2),
    ]
    convert_export(write_export(tmp_path / "export.xml", pages), tmp_path / "site")
    page = (build(tmp_path / "site", tmp_path) / "about/index.html").read_text()
    assert "Bienvenue" in page and "Wedding" in page
    assert page.count("Superbe, votre site") == 1


def test_a_comment_with_an_old_flash_player_is_kept_without_the_player():
    # The site's author answering with a video (2008): the <object> made the whole comment spam.
    from chalicelib.wordpress.comments import screen, threaded

    video = (
        'une petite vidéo\n<object width="437" height="370"><param name="movie" '
        'value="http://www.viddler.com/player/df7fecf6/" />'
        '<embed src="http://www.viddler.com/player/df7fecf6/" type="application/x-shockwave-flash">'
        "</embed></object>"
    )
    injected = "nice<script>document.location='https://evil.example/'</script>"
    kept, spam = screen([replace(comment(1), content=video), replace(comment(2), content=injected)])
    assert [c.id for c in kept] == [1] and [c.id for c, _ in spam] == [2]
    assert [e["content"] for e in threaded(kept, "+00:00")] == ["<p>une petite vidéo</p>"]


def test_a_pingbacks_title_is_shown_as_wordpress_shows_it():
    """WordPress keeps a pingback's author (the linking post's title) as HTML: `&#8211;` is a dash on
    its page, not the text "&#8211;" that the theme's escaping made of it."""
    notice = replace(comment(1, "pingback"), author="Setting up a Lab &#8211; Tools &laquo; Jeff")
    plain = replace(comment(2), author="Tom & Jerry")
    kept = threaded([notice, plain], "+00:00")
    assert [entry["author"] for entry in kept] == ["Setting up a Lab – Tools « Jeff", "Tom & Jerry"]


def test_approved_comments_with_code_samples_are_kept_and_their_code_shown():
    """A jQuery tips blog lost five approved comments whose code (`<select onChange=...>`, a
    `<script>` inside `<pre>`) was read as injected; WordPress shows them, their code as text."""
    from chalicelib.wordpress.comments import screen

    sample = replace(
        comment(1),
        content='<pre lang="html">\n<select id="s1"><option>One</option></select>\n'
        '<script>\n$("#s1").val("4");\n</script>\n</pre>\nWorks for me.',
    )
    handler = replace(comment(2), content='Try <select onChange="javascript:document.info.submit()">.')
    injected = replace(comment(3), content='Nice post<script src="https://evil.example/x.js"></script>')
    form = replace(
        comment(4),
        content='<pre lang=\'html\'>\n<form method="get" action="javascript:go()">\n<select name="n">'
        "<option>Pick one:</option><option>20</option></select>\n</form>\n</pre>",
    )
    kept, spam = screen([sample, handler, injected, form])
    assert [c.id for c in kept] == [1, 2, 4]
    assert [(c.id, reason) for c, reason in spam] == [(3, "script: https://evil.example/x.js")]
    shown = threaded(kept, "+00:00")
    assert '$("#s1").val("4");' in shown[0]["content"] and "<script" not in shown[0]["content"]
    assert "onChange" not in shown[1]["content"] and "javascript" not in shown[1]["content"]
    assert "Pick one:" in shown[2]["content"] and "<form" not in shown[2]["content"]
    assert "javascript" not in shown[2]["content"]


def test_a_products_approved_reviews_are_shown_with_their_stars(tmp_path):
    """WooCommerce keeps product reviews as comments of type `review`, their stars in a `rating`
    comment meta: a shop's 27 approved reviews were counted as skipped and shown nowhere."""
    from chalicelib.wordpress import convert_export
    from tests.functional.wordpress.conftest import build
    from tests.functional.wordpress.exports import Post, write_export

    def review(review_id: int, approved: str, stars: str) -> str:
        return (
            f"<wp:comment><wp:comment_id>{review_id}</wp:comment_id>"
            "<wp:comment_author><![CDATA[Oliver]]></wp:comment_author>"
            "<wp:comment_date>2024-03-05 01:02:03</wp:comment_date>"
            "<wp:comment_date_gmt>2024-03-05 01:02:03</wp:comment_date_gmt>"
            f"<wp:comment_content><![CDATA[Review {review_id} text]]></wp:comment_content>"
            f"<wp:comment_approved>{approved}</wp:comment_approved><wp:comment_type>review</wp:comment_type>"
            "<wp:comment_parent>0</wp:comment_parent>"
            "<wp:commentmeta><wp:meta_key>verified</wp:meta_key><wp:meta_value>0</wp:meta_value></wp:commentmeta>"
            f"<wp:commentmeta><wp:meta_key>rating</wp:meta_key><wp:meta_value>{stars}</wp:meta_value>"
            "</wp:commentmeta></wp:comment>"
        )

    reviews = review(1, "1", "3") + review(2, "0", "5") + review(3, "1", "9")
    export = write_export(tmp_path / "export.xml", [Post(1, "mug", "<p>A mug</p>", extra=reviews)])
    report = convert_export(export, tmp_path / "site")
    assert (report.counts["comment/approved"], report.counts["comment/skipped"]) == (2, 1)
    page = (build(tmp_path / "site", tmp_path) / "posts/mug/index.html").read_text()
    assert "Review 1 text" in page and "Review 3 text" in page and "Review 2 text" not in page
    assert 'role="img" aria-label="Rated 3 out of 5">★★★☆☆</span>' in page
    assert page.count("comment-rating") == 1  # a rating out of range is no stars


def test_a_plugins_reviews_are_kept_and_its_other_approved_comments_named(tmp_path):
    """A booking theme's approved `ts_reviews` (shown under its rooms) were dropped, counted as skipped
    with trashed ones, and the summary said "no warnings". A plugin's other types may be private."""
    from chalicelib.wordpress import convert_export
    from tests.functional.wordpress.exports import Post, write_export

    both = [comment(1, "ts_reviews"), comment(2, "order_note")]
    assert [entry["id"] for entry in threaded(both, "")] == [1]

    def typed(id_: int, type_: str) -> str:
        return (
            f"<wp:comment><wp:comment_id>{id_}</wp:comment_id><wp:comment_author>Ann</wp:comment_author>"
            "<wp:comment_date>2024-03-05 01:02:03</wp:comment_date>"
            f"<wp:comment_content><![CDATA[Text {id_}]]></wp:comment_content>"
            f"<wp:comment_approved>1</wp:comment_approved><wp:comment_type>{type_}</wp:comment_type>"
            "<wp:comment_parent>0</wp:comment_parent></wp:comment>"
        )

    extra = typed(1, "ts_reviews") + typed(2, "order_note") + typed(3, "order_note")
    export = write_export(tmp_path / "export.xml", [Post(1, "room", "<p>Body</p>", extra=extra)])
    report = convert_export(export, tmp_path / "site")
    kept = (tmp_path / "site/content/posts/room/comments.json").read_text()
    assert "Text 1" in kept and "Text 2" not in kept
    (named,) = [w.message for w in report.warnings if w.code == "comment-type"]
    assert named.startswith("2 approved comments of the plugin type 'order_note' not kept")
