"""The change review of two small builds: what it lists, what it tells once, and what it reads."""

from __future__ import annotations

import json
from pathlib import Path

from chalicelib.review.compare import AssetKind, FileChange, RedirectChange
from chalicelib.review.review import ChangeReview, Side, review_builds
from tests.unit.review.builds import NEW_CSS, OLD_CSS, FolderPages, alias, feed, listing, page, write_build

SHOP = ("Home", "Posts", "Shop")


def old_site() -> dict[str, bytes]:
    return {
        "index.html": page("Welcome", "Latest posts."),
        "posts/alpha/index.html": page("Alpha", "The harbour opens at nine.", "Boats leave at noon."),
        "posts/beta/index.html": page("Beta", "Bread rises slowly."),
        "posts/gamma/index.html": page("Gamma", "Copper roofs turn green."),
        "posts/delta/index.html": page("Delta", "Lanterns at dusk."),
        "old-alpha/index.html": alias("https://blog.example/posts/alpha/"),
        OLD_CSS: b"body{color:black}",
        "images/cat.jpg": b"cat",
    }


def new_site() -> dict[str, bytes]:
    """A new menu entry and stylesheet on every page, one post edited, one added, one removed."""
    return {
        "index.html": page("Welcome", "Latest posts.", nav=SHOP, css=NEW_CSS),
        "posts/alpha/index.html": page(
            "Alpha", "The harbour opens at ten.", "Boats leave at noon.", nav=SHOP, css=NEW_CSS
        ),
        "posts/beta/index.html": page("Beta", "Bread rises slowly.", nav=SHOP, css=NEW_CSS),
        "posts/gamma/index.html": page("Gamma", "Copper roofs turn green.", nav=SHOP, css=NEW_CSS),
        "posts/epsilon/index.html": page("Epsilon", "Ember and willow.", nav=SHOP, css=NEW_CSS),
        "old-alpha/index.html": alias("https://blog.example/posts/alpha-2/"),
        "old-beta/index.html": alias("https://blog.example/posts/beta/"),
        NEW_CSS: b"body{color:navy}",
        "images/cat.jpg": b"cat",
        "images/dog.jpg": b"dog",
    }


def review(
    tmp_path: Path, old: dict[str, bytes], new: dict[str, bytes]
) -> tuple[ChangeReview, FolderPages, FolderPages]:
    old_manifest = write_build(tmp_path / "v1", old, run_id="v1")
    new_manifest = write_build(tmp_path / "v2", new, run_id="v2")
    old_side = Side(old_manifest, FolderPages(tmp_path / "v1"))
    new_side = Side(new_manifest, FolderPages(tmp_path / "v2"), "https://staging.blog.example/")
    result = review_builds(
        site="blog", run="v2", against="prod", against_run="v1", old=old_side, new=new_side
    )
    return result, old_side.source, new_side.source


def test_the_edited_post_is_the_only_changed_page_with_its_text_change(tmp_path: Path) -> None:
    result, _, _ = review(tmp_path, old_site(), new_site())
    (alpha,) = result.changed
    assert alpha.path == "posts/alpha/index.html"
    assert alpha.url == "https://blog.example/posts/alpha/"
    assert alpha.staging_url == "https://staging.blog.example/posts/alpha/"
    assert alpha.title == "Alpha · Blog"
    assert [(c.removed, c.added) for c in alpha.changes] == [
        (("The harbour opens at nine.",), ("The harbour opens at ten.",))
    ]


def test_a_menu_entry_on_every_page_is_told_once_as_site_wide(tmp_path: Path) -> None:
    result, _, _ = review(tmp_path, old_site(), new_site())
    (nav,) = result.site_wide
    assert nav.where.startswith("around the main content")
    assert nav.added == ("Shop",) and nav.removed == ()
    assert nav.pages == 3  # home, beta, gamma: changed only outside their main content
    assert result.changed_site_wide_only == 3


def test_added_and_removed_pages_come_with_url_and_title(tmp_path: Path) -> None:
    result, _, _ = review(tmp_path, old_site(), new_site())
    assert [(p.url, p.title) for p in result.added] == [
        ("https://blog.example/posts/epsilon/", "Epsilon · Blog")
    ]
    assert [(p.url, p.title) for p in result.removed] == [
        ("https://blog.example/posts/delta/", "Delta · Blog")
    ]


def test_redirects_assets_and_the_stylesheet_called_out(tmp_path: Path) -> None:
    result, _, _ = review(tmp_path, old_site(), new_site())
    assert result.redirects == (
        RedirectChange(
            "old-alpha/index.html", "https://blog.example/posts/alpha/", "https://blog.example/posts/alpha-2/"
        ),
        RedirectChange("old-beta/index.html", None, "https://blog.example/posts/beta/"),
    )
    assert result.assets == {
        AssetKind.STYLESHEETS: (FileChange(NEW_CSS, "replaced", OLD_CSS),),
        AssetKind.IMAGES: (FileChange("images/dog.jpg", "added"),),
    }
    assert result.site_wide_assets == (FileChange(NEW_CSS, "replaced", OLD_CSS),)


def test_only_changed_files_are_read(tmp_path: Path) -> None:
    result, old_source, new_source = review(tmp_path, old_site(), new_site())
    unchanged = {"images/cat.jpg"}
    assert not unchanged & (set(old_source.asked) | set(new_source.asked))
    # The edited post on both sides, the added and the removed page, and the pages changed only in markup
    # (3, to tell what changed site-wide); never an asset.
    assert sorted(new_source.asked) == sorted(
        [
            "posts/alpha/index.html",
            "index.html",
            "posts/beta/index.html",
            "posts/gamma/index.html",
            "posts/epsilon/index.html",
        ]
    )
    assert "posts/delta/index.html" in old_source.asked and "posts/epsilon/index.html" not in old_source.asked
    assert result.files_read == 10
    assert result.files_read <= result.changed_files


def test_a_date_line_in_every_pages_content_is_site_wide_and_not_per_page(tmp_path: Path) -> None:
    old = {p: page(t, *body, before_content="<p>Built 2026-11-29 10:04</p>") for p, t, body in POSTS}
    new = {p: page(t, *body, before_content="<p>Built 2026-11-30 08:51</p>") for p, t, body in POSTS}
    new["posts/b/index.html"] = page("B", "Bread rises fast.", before_content="<p>Built 2026-11-30 08:51</p>")
    result, _, _ = review(tmp_path, old, new)
    assert [p.path for p in result.changed] == ["posts/b/index.html"]
    assert [(c.removed, c.added) for c in result.changed[0].changes] == [
        (("Bread rises slowly.",), ("Bread rises fast.",))
    ]
    (date,) = result.site_wide
    assert date.where == "main content" and date.pages == 4
    assert date.removed == ("Built 2026-11-29 10:04",) and date.added == ("Built 2026-11-30 08:51",)
    assert result.changed_site_wide_only == 3


POSTS = [
    ("posts/a/index.html", "A", ("Alpha words.",)),
    ("posts/b/index.html", "B", ("Bread rises slowly.",)),
    ("posts/c/index.html", "C", ("Copper.",)),
    ("posts/d/index.html", "D", ("Dusk.",)),
]


def test_text_and_json_renderings_carry_every_part(tmp_path: Path) -> None:
    result, _, _ = review(tmp_path, old_site(), new_site())
    text = result.text()
    for expected in (
        "Changes in run v2 of blog against prod: 1 page changed, 1 added, 1 removed",
        "+ Shop",
        "Alpha · Blog  https://blog.example/posts/alpha/",
        "    - The harbour opens at nine.",
        "    + The harbour opens at ten.",
        "Added pages (1):",
        "Removed pages (1):",
        "~ /old-alpha/ -> https://blog.example/posts/alpha-2/",
        f"~ {NEW_CSS} (replaces {OLD_CSS})",
        "Images (1):",
        "Read 10 of",
    ):
        assert expected in text, expected
    data = json.loads(json.dumps(result.to_dict()))
    assert data["pages"]["changed"][0]["changes"][0]["inline"] == "The harbour opens at [-nine.-]{+ten.+}"
    assert data["assets"]["images"] == [{"path": "images/dog.jpg", "change": "added"}]
    assert data["site_wide_assets"][0]["old_path"] == OLD_CSS
    assert data["files_read"] == 10


def test_no_changes_reads_nothing(tmp_path: Path) -> None:
    result, old_source, new_source = review(tmp_path, old_site(), old_site())
    assert result.summary() == "no changes"
    assert old_source.asked == [] and new_source.asked == []


def test_the_first_pages_then_how_many_more(tmp_path: Path) -> None:
    new = new_site() | {"posts/zeta/index.html": page("Zeta", "Z.", nav=SHOP, css=NEW_CSS)}
    result, _, _ = review(tmp_path, old_site(), new)
    assert "  ... and 1 more" in result.text(max_pages=1)


def test_the_same_paragraph_added_to_a_few_posts_of_a_larger_site_is_listed_on_each(tmp_path: Path) -> None:
    old = {f"posts/p{n}/index.html": page(f"P{n}", f"Words {n}.") for n in range(10)}
    new = dict(old)
    for n in range(3):
        new[f"posts/p{n}/index.html"] = page(f"P{n}", f"Words {n}.", "Sponsored by the harbour.")
    result, _, _ = review(tmp_path, old, new)
    assert [p.path for p in result.changed] == [f"posts/p{n}/index.html" for n in range(3)]
    assert result.site_wide == ()


def test_a_changed_page_that_cannot_be_read_is_listed_not_dropped(tmp_path: Path) -> None:
    old_manifest = write_build(tmp_path / "v1", old_site(), run_id="v1")
    new_manifest = write_build(tmp_path / "v2", new_site(), run_id="v2")
    (tmp_path / "v2" / "posts/alpha/index.html").unlink()  # the manifest names it; the source lacks it
    result = review_builds(
        site="blog",
        run="v2",
        against="prod",
        against_run="v1",
        old=Side(old_manifest, FolderPages(tmp_path / "v1")),
        new=Side(new_manifest, FolderPages(tmp_path / "v2")),
    )
    (alpha,) = result.changed
    assert alpha.unread and alpha.to_dict()["unread"] is True
    assert "could not be read on one side" in result.text()


def small_blog(alpha_summary: str, built: str = "") -> dict[str, bytes]:
    """A small blog as Hugo builds it: two posts, and the home page, the posts section and two terms
    that list them (each list with its RSS feed); `built` puts a date line in every page's content."""
    line = f"<p>Built {built}</p>" if built else ""
    alpha = ("posts/alpha/", "Alpha", alpha_summary)
    beta = ("posts/beta/", "Beta", "Bread rises slowly.")
    return {
        "index.html": listing("Blog", alpha, beta, before_content=line),
        "index.xml": feed(alpha_summary, "Bread rises slowly."),
        "posts/index.html": listing("Posts", alpha, beta, before_content=line),
        "posts/index.xml": feed(alpha_summary, "Bread rises slowly."),
        "tags/harbour/index.html": listing("Harbour", alpha, before_content=line),
        "tags/harbour/index.xml": feed(alpha_summary),
        "categories/news/index.html": listing("News", alpha, before_content=line),
        "categories/news/index.xml": feed(alpha_summary),
        "posts/alpha/index.html": page("Alpha", alpha_summary, "Boats leave at noon.", before_content=line),
        "posts/beta/index.html": page("Beta", "Bread rises slowly.", before_content=line),
    }


LISTS = ["categories/news/index.html", "index.html", "posts/index.html", "tags/harbour/index.html"]


def test_a_changed_summary_lists_the_post_and_every_list_page_showing_it(tmp_path: Path) -> None:
    old = small_blog("The harbour opens at nine.")
    new = small_blog("The harbour opens at ten.")
    result, _, _ = review(tmp_path, old, new)
    assert sorted(p.path for p in result.changed) == sorted([*LISTS, "posts/alpha/index.html"])
    for changed in result.changed:
        assert [(c.removed, c.added) for c in changed.changes] == [
            (("The harbour opens at nine.",), ("The harbour opens at ten.",))
        ], changed.path
    assert result.site_wide == () and result.changed_site_wide_only == 0


def test_a_date_on_every_page_lists_and_posts_alike_stays_site_wide(tmp_path: Path) -> None:
    old = small_blog("The harbour opens at nine.", built="2026-11-29 10:04")
    new = small_blog("The harbour opens at nine.", built="2026-11-30 08:51")
    new["posts/beta/index.html"] = page(
        "Beta", "Bread rises fast.", before_content="<p>Built 2026-11-30 08:51</p>"
    )
    result, _, _ = review(tmp_path, old, new)
    assert [p.path for p in result.changed] == ["posts/beta/index.html"]
    assert [(c.removed, c.added) for c in result.changed[0].changes] == [
        (("Bread rises slowly.",), ("Bread rises fast.",))
    ]
    (date,) = result.site_wide
    assert date.where == "main content" and date.pages == 6
    assert result.changed_site_wide_only == 5


def test_a_summary_change_under_a_date_change_is_still_listed_on_its_pages(tmp_path: Path) -> None:
    old = small_blog("The harbour opens at nine.", built="2026-11-29 10:04")
    new = small_blog("The harbour opens at ten.", built="2026-11-30 08:51")
    result, _, _ = review(tmp_path, old, new)
    assert sorted(p.path for p in result.changed) == sorted([*LISTS, "posts/alpha/index.html"])
    assert all(
        [(c.removed, c.added) for c in p.changes]
        == [(("The harbour opens at nine.",), ("The harbour opens at ten.",))]
        for p in result.changed
    )
    (date,) = result.site_wide
    assert date.added == ("Built 2026-11-30 08:51",) and date.pages == 6
