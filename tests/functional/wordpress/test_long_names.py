"""Names too long for a file name: an export may carry a term, an author or a slug longer than the 255
bytes a folder name may take (WordPress allows 200 characters of any script, a hostile export any
length). The site is still written, and Hugo still builds it, with each such folder cut short."""

from __future__ import annotations

from pathlib import Path

import frontmatter

from chalicelib.wordpress.convert import convert_export
from chalicelib.wordpress.slugs import MAX_SEGMENT_BYTES
from tests.functional.wordpress.wxr_items import item, write_export

LONG_CATEGORY = "Café au lait " * 40  # 520 characters, 560 bytes
LONG_TAG = "x" * 300
LONG_AUTHOR = "Ann " + "Ñ" * 300
RARE_LETTERS = "\U00020000" * 100  # a CJK letter of four bytes: 80 of them, a slug's most, are 320 bytes
AUTHOR = (
    "<wp:author><wp:author_id>1</wp:author_id><wp:author_login>ann</wp:author_login>"
    f"<wp:author_display_name><![CDATA[{LONG_AUTHOR}]]></wp:author_display_name></wp:author>"
)


def test_over_long_names_are_cut_to_folders_hugo_can_write(tmp_path: Path, hugo_build) -> None:
    export = write_export(
        tmp_path / "export.xml",
        [
            item(
                "Long names",
                post_id=1,
                slug=RARE_LETTERS,
                terms=(("category", "long-category", LONG_CATEGORY), ("post_tag", "long-tag", LONG_TAG)),
            )
        ],
        channel=AUTHOR,
    )
    site = tmp_path / "site"
    convert_export(export, site)
    folders = [p for p in site.rglob("*") if p.is_dir()]
    assert all(len(p.name.encode()) <= MAX_SEGMENT_BYTES for p in folders)
    (page,) = (site / "content").rglob("index.md")
    assert page.parent.name == "\U00020000" * (MAX_SEGMENT_BYTES // 4)
    post = frontmatter.load(page)
    (category,) = post["categories"]
    (tag,) = post["tags"]
    (author,) = post["authors"]
    # Each is Hugo's folder for the name, cut short; the term's own page keeps the whole name.
    assert category.startswith("café-au-lait-café") and len(category.encode()) <= MAX_SEGMENT_BYTES
    assert tag == "x" * MAX_SEGMENT_BYTES
    assert author.startswith("ann-ñññ") and len(author.encode()) <= MAX_SEGMENT_BYTES
    term_page = frontmatter.load(site / "content" / "categories" / category / "_index.md")
    assert term_page["title"] == LONG_CATEGORY.strip()
    author_page = frontmatter.load(site / "content" / "authors" / author / "_index.md")
    assert author_page["title"] == LONG_AUTHOR
    public = hugo_build(site, tmp_path)
    for section, folder in (("categories", category), ("tags", tag), ("authors", author)):
        assert (public / section / folder / "index.html").is_file(), (section, folder)
    (built,) = [p for p in public.rglob("index.html") if p.parent.name == page.parent.name]
    assert "Long names" in built.read_text()
