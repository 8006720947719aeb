"""A site moved out of Squarespace, whose export is WordPress-format XML with quirks of its own: image
blocks written over several lines with a <noscript> copy before a lazy image, and attachments whose
caption is a placeholder made of the image's id. Checked in the converted page and in Hugo's build."""

from pathlib import Path

import frontmatter

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.exports import Post, write_export

IMG = "https://images.example-cdn.com/content/v1/5134/pumpkin.jpg"
BLOCK = f"""<div class="image-block-outer-wrapper layout-caption-below">
  <figure class="sqs-block-image-figure intrinsic" style="max-width:409.0px;">
    <a class="sqs-block-image-link" href="https://shop.example/">
      <div style="padding-bottom:37.4%;" class="image-block-wrapper" data-animation-override>
          <noscript><img src="{IMG}" /></noscript>
          <img class="thumb-image"
            data-src="{IMG}"
            data-image="{IMG}"
            data-image-dimensions="2765x2081"
            alt="Pumpkin on a table">
      </div>
    </a>
  </figure>
</div>
<p>After the picture.</p>"""

POSTS = [
    Post(4, "basic-post", BLOCK, title="Basic Post", meta={"_thumbnail_id": "5"}),
    Post(
        5,
        "pumpkin-jpg",
        title="miniature-pumpkin",
        type="attachment",
        status="inherit",
        parent=4,
        attachment_url=IMG,
        link=IMG,  # Squarespace's attachment links are their files
        content="img-5134cbefe4b0c6fb04df8065",
        excerpt="exc-5134cbefe4b0c6fb04df8065",
    ),
    Post(6, "captioned", "<p>Body</p>", title="Captioned", meta={"_thumbnail_id": "7"}),
    Post(7, "c-jpg", type="attachment", status="inherit", attachment_url=IMG, excerpt="exc-a real caption"),
]


def test_a_squarespace_image_block_is_one_linked_image_and_placeholders_are_no_captions(
    tmp_path: Path,
) -> None:
    from tests.functional.wordpress.conftest import build

    site = tmp_path / "site"
    convert_export(write_export(tmp_path / "export.xml", POSTS), site)
    post = frontmatter.load(site / "content/posts/basic-post/index.md")
    assert post.content.split("\n\n") == [
        f"[![Pumpkin on a table]({IMG})](https://shop.example/)",
        "After the picture.",
    ]
    assert post["featured_image"] == IMG and "featured_image_caption" not in post.metadata
    captioned = frontmatter.load(site / "content/posts/captioned/index.md")
    assert captioned["featured_image_caption"] == "exc-a real caption"  # text someone wrote stays
    html = (build(site, tmp_path) / "posts/basic-post/index.html").read_text()
    assert html.count(f'src="{IMG}"') >= 1 and "data-src" not in html and "exc-5134" not in html
