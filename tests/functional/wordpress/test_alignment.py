"""Centered and right-aligned text stays so: the block editor's `has-text-align-*` classes and the
classic editor's `text-align` style reach the page Hugo builds as the block editor's own classes, and
its centered images as the theme's figure with WordPress's class, which the theme styles; where
Markdown flattens a block to a line (a table cell) or an attribute line could not follow it (a list
item), nothing is added, and no attribute shows as text."""

import pytest
from lxml import html as lxml_html

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.exports import Post, write_export

UP = "https://old.example/wp-content/uploads/2024/03"
BODY = (
    '<!-- wp:paragraph {"align":"center"} -->\n<p class="has-text-align-center">Block centered</p>\n'
    "<!-- /wp:paragraph -->\n"
    '<!-- wp:heading {"textAlign":"right"} -->\n<h2 class="wp-block-heading has-text-align-right" id="h">'
    "Right heading</h2>\n<!-- /wp:heading -->\n"
    '<p style="text-align: center;">Classic centered<br />two lines</p>\n'
    f'<p><a href="{UP}/big.jpg"><img class="aligncenter size-full" src="{UP}/pic.jpg" alt="Pic" /></a></p>\n'
    "<p>Left as it was</p>\n"
    '<table><tr><td><p style="text-align:center">In a cell</p></td></tr></table>\n'
    '<ul><li><p style="text-align:center">In an item</p></li></ul>'
)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    from tests.functional.wordpress.conftest import build

    tmp = tmp_path_factory.mktemp("align")
    site = tmp / "site"
    convert_export(write_export(tmp / "export.xml", [Post(1, "aligned", BODY)]), site)
    public = build(site, tmp)
    return lxml_html.fromstring((public / "posts/aligned/index.html").read_text()), public


def test_aligned_blocks_keep_their_alignment(page):
    doc, public = page
    content = doc.find_class("entry-content")[0]

    def aligned(text):
        return next(el.get("class") for el in content.iter("p", "h2") if text in el.text_content())

    assert aligned("Block centered") == "has-text-align-center"
    assert aligned("Classic centered") == "has-text-align-center"
    assert aligned("Right heading") == "has-text-align-right"
    assert content.xpath("//h2[@id='h']")  # the heading keeps its id beside its class
    picture = content.xpath(".//img[@alt='Pic']")[0]
    # an aligned image is the theme's figure with WordPress's class, as a captioned one is
    assert picture.getparent().getparent().get("class") == "wp-caption aligncenter"
    assert aligned("Left as it was") is None
    assert "{" not in content.text_content()  # no attribute line shows as text (cell, list item)
    css = "".join(p.read_text() for p in (public / "css").glob("main*.css"))
    assert "has-text-align-center{text-align:center}" in css.replace(" ", "")
