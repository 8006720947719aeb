"""The conversion report counts what was written: every kind and status, over every export we have.

Counted by sitecounts.written_counts; exports built by wxr_items.item.
"""

import json
from pathlib import Path

import frontmatter
import pytest

from chalicelib.wordpress import convert_export
from chalicelib.wordpress.identity import SYNTHETIC_BASE

from .sitecounts import SHARED_WXR, reported_written, shared_exports, written_counts
from .wxr_items import SITE, item, write_export


@pytest.mark.parametrize("name", shared_exports() or ["(none)"])
def test_report_counts_equal_what_was_written_for_every_shared_export(tmp_path, name):
    if name == "(none)":
        pytest.skip(
            f"the shared WXR fixtures are not at {SHARED_WXR} (they come with the team's shared/ folder)"
        )
    report = convert_export(SHARED_WXR / name, tmp_path / "site")
    assert reported_written(report.counts) == written_counts(tmp_path / "site")


def edge_export(path: Path) -> Path:
    return write_export(
        path,
        [
            item("Has an id", post_id=10, link=f"{SITE}/has-an-id/", slug="has-an-id", comments=2),
            item("No id element", post_id=None, link=f"{SITE}/no-id-element/", guid=f"{SITE}/?p=901"),
            item("Empty id", post_id=0, link=f"{SITE}/empty-id/", slug="empty-id"),
            item("Empty id too", post_id=0, slug="empty-id-too", date="2024-05-07 00:00:00"),
            item("Reused id", post_id=10, link=f"{SITE}/reused-id/", slug="reused-id", comments=1),
            # the same post listed twice (a merged export): the importer says it "already exists"
            item("Has an id", post_id=10, link=f"{SITE}/has-an-id/", slug="has-an-id"),
            # the same post under another id and address (exports of two copies of a site, merged)
            item("Has an id", post_id=13, link=f"{SITE}/has-an-id-copy/", slug="has-an-id-copy"),
            item("Draft without id", post_id=0, status="draft", slug="draft-without-id"),
            item("A page", post_id=0, post_type="page", slug="a-page"),
            item("A page", post_id=0, post_type="page", slug="a-page-2", date="2024-01-01 00:00:00"),
            item("Trashed", post_id=11, status="trash"),
            item("Coming", post_id=12, status="future", date="2099-01-01 00:00:00", slug="coming"),
            item(
                "A picture",
                post_id=0,
                post_type="attachment",
                attachment_url=f"{SITE}/wp-content/uploads/a.png",
            ),
            item(
                "A picture",
                post_id=0,
                post_type="attachment",
                attachment_url=f"{SITE}/wp-content/uploads/b.png",
            ),
        ],
    )


def test_items_without_or_with_a_taken_id_are_each_their_own_page(tmp_path):
    report = convert_export(edge_export(tmp_path / "export.xml"), tmp_path / "site")
    site = tmp_path / "site"
    assert reported_written(report.counts) == written_counts(site)
    assert report.counts["post/published"] == 5 and report.counts["post/duplicate"] == 2
    assert report.counts["page/published"] == 2 and report.counts["attachment/media"] == 2
    titles = {
        frontmatter.load(p)["title"]: frontmatter.load(p)["wordpress_id"] for p in site.rglob("index.md")
    }
    assert titles["Has an id"] == 10
    assert all(
        titles[t] >= SYNTHETIC_BASE for t in ("No id element", "Empty id", "Empty id too", "Reused id")
    )
    media_ids = [m["id"] for m in json.loads((site / "data/media.json").read_text())]
    assert len(set(media_ids)) == 2
    messages = [w.message for w in report.warnings if w.code == "duplicate-id"]
    assert len(messages) == 1 and "'Reused id'" in messages[0] and "'Has an id'" in messages[0]
    duplicate = [w.message for w in report.warnings if w.code == "duplicate-item"]
    assert len(duplicate) == 2 and all("already exists" in d for d in duplicate)
    # what the left-out copy answered leads to the post it repeats
    kept = frontmatter.load(site / "content/posts/has-an-id/index.md")
    assert "/has-an-id-copy/" in kept["aliases"]
    ids = json.loads((site / "data/wordpress_redirects.json").read_text())["p"]
    assert ids["13"] == ids["10"] == "/posts/has-an-id/"
    assert sum(1 for w in report.warnings if w.code == "missing-id") == 8


def test_new_ids_are_stable_from_one_run_to_the_next(tmp_path):
    export = edge_export(tmp_path / "export.xml")
    convert_export(export, tmp_path / "one")
    convert_export(export, tmp_path / "two")

    def ids(site):
        return sorted(
            frontmatter.load(p)["wordpress_id"]
            for p in site.rglob("index.md")
            if "wordpress_id" in frontmatter.load(p).metadata
        )

    assert ids(tmp_path / "one") == ids(tmp_path / "two")


def test_private_plugin_records_are_never_published(tmp_path):
    export = write_export(
        tmp_path / "export.xml",
        [
            item("Contact form response", post_id=20, post_type="feedback", content="jane@example.com wrote"),
            item("Order &ndash; May 6", post_id=21, post_type="shop_order", status="wc-completed"),
            item("A post", post_id=22, slug="a-post"),
        ],
    )
    report = convert_export(export, tmp_path / "site")
    assert report.counts["feedback/skipped"] == 1 and report.counts["shop_order/skipped"] == 1
    written = "\n".join(p.read_text() for p in (tmp_path / "site/content").rglob("*.md"))
    assert "jane@example.com" not in written and "Order" not in written
    assert reported_written(report.counts) == written_counts(tmp_path / "site")


def test_a_job_boards_private_messages_and_field_settings_are_never_published(tmp_path):
    """A job board's export (WP Job Manager and its add-ons) published 11 private messages between
    employers and candidates, with their senders, and its field editor's settings as pages."""
    queued = (("action-group", "woocommerce-db-updates", "woocommerce-db-updates"),)
    export = write_export(
        tmp_path / "export.xml",
        [
            item("Appointment letter", post_id=30, post_type="private-messages", content="Dear candidate"),
            item("candidate_age", post_id=31, post_type="jmfe_custom_fields"),
            item("Employers only", post_id=32, post_type="visibility_groups"),
            item("A job post", post_id=33, slug="a-job-post", terms=queued),
        ],
    )
    report = convert_export(export, tmp_path / "site")
    for kind in ("private-messages", "jmfe_custom_fields", "visibility_groups"):
        assert report.counts[f"{kind}/skipped"] == 1
    written = "\n".join(p.read_text() for p in (tmp_path / "site/content").rglob("*.md"))
    assert "Dear candidate" not in written and "Appointment" not in written and "candidate_age" not in written
    assert "action-group" not in written and not (tmp_path / "site/content/action-group").exists()


def test_plugin_records_and_taxonomy_named_items_are_never_pages(tmp_path):
    """A listings plugin's visitor enquiry (name, email, message in its fields), a slider's and a
    theme's sidebar records were published as empty public pages in the sitemap; a hand-made export's
    `category` items took the category archives' addresses."""
    export = write_export(
        tmp_path / "export.xml",
        [
            item("Enquiry on listing #5", post_id=40, post_type="listing-enquiry", slug="enquiry"),
            item("Home Page Slider", post_id=41, post_type="soliloquy", slug="home-page-slider"),
            item("Empty, no sidebar", post_id=42, post_type="sidebar", slug="no-sidebar"),
            item("News", post_id=43, post_type="category", slug="news"),
            item("Real post", post_id=44, slug="real-post", terms=(("category", "news", "News"),)),
        ],
    )
    report = convert_export(export, tmp_path / "site")
    for kind in ("listing-enquiry", "soliloquy", "sidebar", "category"):
        assert report.counts[f"{kind}/skipped"] == 1
    content = tmp_path / "site/content"
    assert sorted(p.parent.name for p in content.rglob("index.md")) == ["real-post"]
    news = frontmatter.load(content / "categories/news/_index.md")
    assert "/category/news/" in news["aliases"]  # the archive's address is the category's again


def test_an_item_with_neither_type_nor_status_is_a_draft_with_a_warning(tmp_path):
    # WordPress's importer refuses such an item (no post type), but nothing of an export is dropped.
    untyped = (
        "<item><title>Stray</title><link>https://old.example/stray/</link>"
        "<content:encoded><![CDATA[<p>Stray text</p>]]></content:encoded>"
        "<wp:post_id>20</wp:post_id><wp:post_name>stray</wp:post_name></item>"
    )
    no_type = (
        "<item><title>Typeless</title><content:encoded><![CDATA[<p>Typed by default</p>]]></content:encoded>"
        "<wp:post_id>20</wp:post_id><wp:post_name>typeless</wp:post_name><wp:status>publish</wp:status></item>"
    )
    export = write_export(tmp_path / "export.xml", [item("Kept", post_id=1, slug="kept"), untyped, no_type])
    report = convert_export(export, tmp_path / "site")
    site = tmp_path / "site"
    assert reported_written(report.counts) == written_counts(site)
    assert report.counts["post/published"] == 2 and report.counts["post/draft"] == 1
    assert frontmatter.load(site / "content/posts/stray/index.md")["draft"] is True
    assert frontmatter.load(site / "content/posts/typeless/index.md")["draft"] is False
    warned = [w for w in report.warnings if w.code == "untyped-item"]
    assert len(warned) == 1 and "Stray" in warned[0].item and "new id" in warned[0].message
    # the id they share stays with the item WordPress imports
    assert frontmatter.load(site / "content/posts/typeless/index.md")["wordpress_id"] == 20
    assert json.loads((site / "data/wordpress_redirects.json").read_text())["p"]["20"] == "/posts/typeless/"
    assert "duplicate-id" not in report.warning_codes()


@pytest.mark.parametrize(
    ("post_type", "content"),
    [
        ("ap_follower", '{"preferredUsername":"jane","inbox":"https://social.example/users/jane/inbox"}'),
        ("ap_outbox", '{"type":"Create","object":{"content":"Private draft of an activity"}}'),
        ("nf_sub", "jane@example.com, 12 Harbour Road"),
        ("tribe_rsvp_attendees", "Jane Doe, jane@example.com, 2 tickets"),
        ("elementor_library", "<p>Header template</p>"),
        ("et_pb_layout", "[et_pb_section]Saved section[/et_pb_section]"),
        ("wafs", "Free delivery for all orders shipped to Greece over 50 EUR"),  # a real shop's rule
    ],
)
def test_plugins_records_definitions_and_builder_libraries_are_never_pages(tmp_path, post_type, content):
    """Found in real exports (an ActivityPub blog's outbox, an Elementor site's kit), or named by their
    plugins as not public: a visitor's data, or a part the plugin renders inside other pages."""
    export = write_export(
        tmp_path / "export.xml",
        [
            item(
                "Record",
                post_id=30,
                post_type=post_type,
                link=f"https://old.example/?{post_type}=x",
                content=content,
            ),
            item("A post", post_id=31, slug="a-post"),
        ],
    )
    report = convert_export(export, tmp_path / "site")
    assert report.counts[f"{post_type}/skipped"] == 1 and report.counts["post/published"] == 1
    written = "\n".join(
        p.read_text() for p in (tmp_path / "site").rglob("*") if p.is_file() and p.suffix in (".md", ".json")
    )
    assert content not in written and "Record" not in written
    assert reported_written(report.counts) == written_counts(tmp_path / "site")


def test_plugins_bookkeeping_taxonomies_get_no_pages(tmp_path):
    """Polylang records which posts translate which as terms (a real Persian/English blog's export):
    `post_translations` terms named pll_5f8a..., never shown to a visitor; its `language` stays."""
    export = write_export(
        tmp_path / "export.xml",
        [
            item(
                "A post",
                post_id=40,
                slug="a-post",
                terms=(
                    ("language", "fa", "فارسی"),
                    ("post_translations", "pll_5f8a2b", "pll_5f8a2b"),
                    ("avhec_catgroup", "all-categories", "All Categories"),
                    ("category", "news", "News"),
                ),
            )
        ],
    )
    convert_export(export, tmp_path / "site")
    content = tmp_path / "site" / "content"
    assert not (content / "post_translations").exists() and not (content / "avhec_catgroup").exists()
    assert "post_translations" not in (tmp_path / "site" / "hugo.toml").read_text()
    assert "pll_5f8a2b" not in (content / "posts" / "a-post" / "index.md").read_text()
    assert (content / "categories").is_dir()


def test_a_left_out_repeats_comment_pages_lead_to_the_post_and_a_different_text_is_told(tmp_path):
    """A real blog's 19 repeated posts, each with comments: their comment-page-1/ addresses answered
    nothing; and one repeat showed another image than the copy kept, which the warning did not say."""
    base = "https://old.example/2006/10/02/back-in-germany/"
    export = write_export(
        tmp_path / "export.xml",
        [
            item("Back in Germany", post_id=353, slug="back-in-germany", link=base, comments=2),
            item(
                "Back in Germany",
                post_id=354,
                slug="back-in-germany-2",
                link=base.replace("germany/", "germany-2/"),
                comments=2,
                content="<p>Body</p><p><img src='https://old.example/other.jpg'></p>",
            ),
        ],
    )
    report = convert_export(export, tmp_path / "site")
    (warning,) = [w.message for w in report.warnings if w.code == "duplicate-item"]
    assert warning.endswith("left out; its text differs from that item's: compare the two in the export")
    kept = frontmatter.load(tmp_path / "site/content/posts/back-in-germany/index.md")
    assert "/2006/10/02/back-in-germany-2/comment-page-1/" in kept["aliases"]


def test_a_left_out_repeats_archive_pages_lead_on(tmp_path):
    """WordPress listed the repeats in their month's archive: with them it had more pages, and
    /2006/10/page/2/ answered nothing once they were left out."""
    posts = [
        item(
            f"Post {n}",
            post_id=n,
            slug=f"post-{n}",
            link=f"https://old.example/2006/10/0{n % 9 + 1}/post-{n}/",
            date=f"2006-10-0{n % 9 + 1} 10:00:00",
        )
        for n in range(1, 9)
    ]
    repeats = [
        item(
            f"Post {n}",
            post_id=100 + n,
            slug=f"post-{n}-2",
            link=f"https://old.example/2006/10/0{n % 9 + 1}/post-{n}-2/",
            date=f"2006-10-0{n % 9 + 1} 10:00:00",
        )
        for n in range(1, 5)
    ]
    report = convert_export(write_export(tmp_path / "export.xml", posts + repeats), tmp_path / "site")
    assert report.counts["post/duplicate"] == 4
    month = next((tmp_path / "site/content").rglob("2006-10/_index.md"))
    assert "/2006/10/page/2/" in frontmatter.load(month)["aliases"]


def test_an_export_without_its_version_line_but_with_wordpress_items_is_read(tmp_path):
    """A real export cut by hand lost its <wp:wxr_version>, and was refused as "like the site's RSS
    feed" though every item has <wp:post_id> and <wp:post_type>."""
    export = write_export(tmp_path / "export.xml", [item("Kept", post_id=1, slug="kept")])
    export.write_text(export.read_text().replace("<wp:wxr_version>1.2</wp:wxr_version>", ""))
    report = convert_export(export, tmp_path / "site")
    assert report.counts["post/published"] == 1
    (note,) = [w.message for w in report.warnings if w.code == "no-wxr-version"]
    assert note.endswith("so it was read as WXR 1.2")


def test_an_id_that_is_no_number_is_named_and_the_first_of_two_ids_is_the_items(tmp_path):
    """A Jekyll-made export wrote each post's slug as its <wp:post_id>: the warning said there was no
    id. And WordPress's importer reads the first of two <wp:post_id>s; the last was taken."""
    slugged = item("Docker", post_id=None, slug="docker").replace(
        "<wp:post_date>", "<wp:post_id>how-i-started-docker</wp:post_id><wp:post_date>"
    )
    twice = item("Twice", post_id=7, slug="twice").replace(
        "</wp:post_id>", "</wp:post_id><wp:post_id>999</wp:post_id>"
    )
    report = convert_export(write_export(tmp_path / "export.xml", [slugged, twice]), tmp_path / "site")
    (note,) = [w.message for w in report.warnings if w.code == "missing-id"]
    assert note.startswith(
        "<wp:post_id> 'how-i-started-docker' is not a post id (a whole number from 1); "
        "written with the new id"
    )
    assert frontmatter.load(tmp_path / "site/content/posts/twice/index.md")["wordpress_id"] == 7


def test_a_renamed_slug_names_its_item_and_the_one_that_has_the_slug(tmp_path):
    export = write_export(
        tmp_path / "export.xml",
        [item("First", post_id=235, slug="news"), item("Second", post_id=1317, slug="news")],
    )
    report = convert_export(export, tmp_path / "site")
    (warning,) = [w for w in report.warnings if w.code == "duplicate-slug"]
    assert warning.item == "post 1317"
    assert warning.message == "slug 'news' was taken; written as 'news-2' (post 235 has it)"


def test_a_published_page_keeps_its_slug_from_a_draft_before_it(tmp_path):
    """A draft page titled "About" (no post_name, as WordPress keeps drafts) came first in the export
    and took /about/; the published page went to /about-2/ and its old address answered nothing."""
    export = write_export(
        tmp_path / "export.xml",
        [
            item("About", post_id=30, post_type="page", status="draft"),
            item("About", post_id=31, post_type="page", slug="about", link="https://old.example/about/"),
        ],
    )
    report = convert_export(export, tmp_path / "site")
    content = tmp_path / "site/content"
    assert frontmatter.load(content / "about/index.md")["wordpress_id"] == 31
    assert frontmatter.load(content / "about-2/index.md")["draft"] is True
    (warning,) = [w for w in report.warnings if w.code == "duplicate-slug"]
    assert warning.item == "page 30"
    # The slug it wanted, made from its title: the note quoted the title ("slug 'About' was taken").
    assert warning.message == "slug 'about' was taken; written as 'about-2' (page 31 has it)"


def test_a_post_without_a_title_is_named_by_its_first_words(tmp_path):
    """Tumblr's untitled posts (18 of a real export's 35) were titled by their slug, post-1002799257266009,
    on the page, in lists and in the browser's tab."""
    export = write_export(
        tmp_path / "export.xml",
        [
            item(
                "",
                post_id=7,
                content="<p>Had a <b>great</b> day at the harbour with the whole crew today</p>",
            ),
            item("", post_id=8, content="<p>[caption]<img src='https://img.example/a.png'>[/caption]</p>"),
        ],
    )
    convert_export(export, tmp_path / "site")
    posts = tmp_path / "site/content/posts"
    titles = sorted(frontmatter.load(path)["title"] for path in posts.rglob("index.md"))
    assert titles == ["Had a great day at the harbour with…", "post-8"]  # no text: its slug still
