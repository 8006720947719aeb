"""Block-editor galleries and footnotes in a converted body (the page-level check is in
tests/functional/wordpress/test_content_fidelity.py)."""

import json

import pytest

from chalicelib.wordpress.html import BodyContext, convert_body

SLIDESHOW = (
    '<div class="wp-block-jetpack-slideshow aligncenter" data-effect="slide"><div class="swiper-container">'
    '<ul class="wp-block-jetpack-slideshow_swiper-wrapper swiper-wrapper">'
    '<li class="wp-block-jetpack-slideshow_slide swiper-slide"><figure><img alt="One" src="/a.jpg"/>'
    '<figcaption class="wp-block-jetpack-slideshow_caption gallery-caption">First</figcaption></figure></li>'
    '<li class="wp-block-jetpack-slideshow_slide swiper-slide"><figure><img alt="" src="/b.jpg"/></figure>'
    "</li>"
    '</ul><a class="swiper-button-prev" role="button"></a></div></div>'
)
TILED = (
    '<div class="wp-block-jetpack-tiled-gallery aligncenter is-style-rectangular">'
    '<div class="tiled-gallery__gallery">'
    '<div class="tiled-gallery__row"><div class="tiled-gallery__col"><figure class="tiled-gallery__item">'
    '<img alt="T1" data-id="21" src="/t1.jpg"/></figure></div><div class="tiled-gallery__col">'
    '<figure class="tiled-gallery__item"><img alt="T2" data-id="22" src="/t2.jpg"/></figure>'
    "</div></div></div></div>"
)


def convert(html: str, footnotes: str = "") -> str:
    ctx = BodyContext(lambda url: url, lambda ids: [], lambda code, message: None, (), footnotes=footnotes)
    return convert_body(html, ctx).markdown


@pytest.mark.parametrize(
    ("html", "lines"),
    [
        (SLIDESHOW, ["/a.jpg | One | First", "/b.jpg |  |"]),
        (TILED, ["/t1.jpg | T1 |", "/t2.jpg | T2 |"]),
    ],
)
def test_jetpack_galleries_are_galleries(html, lines):
    markdown = convert(html)
    assert markdown.startswith('{{< gallery columns="3" >}}')
    assert [line.strip() for line in markdown.splitlines()[1:-1]] == [line.strip() for line in lines]


def test_a_gallery_with_no_images_leaves_only_its_caption():
    html = '<figure class="wp-block-gallery"><figcaption class="blocks-gallery-caption">Empty</figcaption>'
    html += "</figure>"
    assert convert(html) == "Empty\n"


def test_footnotes_without_meta_or_with_broken_meta_keep_the_visible_number():
    html = '<p>Claim<sup data-fn="x1" class="fn"><a href="#x1" id="x1-link">1</a></sup></p>'
    for meta in ("", "{not json", json.dumps({"id": "x1"}), json.dumps([{"id": 5, "content": "n"}])):
        assert convert(html, meta) == "Claim[^1^](#x1)\n"


def test_a_footnote_referenced_twice_is_one_note():
    html = (
        '<p>A<sup data-fn="n" class="fn"><a href="#n">1</a></sup> B<sup data-fn="n" class="fn">'
        '<a href="#n">1</a></sup></p>'
    )
    assert convert(html, json.dumps([{"id": "n", "content": "Note"}])) == "A[^1] B[^1]\n\n[^1]: Note\n"


def test_a_gallery_stands_on_its_own_lines_between_text():
    gallery = '<figure class="wp-block-gallery columns-2"><figure><img src="/a.jpg" alt="A"/></figure>'
    gallery += '<figcaption class="blocks-gallery-caption">Cap</figcaption></figure>'
    markdown = convert(f"<p>Before</p>{gallery}After {gallery}<p>End</p>")
    assert markdown == (
        'Before\n\n{{< gallery columns="2" >}}\n/a.jpg | A | \n{{< /gallery >}}\n\nCap\n\n'
        'After\n\n{{< gallery columns="2" >}}\n/a.jpg | A | \n{{< /gallery >}}\n\nCap\n\nEnd\n'
    )


@pytest.mark.parametrize(
    ("style", "image"),
    [
        (
            "background-image:url(https://old.example/a.jpg);min-height:274px",
            "![](https://old.example/a.jpg)",
        ),
        ("background-image: url('/wp-content/uploads/b.jpg')", "![](/wp-content/uploads/b.jpg)"),
        ("background-image:url(javascript:alert(1))", None),
        ("background-image:url(//elsewhere.example/c.jpg)", None),
    ],
)
def test_a_cover_blocks_background_image_becomes_an_image_before_its_text(style, image):
    markdown = convert(
        f'<div class="wp-block-cover has-background-dim" style="{style}">'
        '<div class="wp-block-cover__inner-container"><p>On the cover</p></div></div>'
    )
    if image is None:
        assert "![" not in markdown
    else:
        assert markdown.index(image) < markdown.index("On the cover")


def test_a_cover_with_its_own_image_gets_no_second_one():
    markdown = convert(
        '<div class="wp-block-cover" style="background-image:url(https://old.example/a.jpg)">'
        '<img class="wp-block-cover__image-background" src="https://old.example/a.jpg" alt="Sea"/>'
        "<p>Text</p></div>"
    )
    assert markdown.count("https://old.example/a.jpg") == 1


def test_a_cover_with_a_picture_in_its_text_keeps_its_background_image():
    # A theme demo's "Featured work" covers (webmandesign's michelle): the picture inside the cover
    # was taken for the cover's own image, and the background was dropped on eight pages.
    markdown = convert(
        '<div class="wp-block-cover" style="background-image:url(https://old.example/bg.jpg)">'
        '<div class="wp-block-cover__inner-container"><h2>Featured work</h2>'
        '<figure class="wp-block-image"><img src="https://old.example/inner.jpg" alt="Work"/></figure>'
        "</div></div>"
    )
    assert markdown.index("![](https://old.example/bg.jpg)") < markdown.index("Featured work")
    assert "![Work](https://old.example/inner.jpg)" in markdown


def test_a_file_blocks_link_and_download_button_stay_apart():
    from tests.unit.wordpress.bodies import markdown_of

    html = (
        '<!-- wp:file --><div class="wp-block-file"><a id="f" href="/r.pdf">report.pdf</a>'
        '<a href="/r.pdf" class="wp-block-file__button" download aria-describedby="f">Download</a></div>'
        "<!-- /wp:file -->"
    )
    assert markdown_of(html) == "[report.pdf](/r.pdf) · [Download](/r.pdf)\n"


def test_a_gallery_captions_line_break_parts_its_words():
    # A theme demo's "Cargo, transportation<br><em><a>Visit →</a></em>" read "Cargo, transportationVisit →".
    html = (
        '<figure class="wp-block-gallery"><figure class="wp-block-image"><img src="/a.jpg" alt="Truck"/>'
        '<figcaption>Cargo, transportation<br /><em><a href="/home-2/">Visit →</a></em></figcaption></figure>'
        "</figure>"
    )
    assert "/a.jpg | Truck | Cargo, transportation Visit →" in convert(html)
