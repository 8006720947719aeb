"""A block-editor image with a caption renders as one figure with its figcaption (the theme's caption
shortcode, as the classic editor's [caption] does), aligned and linked as it was, in the page real
Hugo builds."""

from lxml import html as lxml_html

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.exports import Post, write_export

UP = "https://old.example/wp-content/uploads/2024/03"
BODY = (
    '<!-- wp:image {"id":30,"align":"right"} -->\n<figure class="wp-block-image alignright size-medium">'
    f'<a href="{UP}/big.jpg"><img src="{UP}/pic.jpg" alt="Pic" width="300" class="wp-image-30"/></a>'
    '<figcaption class="wp-element-caption">A <a href="https://else.example/">linked</a> caption'
    "</figcaption></figure>\n<!-- /wp:image -->\n<p>After</p>"
)


def test_a_captioned_block_image_is_one_figure(tmp_path):
    from tests.functional.wordpress.conftest import build

    site = tmp_path / "site"
    convert_export(write_export(tmp_path / "export.xml", [Post(1, "figured", BODY)]), site)
    page = lxml_html.fromstring((build(site, tmp_path) / "posts/figured/index.html").read_text())
    figure = page.find_class("entry-content")[0].find(".//figure")
    assert figure.get("class") == "wp-caption alignright"
    assert figure.find("a").get("href").endswith("/big.jpg") and figure.find(".//img").get("alt") == "Pic"
    caption = figure.find("figcaption")
    assert " ".join(caption.text_content().split()) == "A linked caption"
    assert caption.find("a").get("href") == "https://else.example/"
