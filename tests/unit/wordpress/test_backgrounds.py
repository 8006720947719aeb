"""An image set as a CSS background is kept as an image: the style is read as CSS, not searched."""

from __future__ import annotations

import pytest

from chalicelib.wordpress.backgrounds import background_urls
from tests.unit.wordpress.bodies import markdown_of


@pytest.mark.parametrize(
    ("style", "urls"),
    [
        ("background-image: url('/up/a.jpg')", ["/up/a.jpg"]),
        ('background-image: url("/up/a.jpg")', ["/up/a.jpg"]),
        ("background-image:url(/up/a.jpg);min-height:200px", ["/up/a.jpg"]),
        ("background: #000 URL( '/up/a.jpg' ) no-repeat center / cover", ["/up/a.jpg"]),
        ("Background-Image: url(/up/a.jpg)", ["/up/a.jpg"]),
        ("background: /* old: url(/up/old.jpg) */ url(/up/new.jpg)", ["/up/new.jpg"]),
        ("background: url(/up/a.jpg); /* url(/up/b.jpg) */", ["/up/a.jpg"]),
        ("content: 'url(/up/fake.jpg)'; background: url(/up/real.jpg)", ["/up/real.jpg"]),
        ("background: url(/up/one.jpg), url('/up/two.png')", ["/up/one.jpg", "/up/two.png"]),
        (r"background: url('/up/sea\28 1\29.jpg')", ["/up/sea(1).jpg"]),
        (r"background: url(/up/sea\(1\).jpg)", ["/up/sea(1).jpg"]),
        (r"background: url(/up/sea\28 1\29.jpg)", ["/up/sea(1).jpg"]),
        (
            "background: url(data:image/png;base64,iVBORw0KGgo=); color: red",
            ["data:image/png;base64,iVBORw0KGgo="],
        ),
        ("list-style-image: url(/up/dot.png); mask: url(/up/m.svg)", []),
        ("cursor: url(/up/hand.cur), auto", []),
        ("background-image: none", []),
        ("background-image: linear-gradient(red, blue)", []),
        ("background: url(/up/a.jpg", []),  # never closed: not a URL
        ("", []),
    ],
)
def test_the_background_urls_of_a_style(style: str, urls: list[str]) -> None:
    assert list(background_urls(style)) == urls


def test_a_paragraphs_background_becomes_an_image_paragraph_before_it() -> None:
    markdown = markdown_of(
        "<p>First</p><p style=\"background-image: url('https://old.example/wp-content/uploads/sky.jpg')\">"
        "Under the sky</p>"
    )
    assert markdown == "First\n\n![](https://old.example/wp-content/uploads/sky.jpg)\n\nUnder the sky\n"


def test_every_image_of_a_background_is_kept_in_order() -> None:
    markdown = markdown_of('<div style="background: url(/up/a.jpg), url(/up/b.jpg)"><p>Text</p></div>')
    assert markdown.index("![](/up/a.jpg)") < markdown.index("![](/up/b.jpg)") < markdown.index("Text")


@pytest.mark.parametrize(
    "style",
    [
        "background: url(javascript:alert(1))",
        "background: url(data:image/gif;base64,R0lGODlhAQABAAAAACw=)",
        "background: url(//elsewhere.example/c.jpg)",
        "background: url(relative/c.jpg)",
        "background-image: none",
        "color: red",
    ],
)
def test_no_image_comes_of_what_is_not_a_web_address(style: str) -> None:
    assert "![" not in markdown_of(f'<p style="{style}">Text</p>')


def test_an_image_the_element_shows_already_is_not_repeated() -> None:
    markdown = markdown_of(
        '<figure style="background: url(/up/a.jpg)"><img src="/up/a.jpg" alt="A"><figcaption>C</figcaption>'
        "</figure>"
    )
    assert markdown.count("/up/a.jpg") == 1


def test_a_figures_background_comes_before_its_own_image() -> None:
    markdown = markdown_of(
        '<figure style="background: url(/up/bg.jpg)"><img src="/up/photo.jpg" alt="P"></figure>'
    )
    assert markdown.index("![](/up/bg.jpg)") < markdown.index("![P](/up/photo.jpg)")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<ul><li style="background:url(/up/a.jpg)">item</li></ul>', "- ![](/up/a.jpg)item"),
        ('<p>a <span style="background:url(/up/s.jpg)">word</span> b</p>', "a ![](/up/s.jpg)word b"),
        (
            '<p>see <a href="/x" style="background:url(/up/i.png)">this</a></p>',
            "see [![](/up/i.png)this](/x)",
        ),
    ],
)
def test_an_inline_element_or_list_item_gets_the_image_at_its_start(html: str, expected: str) -> None:
    assert markdown_of(html).strip() == expected


def test_a_table_cells_background_stays_in_its_cell() -> None:
    markdown = markdown_of('<table><tr><td style="background:url(/up/c.jpg)">cell</td></tr></table>')
    assert "| ![](/up/c.jpg)cell |" in markdown


def test_an_image_name_with_parentheses_is_a_working_markdown_image() -> None:
    markdown = markdown_of(r"""<p style="background: url('/up/sea\28 1\29.jpg')">Sea</p>""")
    assert "![](/up/sea(1).jpg)" in markdown
