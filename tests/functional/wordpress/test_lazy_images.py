"""Lazy-loaded images are converted as the images they stand for, not their placeholders."""

from __future__ import annotations

import zipfile

import frontmatter
import pytest

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.wxr_items import SITE, item, write_export
from tests.unit.wordpress.bodies import markdown_of

PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


body = markdown_of


@pytest.mark.parametrize(
    "img",
    [
        f'<img class="lazyload" src="{PIXEL}" data-src="https://old.example/a.jpg" alt="A">',  # lazysizes
        '<img src="/wp-content/plugins/x/spinner.gif" data-lazy-src="https://old.example/a.jpg" alt="A">',
        '<img data-original="https://old.example/a.jpg" alt="A">',  # jQuery Lazy Load, no src at all
        f'<img src="{PIXEL}" data-echo="https://old.example/a.jpg" alt="A">',
    ],
)
def test_the_real_address_replaces_the_placeholder(img):
    assert body(f"<p>{img}</p>") == "![A](https://old.example/a.jpg)\n"


def test_the_noscript_copy_beside_it_is_not_shown_twice():
    markdown = body(
        '<p><img src="/spinner.gif" data-lazy-src="https://old.example/b.jpg" alt="B">'
        '<noscript><img src="https://old.example/b.jpg" alt="B"></noscript></p>'
    )
    assert markdown.count("![B]") == 1 and "spinner" not in markdown


@pytest.mark.parametrize("lazy", ["javascript:alert(1)", "data:text/html,x", "  "])
def test_an_address_a_page_may_not_load_is_not_taken(lazy):
    assert body(f'<p><img src="/c.jpg" data-src="{lazy}" alt="C"></p>') == "![C](/c.jpg)\n"


def test_a_lazy_image_is_found_in_the_uploads_and_counted(tmp_path):
    archive = tmp_path / "uploads.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("2024/05/photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    post = item(
        "Lazy",
        post_id=1,
        link=f"{SITE}/lazy/",
        slug="lazy",
        content=f'<p><img src="{PIXEL}" data-src="{SITE}/wp-content/uploads/2024/05/photo.png" alt="P"></p>',
    )
    export = write_export(tmp_path / "export.xml", [post])
    report = convert_export(export, tmp_path / "site", uploads=archive)
    page = frontmatter.load(tmp_path / "site/content/posts/lazy/index.md")
    assert "/wp-content/uploads/2024/05/photo.png" in page.content and "data:" not in page.content
    assert (report.media.local, report.media.lost) == (1, 0)
