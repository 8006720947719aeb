"""Images set as CSS backgrounds reach the converted site: found in the uploads, counted, shown."""

from __future__ import annotations

import re
import zipfile

import frontmatter

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.conftest import build
from tests.functional.wordpress.wxr_items import SITE, item, write_export

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def test_background_images_are_copied_counted_and_shown_by_hugo(tmp_path):
    archive = tmp_path / "uploads.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("hero.png", "tile one.png", "pattern(2).png"):
            zf.writestr(f"2024/05/{name}", PNG)
    uploads = f"{SITE}/wp-content/uploads/2024/05"
    content = (
        f'<!-- wp:cover -->\n<div class="wp-block-cover" style="background-image:url({uploads}/hero.png)">'
        '<div class="wp-block-cover__inner-container"><p>Welcome</p></div></div>\n<!-- /wp:cover -->\n'
        f"<!-- wp:html -->\n<section style=\"background: #fff url('{uploads}/tile one.png') repeat\">"
        "<p>Tiled</p></section>\n<!-- /wp:html -->\n"
        "<!-- wp:paragraph -->\n"
        '<p style="background:url(/wp-content/uploads/2024/05/pattern\\28 2\\29.png)">Patterned</p>'
        "\n<!-- /wp:paragraph -->"
    )
    post = item("Backgrounds", post_id=1, link=f"{SITE}/backgrounds/", slug="backgrounds", content=content)
    export = write_export(tmp_path / "export.xml", [post])

    report = convert_export(export, tmp_path / "site", uploads=archive)

    assert (report.media.local, report.media.lost) == (3, 0)
    page = frontmatter.load(tmp_path / "site/content/posts/backgrounds/index.md")
    assert page.content.index("hero.png") < page.content.index("Welcome")
    assert page.content.index("tile%20one.png") < page.content.index("Tiled")
    assert page.content.index("pattern(2).png") < page.content.index("Patterned")

    public = build(tmp_path / "site", tmp_path)
    html = (public / "posts/backgrounds/index.html").read_text()
    sources = re.findall(r'<img[^>]* src="([^"]+)"', html)
    assert [src.rsplit("/", 1)[-1] for src in sources] == ["hero.png", "tile%20one.png", "pattern%282%29.png"]
    for src in sources:
        path = src.replace("%20", " ").replace("%28", "(").replace("%29", ")").lstrip("/")
        assert (public / path).is_file(), src
