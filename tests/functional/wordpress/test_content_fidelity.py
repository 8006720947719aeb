"""What Markdown and a plain converter lose, kept: sup/sub, block footnotes, block galleries, menu entry
names, <pubDate>-only dates, SEO plugin titles and descriptions, featured-image captions, WooCommerce
product data. Each is checked in the converted front matter and in the page Hugo builds."""

import json
import re

import frontmatter
import pytest

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.exports import Post, write_export

UP = "https://old.example/wp-content/uploads/2024/03"
FOOTNOTES = json.dumps(
    [
        {"content": "Second <em>note</em>", "id": "b2"},
        {"content": 'First note, see <a href="https://old.example/marks/">marks</a>', "id": "a1"},
    ]
)
NESTED_GALLERY = f"""<!-- wp:gallery {{"linkTo":"none"}} -->
<figure class="wp-block-gallery has-nested-images columns-2 is-cropped"><!-- wp:image {{"id":21}} -->
<figure class="wp-block-image size-large"><img src="{UP}/one.jpg" alt="First | one" class="wp-image-21"/>
<figcaption class="wp-element-caption">Caption one</figcaption></figure>
<!-- /wp:image --><!-- wp:image {{"id":22}} -->
<figure class="wp-block-image size-large"><img src="{UP}/two.jpg" alt="Second" class="wp-image-22"/></figure>
<!-- /wp:image --><figcaption class="blocks-gallery-caption wp-element-caption">Whole <em>gallery</em>
</figcaption></figure>
<!-- /wp:gallery -->"""
CLASSIC_GALLERY = f"""<!-- wp:gallery {{"ids":[21,22]}} -->
<figure class="wp-block-gallery columns-3 is-cropped"><ul class="blocks-gallery-grid">
<li class="blocks-gallery-item"><figure><img src="{UP}/one.jpg" alt="A1" data-id="21"/>
<figcaption class="blocks-gallery-item__caption">C1</figcaption></figure></li>
<li class="blocks-gallery-item"><figure><img src="{UP}/two.jpg" alt="A2" data-id="22"/></figure></li></ul>
</figure>
<!-- /wp:gallery -->"""
ATTRIBUTES = (
    'a:2:{s:8:"pa_color";a:6:{s:4:"name";s:8:"pa_color";s:5:"value";s:0:"";s:8:"position";i:1;'
    's:10:"is_visible";i:1;s:12:"is_variation";i:1;s:11:"is_taxonomy";i:1;}'
    's:8:"material";a:6:{s:4:"name";s:8:"Material";s:5:"value";s:17:"Wool | Café silk";'
    's:8:"position";i:0;s:10:"is_visible";i:1;s:12:"is_variation";i:0;s:11:"is_taxonomy";i:0;}}'
)
CHANNEL = """<wp:category><wp:term_id>7</wp:term_id><wp:category_nicename>news</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[News &amp; Views]]></wp:cat_name></wp:category>
<wp:term><wp:term_id>3</wp:term_id><wp:term_taxonomy>nav_menu</wp:term_taxonomy><wp:term_slug>main</wp:term_slug>
<wp:term_name><![CDATA[Main]]></wp:term_name></wp:term>"""


def menu_item(item_id, kind, obj, object_id, title="", url=""):
    return Post(
        item_id,
        f"menu-{item_id}",
        title=title or " ",
        type="nav_menu_item",
        menu_order=item_id,
        terms=[("nav_menu", "main", "Main")],
        meta={
            "_menu_item_type": kind,
            "_menu_item_object": obj,
            "_menu_item_object_id": str(object_id),
            "_menu_item_menu_item_parent": "0",
            "_menu_item_url": url,
        },
    )


def widget(kind: str, **settings: object) -> dict[str, object]:
    return {"id": kind, "elType": "widget", "widgetType": kind, "settings": settings, "elements": []}


ELEMENTOR = json.dumps(
    [
        {
            "elType": "section",
            "elements": [
                {
                    "elType": "column",
                    "elements": [
                        widget("heading", title="Launch day", header_size="h1"),
                        widget(
                            "text-editor",
                            editor="<p>We build <strong>rockets</strong>.</p><script>x()</script>",
                        ),
                        widget("video", youtube_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
                        widget("form", form_name="Contact"),
                    ],
                }
            ],
        },
        {
            "elType": "container",
            "elements": [
                widget("accordion", tabs=[{"tab_title": "Is it safe?", "tab_content": "<p>Mostly.</p>"}]),
                widget("icon-list", icon_list=[{"text": "Fast"}, {"text": "Cheap"}]),
                widget("google_maps", address="Berlin"),
            ],
        },
    ]
)

POSTS = [
    Post(
        1,
        "marks",
        "<p>H<sub>2</sub>O and E = mc<sup>2</sup>, a~b c~d and 2^10^ <del>gone</del></p>"
        '<p>Classic note<sup><a href="#fn1">1</a></sup></p>'
        '<!-- wp:paragraph --><p><mark style="background-color:#fcb900" class="has-inline-color">Lit'
        '</mark> and <mark style="background-color:rgba(0, 0, 0, 0)" class="has-inline-color has-vivid-'
        'red-color">red</mark>, <span style="text-decoration: underline;">under</span>; if x==y and z==w'
        " then C++ and ++i.</p><!-- /wp:paragraph -->",
    ),
    Post(
        2,
        "notes",
        '<!-- wp:paragraph --><p>Claim<sup data-fn="a1" class="fn"><a href="#a1" id="a1-link">1</a></sup> '
        'and more<sup data-fn="b2" class="fn"><a href="#b2" id="b2-link">2</a></sup>.</p>'
        "<!-- /wp:paragraph -->"
        "\n<!-- wp:footnotes /-->",
        meta={"footnotes": FOOTNOTES},
    ),
    Post(3, "nested-gallery", NESTED_GALLERY),
    Post(
        9,
        "faq",
        '<!-- wp:details {"showContent":true} -->\n<details class="wp-block-details" open>'
        "<summary>Why <em>us</em>?</summary><!-- wp:paragraph -->\n<p>Because.</p>\n<!-- /wp:paragraph -->"
        "<details><summary>More</summary>"
        f'[caption id="attachment_30" width="300"]<img src="{UP}/pic.jpg" alt="Pic"> Deep[/caption]</details>'
        "</details>\n<!-- /wp:details --><p>After.</p>",
    ),
    # Its id is the menu's category's term id: a term's entry must never take this post's title.
    Post(7, "seven", "<p>Seven</p>", title="Not The Category"),
    Post(4, "classic-gallery", CLASSIC_GALLERY),
    Post(5, "about", "<p>About us</p>", title="About Us", type="page"),
    Post(
        6,
        "rfc822",
        "<p>Dated by pubDate</p>",
        date="",
        extra="<pubDate>Tue, 05 Mar 2024 09:30:00 +0100</pubDate>",
    ),
    Post(
        8,
        "yoast",
        "<p>Body</p>",
        title="Plain Title",
        meta={
            "_yoast_wpseo_title": "%%title%% %%sep%% %%sitename%% %%page%%",
            "_yoast_wpseo_metadesc": "All about %%title%% on %%sitename%%.",
            "_yoast_wpseo_meta-robots-noindex": "1",
        },
    ),
    Post(
        9,
        "rankmath",
        "<p>Body</p>",
        meta={"rank_math_title": "%title% | Deals", "rank_math_description": "Cheap"},
    ),
    Post(10, "aioseo", "<p>Body</p>", meta={"_aioseo_title": "#post_title #separator_sa #site_title"}),
    Post(
        11,
        "aioseop",
        "<p>Body</p>",
        meta={"_aioseop_title": "Old AIOSEO", "_aioseop_description": "Old desc"},
    ),
    Post(12, "featured", "<p>Body</p>", meta={"_thumbnail_id": "30"}),
    Post(
        30,
        "pic",
        type="attachment",
        attachment_url=f"{UP}/pic.jpg",
        excerpt="A <b>caption</b>",
        meta={"_wp_attachment_image_alt": "Alt text"},
    ),
    Post(
        40,
        "scarf",
        "<p>A scarf</p>",
        type="product",
        extra=(
            "<wp:postmeta><wp:meta_key>_price</wp:meta_key><wp:meta_value>9.5</wp:meta_value></wp:postmeta>"
            "<wp:postmeta><wp:meta_key>_price</wp:meta_key><wp:meta_value>120</wp:meta_value></wp:postmeta>"
        ),
        terms=[
            ("product_type", "variable", "variable"),
            ("pa_color", "red", "Red"),
            ("pa_color", "blue", "Blue"),
        ],
        meta={
            "_sku": "SC-1",
            "_regular_price": "20",
            "_sale_price": "15",
            "_price": "15",
            "_manage_stock": "yes",
            "_stock": "7.000000",
            "_stock_status": "instock",
            "_product_attributes": ATTRIBUTES,
            "_product_image_gallery": "30",
            "total_sales": "12",
            "_wc_average_rating": "4.50",
            "_upsell_ids": "a:1:{i:0;i:41;}",
            "_yoast_wpseo_metadesc": "Warm scarf",
        },
    ),
    Post(
        41,
        "scarf-red",
        type="product_variation",
        parent=40,
        meta={"attribute_pa_color": "red", "_price": "15", "_sku": "SC-1-R", "_thumbnail_id": "30"},
    ),
    Post(
        42,
        "scarf-blue",
        type="product_variation",
        parent=40,
        status="private",  # a disabled variation: the shop did not offer it
        meta={"attribute_pa_color": "blue", "_price": "15"},
    ),
    Post(43, "lost-variation", type="product_variation", parent=999, meta={"_price": "1"}),
    # The Events Calendar: an event names its venue and organizer, items of their own (after it here)
    Post(
        60,
        "summer-fair",
        "<p>Come along.</p>",
        title="Summer Fair",
        type="tribe_events",
        meta={
            "_EventStartDate": "2024-07-01 10:00:00",
            "_EventEndDate": "2024-07-01 16:30:00",
            "_EventTimezone": "Europe/Berlin",
            "_EventCost": "5",
            "_EventCurrencySymbol": "€",
            "_EventCurrencyPosition": "suffix",
            "_EventVenueID": "61",
            "_EventOrganizerID": "62",
        },
    ),
    Post(61, "town-hall", "", title="Town Hall", type="tribe_venue", meta={"_VenueCity": "Leipzig"}),
    *(
        Post(slug_id, slug, "<p>All day.</p>", type="tribe_events", meta={"_EventAllDay": "yes", **when})
        for slug_id, slug, when in (
            (
                63,
                "open-day",
                {"_EventStartDate": "2024-12-24 00:00:00", "_EventEndDate": "2024-12-24 23:59:59"},
            ),
            (
                64,
                "festival",
                {"_EventStartDate": "2024-12-27 00:00:00", "_EventEndDate": "2024-12-29 23:59:59"},
            ),
        )
    ),
    Post(62, "friends", "", title="Friends of the Park", type="tribe_organizer"),
    # A page of an imported Elementor demo: post_content empty, the page in Elementor's data only.
    Post(
        70, "launch", "", type="page", meta={"_elementor_edit_mode": "builder", "_elementor_data": ELEMENTOR}
    ),
    menu_item(50, "taxonomy", "category", 7),
    menu_item(51, "post_type", "page", 5),
    menu_item(52, "custom", "custom", 0, title="Elsewhere &amp; beyond", url="https://elsewhere.example/"),
    menu_item(53, "post_type_archive", "tribe_events", 0),  # the events' archive, saved without a title
]


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    from tests.functional.wordpress.conftest import build

    tmp = tmp_path_factory.mktemp("fidelity")
    export = write_export(tmp / "export.xml", POSTS, CHANNEL)
    site = tmp / "site"
    report = convert_export(export, site)
    return site, build(site, tmp), report


def page(converted, folder):
    site, public, _ = converted
    return frontmatter.load(site / "content" / folder / "index.md"), (
        public / folder / "index.html"
    ).read_text()


def test_sup_and_sub_render_and_literal_marks_stay(converted):
    post, html = page(converted, "posts/marks")
    assert "H~2~O" in post.content and "mc^2^" in post.content
    assert "H<sub>2</sub>O" in html and "mc<sup>2</sup>" in html
    assert "a~b c~d and 2^10^" in html and "<del>gone</del>" in html
    assert 'note<a href="#fn1"><sup>1</sup></a>' in html


def test_highlights_and_underlines_render_and_literal_runs_stay(converted):
    _, html = page(converted, "posts/marks")
    assert "<mark>Lit</mark> and red, <ins>under</ins>; if x==y and z==w then C++ and ++i." in html


def test_details_blocks_hide_their_content_behind_their_summary(converted):
    post, html = page(converted, "posts/faq")
    assert '{{< details-open summary="Why *us*?" open="true" >}}' in post.content
    content = html[html.index("entry-content") :]
    # Nested, open as it was, and a caption inside renders (it is the page's own Markdown).
    assert re.search(
        r'<details class="details" open>\s*<summary>Why <em>us</em>\?</summary>\s*<p>Because.</p>\s*'
        r'<details class="details">\s*<summary>More</summary>\s*<figure class="wp-caption[^>]*>.*?'
        r"<figcaption>Deep</figcaption></figure>\s*</details>\s*</details>\s*<p>After.</p>",
        content,
        re.S,
    ), content[:1500]


def test_block_footnotes_become_markdown_footnotes_in_order(converted):
    post, html = page(converted, "posts/notes")
    assert "Claim[^1] and more[^2]." in post.content
    assert "[^1]: First note, see [marks](/posts/marks/)" in post.content
    assert "[^2]: Second *note*" in post.content
    notes = re.search(r'<div class="footnotes".*?</div>', html, re.S)
    assert notes is not None
    assert notes.group(0).index("First note") < notes.group(0).index("Second")


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        (
            "posts/nested-gallery",
            ["gallery-columns-2", 'alt="First / one"', "<figcaption>Caption one</figcaption>"],
        ),
        (
            "posts/classic-gallery",
            ["gallery-columns-3", 'alt="A1"', "<figcaption>C1</figcaption>", 'alt="A2"'],
        ),
    ],
)
def test_block_galleries_are_galleries_not_lists(converted, folder, expected):
    post, html = page(converted, folder)
    assert "{{< gallery" in post.content and "- ![" not in post.content
    assert html.count('class="wp-gallery-item"') == 2
    assert "<li" not in html.split('class="wp-gallery')[1].split("</div>")[0]
    for text in expected:
        assert text in html
    if folder == "posts/nested-gallery":
        assert "Whole *gallery*" in post.content


def test_menu_entries_without_titles_take_the_linked_name(converted):
    site, public, _ = converted
    config = (site / "hugo.toml").read_text()
    assert 'name = "News & Views"' in config and 'name = "About Us"' in config
    assert 'name = "Elsewhere & beyond"' in config and "Not The Category" not in config
    home = (public / "index.html").read_text()
    assert "News &amp; Views" in home and "About Us" in home
    # a post type's archive: its section's list, named as the section is
    assert 'name = "Tribe_events"\npageRef = "/tribe_events"' in config  # event, where it was at /event/
    assert 'href="/tribe_events/">Tribe_events</a>' in home


def test_an_item_with_only_a_pubdate_takes_it(converted):
    post, html = page(converted, "posts/rfc822")
    assert str(post["date"]) in ("2024-03-05T09:30:00+01:00", "2024-03-05 09:30:00+01:00")
    assert 'published_time" content="2024-03-05T09:30:00&#43;01:00"' in html


@pytest.mark.parametrize(
    ("folder", "title", "description"),
    [
        ("posts/yoast", "Plain Title - Fidelity", "All about Plain Title on Fidelity."),
        ("posts/rankmath", "rankmath | Deals", "Cheap"),
        ("posts/aioseo", "aioseo - Fidelity", None),
        ("posts/aioseop", "Old AIOSEO", "Old desc"),
    ],
)
def test_seo_plugin_titles_and_descriptions_reach_the_head(converted, folder, title, description):
    post, html = page(converted, folder)
    assert post["seo_title"] == title
    assert f"<title>{title}</title>" in html
    if description:
        assert post["description"] == description
        assert f'<meta name="description" content="{description}">' in html
        assert '<p class="lead">' not in html
    assert ('<meta name="robots" content="noindex">' in html) is (folder == "posts/yoast")


def test_featured_images_keep_alt_and_caption(converted):
    post, html = page(converted, "posts/featured")
    assert post["featured_image_alt"] == "Alt text" and post["featured_image_caption"] == "A caption"
    assert 'alt="Alt text"' in html and "<figcaption>A caption</figcaption>" in html


def test_woocommerce_products_keep_price_sku_stock_and_attributes(converted):
    site, _, report = converted
    product = frontmatter.load(site / "content/product/scarf/index.md")["product"]
    assert product["sku"] == "SC-1"
    assert (product["regular_price"], product["sale_price"], product["price"]) == ("20", "15", "15")
    assert (product["stock"], product["stock_status"], product["type"]) == (7, "instock", "variable")
    assert product["attributes"] == [
        {"name": "Material", "values": ["Wool", "Café silk"], "visible": True, "variation": False},
        {"name": "Color", "values": ["Red", "Blue"], "visible": True, "variation": True},
    ]
    assert product["gallery"] == [
        "https://old.example/wp-content/uploads/2024/03/pic.jpg"
    ]  # no archive: kept
    assert (product["price_min"], product["price_max"]) == ("9.5", "120")
    # A variation is listed on its product's page, as the shop showed it, never a page of its own.
    assert product["variations"] == [
        {
            "title": "scarf-red",
            "attributes": {"Color": "Red"},
            "sku": "SC-1-R",
            "price": "15",
            "image": "https://old.example/wp-content/uploads/2024/03/pic.jpg",
        }
    ]
    assert not (site / "content/product_variation").exists()
    assert (report.counts["product_variation/listed"], report.counts["product_variation/disabled"]) == (1, 1)
    orphan = [w for w in report.warnings if w.code == "variation-orphan"]
    assert len(orphan) == 1 and "lost-variation" in orphan[0].item and "999" in orphan[0].message
    # WooCommerce's internal product_type taxonomy is data, not a public archive.
    assert not (site / "content/product_type").exists()
    dropped = [w.message for w in report.warnings if w.code == "product-meta-dropped"]
    assert dropped == ["WooCommerce data not carried over: _upsell_ids, _wc_average_rating, total_sales"]


def test_a_products_page_shows_its_price_facts_and_variations(converted):
    site, public, _ = converted
    html = (public / "product/scarf/index.html").read_text()
    section = html.split('<section class="product"', 1)[1].split("</section>", 1)[0]
    assert '<p class="product-price"><del>20</del> <ins>15</ins></p>' in section
    assert "SC-1" in section and "In stock" in section
    assert "<dt>Color</dt><dd>Red, Blue</dd>" in section
    assert (
        "Color: Red" in section and "SC-1-R" in section and "blue" not in section.lower().split("<table")[1]
    )
    # The variation's id leads to its product.
    assert json.loads((site / "data/wordpress_redirects.json").read_text())["p"]["41"] == "/product/scarf/"


def test_an_elementor_page_with_no_post_content_is_written_from_its_data(converted):
    _, html = page(converted, "launch")
    assert "<h1" in html and "Launch day</h1>" in html and "We build <strong>rockets</strong>." in html
    assert "youtube-nocookie.com/embed/dQw4w9WgXcQ" in html and "<li>Fast</li>" in html
    assert "<summary>Is it safe?</summary>" in html and "Mostly." in html
    assert "x()" not in html  # its text goes through the same scan as any body
    notes = [w.message for w in converted[2].warnings if w.code == "page-builder"]
    assert notes == ["Elementor page written from its data; left out: form, map (they need Elementor)"]


def test_an_events_page_says_when_where_and_for_how_much(converted):
    site, public, _ = converted
    event = frontmatter.load(site / "content/tribe_events/summer-fair/index.md")["event"]
    assert event["start"] == "2024-07-01T10:00:00+02:00" and event["venue"] == {
        "name": "Town Hall",
        "address": "Leipzig",
    }
    html = (public / "tribe_events/summer-fair/index.html").read_text()
    section = html.split('<section class="event"', 1)[1].split("</section>", 1)[0]
    # in the event's own zone, as the plugin showed it (Hugo writes the offset's + as &#43;, and the
    # locale's short time with a narrow no-break space before "am")
    assert '<time datetime="2024-07-01T10:00:00&#43;02:00">July 1, 2024 10:00\u202fam</time>' in section
    assert '– <time datetime="2024-07-01T16:30:00&#43;02:00">4:30\u202fpm</time>' in section
    assert "(Europe/Berlin)" in section and "<dd>Town Hall<br>Leipzig</dd>" in section
    assert "<dd>5 €</dd>" in section and "<dd>Friends of the Park</dd>" in section


@pytest.mark.parametrize(
    ("slug", "shown"),
    [
        ("open-day", '<time datetime="2024-12-24">December 24, 2024</time></dd>'),
        ("festival", '<time datetime="2024-12-27">December 27, 2024</time> – <time datetime="2024-12-29">'
         "December 29, 2024</time></dd>"),
    ],
)  # fmt: skip
def test_an_all_day_event_shows_its_days_only(converted, slug, shown):
    html = (converted[1] / f"tribe_events/{slug}/index.html").read_text()
    assert shown in html


def test_a_list_of_events_is_in_the_order_they_happen_with_their_dates(converted):
    html = (converted[1] / "tribe_events/index.html").read_text()
    order = [html.index(f'href="/tribe_events/{slug}/"') for slug in ("festival", "open-day", "summer-fair")]
    assert order == sorted(order)  # latest first, by when each happens, not when it was posted
    assert '<time datetime="2024-07-01T10:00:00&#43;02:00">July 1, 2024</time> · Town Hall</p>' in html


def test_menu_entries_left_out_are_named(tmp_path):
    """A theme demo's six Primary entries linked post formats the export has no terms for: they went
    with a count alone ("6 skipped"), under a parent that then opened nothing."""
    from chalicelib.wordpress import convert_export

    items = [
        menu_item(60, "taxonomy", "category", 7),
        menu_item(61, "taxonomy", "post_format", 15),
        menu_item(62, "taxonomy", "post_format", 16, title="Galleries"),
    ]
    report = convert_export(write_export(tmp_path / "export.xml", items, CHANNEL), tmp_path / "site")
    (note,) = [w.message for w in report.warnings if w.code == "menu-entry-left-out"]
    assert note == (
        "2 menu entries left out, linking to what the export does not have: Main: post_format 15; "
        "Main: Galleries"
    )
