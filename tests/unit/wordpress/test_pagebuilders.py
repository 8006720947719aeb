"""Divi, WPBakery and Avada layouts: the page inside their shortcodes becomes Markdown; what only the
plugin can show is left out and named; nothing in an attribute or a raw-HTML module gets past the scan."""

from __future__ import annotations

import base64
from urllib.parse import quote

from chalicelib.wordpress.html import BodyContext, convert_body
from chalicelib.wordpress.shortcodes import GalleryImage


def body(text: str) -> tuple[str, list, list[tuple[str, str]]]:
    warnings: list[tuple[str, str]] = []
    result = convert_body(
        text,
        BodyContext(
            rewrite_url=lambda url: url.removeprefix("https://old.example"),
            gallery_images=lambda ids: [
                GalleryImage(f"/wp-content/uploads/{i}.jpg", f"photo {i}") for i in ids
            ],
            warn=lambda code, message: warnings.append((code, message)),
            iframe_hosts=("youtube.com",),
        ),
    )
    return result.markdown, result.findings, warnings


DIVI = (
    '[et_pb_section fb_built="1" _builder_version="4.16"][et_pb_row][et_pb_column type="4_4"]'
    '[et_pb_text _builder_version="4.16"]<h2>Welcome aboard</h2>'
    "<p>We sail at <strong>dawn</strong>.</p>[/et_pb_text]"
    '[et_pb_image src="https://old.example/wp-content/uploads/2020/01/ship.jpg" alt="The ship" url="/fleet/"]'
    "[/et_pb_image]"
    '[et_pb_button button_url="https://old.example/book/" button_text="Book a trip"][/et_pb_button]'
    '[et_pb_video src="https://www.youtube.com/watch?v=dQw4w9WgXcQ"][/et_pb_video]'
    '[et_pb_row_inner][et_pb_column_inner type="1_2"][et_pb_blurb title="Fast boats" '
    'image="https://old.example/wp-content/uploads/boat.png"]<p>Twenty knots.</p>[/et_pb_blurb]'
    "[/et_pb_column_inner][/et_pb_row_inner]"
    '[et_pb_tabs][et_pb_tab title="Summer"]Long days.[/et_pb_tab][et_pb_tab title="Winter"]Short days.'
    "[/et_pb_tab][/et_pb_tabs]"
    '[et_pb_testimonial author="Ana" job_title="Captain"]Best crew.[/et_pb_testimonial]'
    '[et_pb_gallery gallery_ids="7,8"][/et_pb_gallery][et_pb_divider][/et_pb_divider]'
    '[et_pb_contact_form email="x@y"][et_pb_contact_field field_id="Name"][/et_pb_contact_field]'
    '[/et_pb_contact_form][et_pb_blog posts_number="3"][/et_pb_blog]'
    "[/et_pb_column][/et_pb_row][/et_pb_section]"
)


def test_a_divi_page_keeps_its_words_pictures_links_and_players() -> None:
    markdown, findings, warnings = body(DIVI)
    assert "[et_pb" not in markdown and findings == []
    for expected in (
        "## Welcome aboard",
        "We sail at **dawn**.",
        "[![The ship](/wp-content/uploads/2020/01/ship.jpg)](/fleet/)",
        "[Book a trip](/book/)",
        '{{< embed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"',
        "### Fast boats",
        "![](/wp-content/uploads/boat.png)",
        "Twenty knots.",
        "### Summer",
        "Long days.",
        "### Winter",
        "> Best crew.",
        "— Ana, Captain",
        "/wp-content/uploads/7.jpg | photo 7",
        "---",
    ):
        assert expected in markdown, (expected, markdown)
    assert markdown.index("Welcome aboard") < markdown.index("Book a trip") < markdown.index("Best crew")
    assert markdown.count("{{< form-contact >}}") == 1  # the Divi form: the theme's own form
    assert warnings == [
        (
            "page-builder",
            "Divi layout unwrapped into its text, images and links; left out what only the plugin shows: "
            "et_pb_blog",
        ),
        (
            "contact-form",
            "[et_pb_contact_form] became the theme's contact form (name, email, message; its own fields "
            "were not kept): set params.contact_form_action (a form service's address) or params.email "
            "in hugo.toml so it sends",
        ),
    ]


def test_a_wpbakery_page_keeps_its_words_and_resolves_attachment_ids() -> None:
    raw = base64.b64encode(quote("<p>Raw <em>HTML</em> module</p>").encode()).decode()
    text = (
        '[vc_row][vc_column width="1/2"]'
        '[vc_custom_heading text="Our Story" font_container="tag:h3|text_align:left"]'
        "[vc_column_text]<p>Founded in 1901.</p>[/vc_column_text]"
        '[vc_btn title="Read more" link="url:https%3A%2F%2Fold.example%2Fabout%2F|title:About|target:_blank"]'
        '[/vc_column][vc_column width="1/2"][vc_single_image image="42" img_size="large"]'
        '[vc_gallery images="5,6"][vc_raw_html]' + raw + "[/vc_raw_html]"
        "[vc_raw_js]JTNDc2NyaXB0JTNFYWxlcnQoMSklM0MlMkZzY3JpcHQlM0U=[/vc_raw_js]"
        '[vc_empty_space height="32px"][vc_tta_accordion][vc_tta_section title="Where"]'
        "[vc_column_text]By the sea.[/vc_column_text][/vc_tta_section][/vc_tta_accordion]"
        "[/vc_column][/vc_row]"
    )
    markdown, findings, warnings = body(text)
    assert "[vc_" not in markdown and findings == []
    for expected in (
        "### Our Story",
        "Founded in 1901.",
        "[Read more](/about/)",
        "![photo 42](/wp-content/uploads/42.jpg)",
        "/wp-content/uploads/5.jpg | photo 5",
        "Raw *HTML* module",
        "### Where",
        "By the sea.",
    ):
        assert expected in markdown, (expected, markdown)
    assert "alert" not in markdown
    ((code, message),) = warnings
    assert code == "page-builder" and message.endswith("left out what only the plugin shows: vc_raw_js")


def test_an_avada_page_keeps_its_words() -> None:
    code = base64.b64encode(b"<p>coded</p>").decode()
    text = (
        '[fusion_builder_container][fusion_builder_row][fusion_builder_column type="1_1"]'
        '[fusion_title size="2"]Harbour news[/fusion_title][fusion_text]<p>Boats are back.</p>[/fusion_text]'
        '[fusion_button link="https://old.example/news/"]All news[/fusion_button]'
        '[fusion_youtube id="dQw4w9WgXcQ"][/fusion_youtube][fusion_code]' + code + "[/fusion_code]"
        '[fusion_separator][/fusion_separator][fusion_blog number_posts="3"][/fusion_blog]'
        "[/fusion_builder_column][/fusion_builder_row][/fusion_builder_container]"
    )
    markdown, _, warnings = body(text)
    assert "[fusion_" not in markdown
    for expected in ("## Harbour news", "Boats are back.", "[All news](/news/)", "youtube", "coded"):
        assert expected in markdown, (expected, markdown)
    assert warnings[0][1].endswith("fusion_blog")


def test_hostile_attributes_and_raw_html_modules_are_text_or_scanned() -> None:
    hostile = base64.b64encode(quote('<script>alert("x")</script><p>ok</p>').encode()).decode()
    text = (
        '[et_pb_button button_url="javascript:alert(1)" button_text="<img src=x onerror=alert(1)>Go"]'
        '[/et_pb_button][et_pb_image src="x" alt="&quot;><script>alert(2)</script>"][/et_pb_image]'
        "[vc_raw_html]" + hostile + "[/vc_raw_html]"
    )
    markdown, findings, _ = body(text)
    assert "<script" not in markdown and "onerror" not in markdown and "javascript:" not in markdown
    assert "ok" in markdown
    assert findings  # the scan saw the raw-HTML module's script


def test_bodies_without_a_builder_are_untouched_and_a_literal_stays_literal() -> None:
    markdown, _, warnings = body("<p>Plain [[vc_row]] text and [note] in brackets.</p>")
    assert "[vc_row]" in markdown and "[note]" in markdown
    assert warnings == []


def test_deep_or_unclosed_layouts_end() -> None:
    deep = "[et_pb_section]" * 2000 + "text" + "[/et_pb_section]" * 2000
    markdown, _, _ = body(deep)
    assert "text" in markdown
    markdown, _, _ = body("[et_pb_section][et_pb_text]never closed")
    assert "never closed" in markdown


def test_contact_form_plugins_become_the_themes_contact_form() -> None:
    for shortcode in (
        '[contact-form-7 id="12" title="Contact form 1"]',
        '[contact-form to="me@example.org"][contact-field label="Name" type="name"/][/contact-form]',
        '[wpforms id="7"]',
        '[gravityform id="1" title="false"]',
        "[ninja_form id=3]",
    ):
        markdown, _, warnings = body(f"<p>Write to us.</p>\n\n{shortcode}\n\n<p>Thanks.</p>")
        assert "Write to us." in markdown and "Thanks." in markdown
        assert "{{< form-contact >}}" in markdown and "[" not in markdown, (shortcode, markdown)
        ((code, message),) = warnings
        assert code == "contact-form" and "params.contact_form_action" in message


def test_shortcodes_ultimate_and_theme_columns_are_unwrapped() -> None:
    text = (
        "[one_half]<p>Left</p>[/one_half][one_half_last]<p>Right</p>[/one_half_last]"
        '[su_box title="Before you go"]<p>Pack light.</p>[/su_box][su_spacer size="20"]'
        '[su_quote cite="Ana"]Sea air.[/su_quote][su_button url="https://old.example/go/"]Go[/su_button]'
        '[su_youtube url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"][su_posts posts_per_page="3"]'
    )
    markdown, _, warnings = body(text)
    assert "[su_" not in markdown and "one_half" not in markdown
    for expected in (
        "Left",
        "Right",
        "### Before you go",
        "Pack light.",
        "> Sea air.",
        "[Go](/go/)",
        "youtube",
    ):
        assert expected in markdown, (expected, markdown)
    ((code, message),) = warnings
    assert code == "page-builder" and message.startswith("Shortcodes Ultimate and theme columns layout")
    assert message.endswith("left out what only the plugin shows: su_posts")
