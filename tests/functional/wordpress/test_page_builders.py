"""A WordPress page laid out with Divi converts and builds with Hugo: its text, image and button are on
the page, no shortcode is, and the report names the builder and what was left out."""

from __future__ import annotations

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.conftest import build
from tests.functional.wordpress.exports import Post, write_export

LAYOUT = (
    '[et_pb_section fb_built="1"][et_pb_row][et_pb_column type="4_4"]'
    "[et_pb_text]<h2>Opening hours</h2><p>Daily from <em>nine</em>.</p>[/et_pb_text]"
    '[et_pb_image src="https://old.example/wp-content/uploads/2023/05/door.jpg" alt="Our door"][/et_pb_image]'
    '[et_pb_button button_url="https://old.example/visit/" button_text="Plan a visit"][/et_pb_button]'
    '[et_pb_contact_form email="desk@old.example"][/et_pb_contact_form]'
    "[/et_pb_column][/et_pb_row][/et_pb_section]"
)


def test_a_divi_page_builds_with_its_words_image_and_link(tmp_path):
    export = write_export(
        tmp_path / "export.xml",
        [Post(1, "visit", "<p>Come by.</p>", type="page"), Post(2, "hours", LAYOUT, type="page")],
    )
    report = convert_export(export, tmp_path / "site")
    page = (build(tmp_path / "site", tmp_path) / "hours/index.html").read_text()
    assert "Opening hours" in page and "Daily from <em>nine</em>." in page
    assert 'alt="Our door"' in page and "door.jpg" in page
    assert 'href="/visit/"' in page and "Plan a visit" in page
    assert "et_pb_" not in page
    (warning,) = [w for w in report.warnings if w.code == "page-builder"]
    assert warning.message == "Divi layout unwrapped into its text, images and links"
    assert "hours" in warning.item
    # Its contact form is the theme's: it posts where params.contact_form_action says (here, nowhere yet).
    assert 'class="contact-form"' in page and 'name="email"' in page
    assert [w.code for w in report.warnings if "hours" in w.item] == ["page-builder", "contact-form"]


def test_a_table_of_contents_plugins_shortcode_becomes_hugos_table_of_contents(tmp_path):
    body = "[toc]\n\n<h2>Tides</h2>\n\n<p>High and low.</p>\n\n<h2>Currents</h2>\n\n<p>Fast.</p>"
    export = write_export(tmp_path / "export.xml", [Post(3, "guide", body, type="page")])
    convert_export(export, tmp_path / "site")
    page = (build(tmp_path / "site", tmp_path) / "guide/index.html").read_text()
    assert '<nav class="toc"' in page and 'href="#tides"' in page and 'href="#currents"' in page
    assert "[toc]" not in page
