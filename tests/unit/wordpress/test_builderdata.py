"""Pages a builder keeps in its own data: Elementor's written from `_elementor_data`, the others named;
any page with content of its own as it is."""

from __future__ import annotations

import json

import pytest

from chalicelib.wordpress.builderdata import builder_body
from chalicelib.wordpress.elementor import MAX_DEPTH


def widget(kind: str, **settings: object) -> dict[str, object]:
    return {"elType": "widget", "widgetType": kind, "settings": settings}


def body(tree: object, content: str = "") -> tuple[str, list[tuple[str, str]]]:
    notes: list[tuple[str, str]] = []
    data = tree if isinstance(tree, str) else json.dumps(tree)
    meta = {"_elementor_edit_mode": "builder", "_elementor_data": data}
    html = builder_body(content, meta, lambda code, text: notes.append((code, text)))
    return html, notes


def test_a_rendition_elementor_wrote_is_kept() -> None:
    assert body([widget("heading", title="Data")], "<p>Rendition</p>") == ("<p>Rendition</p>", [])
    assert builder_body("", {}, lambda *_: None) == ""
    # its data without Elementor's edit mode: the page was switched back to WordPress's editor
    assert builder_body("", {"_elementor_data": "[]"}, lambda *_: None) == ""


@pytest.mark.parametrize(
    ("node", "html"),
    [
        (widget("heading", title="Hi", header_size="h5"), "<h5>Hi</h5>"),
        (widget("heading", title="Hi", header_size="script"), "<h2>Hi</h2>"),
        (widget("heading", title="Hi", link={"url": "/a/"}), '<h2><a href="/a/">Hi</a></h2>'),
        (widget("image", image={"url": "/a.jpg", "alt": '"b"'}), '<img src="/a.jpg" alt="&quot;b&quot;">'),
        (widget("button", text="<Go>", link={"url": "/go/"}), '<p><a href="/go/">&lt;Go&gt;</a></p>'),
        (widget("video", video_type="vimeo", vimeo_url="https://vimeo.com/1"), "\nhttps://vimeo.com/1\n"),
        (widget("video", video_type="hosted", hosted_url={"url": "/v.mp4"}), "\n/v.mp4\n"),
        (widget("image-gallery", wp_gallery=[{"id": 3, "url": "/a"}, {"id": "4"}]), '[gallery ids="3,4"]'),
        (widget("gallery", gallery=[{"url": "/a.jpg"}]), '<img src="/a.jpg" alt="">'),
        (widget("testimonial", testimonial_content="Great", testimonial_name="Ann", testimonial_job="CEO"),
         "<blockquote><p>Great</p><cite>Ann, CEO</cite></blockquote>"),
        (widget("divider"), "<hr>"),
        (widget("shortcode", shortcode="[gallery]"), "[gallery]"),
    ],
)  # fmt: skip
def test_each_widget_gives_the_html_it_shows(node: dict[str, object], html: str) -> None:
    assert body([{"elType": "section", "elements": [node]}]) == (html, [])


def test_what_needs_elementor_is_named_once_and_the_rest_kept() -> None:
    text = widget("text-editor", editor="<p>x</p>")
    html, notes = body([widget("form"), text, widget("form"), widget("acme-x")])
    assert html == "<p>x</p>"
    said = "Elementor page written from its data; left out: form, acme-x (they need Elementor)"
    assert notes == [("page-builder", said)]


@pytest.mark.parametrize(
    ("data", "said"),
    [("{not json", "cannot be read"), ("[" * 10 + "]" * 10, ""), ('{"elType": "widget"}', ""), ("null", "")],
)
def test_malformed_data_leaves_the_page_as_it_was(data: str, said: str) -> None:
    html, notes = body(data)
    assert html == "" and (said in notes[0][1] if said else notes == [])


def test_nesting_past_the_cap_is_not_followed() -> None:
    tree: list[object] = [widget("text-editor", editor="deep")]
    for _ in range(MAX_DEPTH + 5):
        tree = [{"elType": "container", "elements": tree}]
    assert body(tree) == ("", [])
    settings_not_an_object = [{"elType": "widget", "widgetType": "heading", "settings": ["x"]}]
    assert body(settings_not_an_object) == ("", [])


@pytest.mark.parametrize(
    ("meta", "builder"),
    [({"ct_builder_shortcodes": "[ct_section]"}, "Oxygen"), ({"_bricks_page_content_2": "a:1:{}"}, "Bricks")],
)
def test_a_blank_page_another_builder_holds_is_named_not_published_silently(meta, builder) -> None:
    notes: list[tuple[str, str]] = []
    assert builder_body("<p>&nbsp;</p>\n", meta, lambda code, text: notes.append((code, text))) == (
        "<p>&nbsp;</p>\n"
    )
    ((code, said),) = notes
    assert code == "page-builder" and said.startswith(f"laid out with {builder}, which keeps this page")
    assert builder_body('<img src="/a.jpg">', meta, lambda *_: notes.append(("", ""))) == '<img src="/a.jpg">'
    assert len(notes) == 1  # a page that shows something is its own


@pytest.mark.parametrize(
    "meta",
    [
        # A theme demo's staff pages: Beaver Builder off for them, its data an empty array.
        {"_fl_builder_data": "a:0:{}", "_fl_builder_enabled": ""},
        {"_fl_builder_data": 'a:1:{s:4:"node";s:1:"x";}', "_fl_builder_enabled": "0"},
        {"_bricks_page_content_2": "[]"},
        {"panels_data": "a:0:{}"},
    ],
)
def test_a_builder_that_holds_nothing_or_is_off_is_not_named(meta) -> None:
    notes: list[tuple[str, str]] = []
    assert builder_body("", meta, lambda code, text: notes.append((code, text))) == ""
    assert notes == []
    on = {"_fl_builder_data": 'a:1:{s:4:"node";s:1:"x";}', "_fl_builder_enabled": "1"}
    builder_body("", on, lambda code, text: notes.append((code, text)))
    assert [code for code, _ in notes] == ["page-builder"]
