"""What an image says of itself reaches the page as written: an image written into the post
(`data:image/...`, the block editor's icons) is shown, not Go's `#ZgotmplZ`; alt text and titles
carry no Markdown escapes (`\\*real\\*`), which showed in tooltips and to screen readers."""

from __future__ import annotations

from html import unescape
from urllib.parse import unquote

from lxml import html as lxml_html

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.conftest import build
from tests.functional.wordpress.wxr_items import item, write_export

SVG = (
    "data:image/svg+xml,%3Csvg xmlns=&quot;http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg&quot; "
    "viewBox=&quot;0 0 1 1&quot;%3E%3Cpath d=&quot;M0 0h1v1H0z&quot;%2F%3E%3C%2Fsvg%3E"
)
PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
BODY = (
    '<!-- wp:image {"sizeSlug":"large"} -->\n<figure class="wp-block-image size-large">'
    f'<img src="{SVG}" alt="Gallery icon"/></figure>\n<!-- /wp:image -->\n'
    f'<!-- wp:paragraph -->\n<p>A dot: <img src="{PNG}" alt="dot"> and '
    '<img src="https://img.example/a.jpg" alt="looking at the *real* street [performer] a_b_c" '
    'title="a &quot;unicorn&quot; \\ here"> and '
    '<a href="https://en.wikipedia.org/wiki/Focus_group" title="Wikipedia &quot;focus group&quot; edit">'
    "focus groups</a></p>\n<!-- /wp:paragraph -->"
)


def test_images_and_titles_read_as_written(tmp_path):
    export = write_export(tmp_path / "export.xml", [item("Icons", post_id=1, slug="icons", content=BODY)])
    convert_export(export, tmp_path / "site")
    page = lxml_html.fromstring((build(tmp_path / "site", tmp_path) / "posts/icons/index.html").read_text())
    content = page.find_class("entry-content")[0]
    images = {img.get("alt"): img for img in content.iter("img")}
    assert unquote(images["Gallery icon"].get("src")) == unquote(unescape(SVG))  # spaces %20-encoded
    assert images["dot"].get("src") == PNG
    photo = images["looking at the *real* street [performer] a_b_c"]
    assert photo.get("title") == 'a "unicorn" \\ here'
    (link,) = [a for a in content.iter("a") if a.text == "focus groups"]
    assert link.get("title") == 'Wikipedia "focus group" edit'
