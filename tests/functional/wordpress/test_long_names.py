"""Names too long for a file name: an export may carry a term, an author or a slug longer than the 255
bytes a folder name may take (WordPress allows 200 characters of any script, a hostile export any
length). The site is still written, and Hugo still builds it, with each such folder cut short."""

from __future__ import annotations

from pathlib import Path

import frontmatter

from chalicelib.wordpress.converter import convert_export
from chalicelib.wordpress.slugs import MAX_PATH_BYTES, MAX_SEGMENT_BYTES
from tests.functional.wordpress.wxr_items import SITE, item, write_export

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


def test_pages_nested_deeper_than_a_path_takes_are_placed_at_the_top_and_hugo_builds_them(
    tmp_path: Path, hugo_build
) -> None:
    # 1,200 pages, each the parent of the next, listed deepest first (the walk up is not recursive).
    pages = [
        item(f"Page {n}", post_id=n, post_type="page", slug=f"level-{n}-" + "x" * 40, parent=n - 1)
        for n in range(1200, 0, -1)
    ]
    site = tmp_path / "site"
    report = convert_export(write_export(tmp_path / "export.xml", pages), site)
    content = site / "content"
    written = sorted(content.rglob("*.md"))
    assert all(len(str(p.relative_to(content).parent).encode()) <= MAX_PATH_BYTES for p in written)
    assert len([p for p in written if p.parent != content and p.name in ("index.md", "_index.md")]) == 1200
    flattened = [w for w in report.warnings if w.code == "page-too-deep"]
    assert flattened and all(w.item.startswith("page ") for w in flattened)
    public = hugo_build(site, tmp_path)
    assert len([p for p in public.rglob("index.html") if p.parent.name.startswith("level-")]) == 1200


def test_an_old_url_too_long_for_a_folder_is_reported_and_the_site_still_builds(
    tmp_path: Path, hugo_build
) -> None:
    long_segment = f"{SITE}/2024/{'s' * 300}/"
    long_path = f"{SITE}/" + "/".join(["d" * 200] * 25) + "/"
    fine = f"{SITE}/2024/05/fine/"
    items = [
        item("Long segment", post_id=1, slug="one", link=long_segment),
        item("Long path", post_id=2, slug="two", link=long_path),
        item("Fine", post_id=3, slug="three", link=fine),
    ]
    site = tmp_path / "site"
    report = convert_export(write_export(tmp_path / "export.xml", items), site)
    too_long = [w for w in report.warnings if w.code == "alias-too-long"]
    assert sorted(w.message.split(" too long")[0] for w in too_long) == [
        "old URL of post 1",
        "old URL of post 2",
    ]
    public = hugo_build(site, tmp_path)
    assert (public / "2024" / "05" / "fine" / "index.html").is_file()  # the redirect that fits is kept
