"""Real exports, bent the way broken plugins, hand edits and hostile uploads bend them, still convert
and build, or fail with an error that says what is wrong.

Each case takes one of the shared WXR fixtures, changes a few of its items (a field given another
value: an odd id, a parent loop, a date that is no date, a slug or name thousands of characters long,
markup and shortcodes that do not close, malformed URLs; a field or a whole item repeated or left
out) and converts it. Anything but a site or a ConversionError is a defect; a converted site must
then build with Hugo. The seeds are fixed, so a failure reproduces; this is how the comment-thread
loop, the over-long names and aliases, the too-deep pages and the unparseable URLs were found.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path

import pytest
from lxml import etree

from chalicelib.errors import ConversionError
from chalicelib.wordpress.converter import convert_export

WP = "{http://wordpress.org/export/1.2/}"
VALUES = [
    "", " ", "abc", "-5", "0", "1", "2", "99999999999999999999999", "1e9", "../../etc/passwd", "/", "..",
    "a/b",
    "CON", "ñandú", "\u202e", "x" * 3000, "\U00020000" * 100, "0000-00-00 00:00:00", "9999-99-99 99:99:99",
    "2020-02-30 25:61:61", "publish", "draft", "private", "inherit", "trash", "future", "page", "attachment",
    "nav_menu_item", "wp_navigation", "wp_template_part", "wp_block", "revision", "custom type",
    "javascript:alert(1)", "//evil.example/x.png",
    "http://[::1", "http://a.b/wp-content/uploads/2020/01/x.jpg", 'a:2:{i:0;s:3:"abc";',
    'O:8:"stdClass":0:{}',
    '{"a":',
]  # fmt: skip
MARKUP = [
    "<p>unclosed <b>bold", '[gallery ids="1,2,x"]', '[caption id="a" width="x"]<img src="//">[/caption]',
    "[embed]http://[::1[/embed]", '[audio src="javascript:x"]', '<!-- wp:gallery {"ids":[1,"x",null]} -->',
    '<!-- wp:image {"id":"x" -->', "<!--more-->" * 3, "<!--nextpage-->", '<iframe src="http://%zz"></iframe>',
    "<script>alert(1)</script>", '<a href="http://shop.example/50%-off">x</a>', "<table><tr><td><table>",
    "<pre><code>{{< x >}}</code></pre>", "{{< shortcode >}}", "<ul><li><ol><li>deep" * 30, "[/caption]",
    '<img src="http://a.b/wp-content/uploads/../../../x.jpg">', '<a href="?p=99999999999999999999">x</a>',
    "<p>" * 500,
    '<!-- wp:navigation-submenu {"label":"<b>x","id":"1","kind":"post-type"} -->',
    '<!-- wp:page-list {"parentPageID":1} /-->', '<!-- wp:navigation {"ref":1} /-->',
    '<!-- wp:navigation-link {"url":"javascript:alert(1)","label":"x"} /-->',
    "<!-- /wp:navigation-submenu -->",
]  # fmt: skip
META_KEYS = [
    "_thumbnail_id", "_wp_attachment_metadata", "_wp_old_slug", "_wp_attached_file", "footnotes", "enclosure",
    "_menu_item_object_id", "_menu_item_type", "_menu_item_menu_item_parent", "_menu_item_url",
]  # fmt: skip
FIXTURES = (
    "importer-small-export.xml",
    "importer-e2e-wxr-comprehensive.xml",
    "importer-wxr-utf-8-challenges.xml",
    "importer-valid-wxr-1.1.xml",
    "importer-test-serialized-comment-meta.xml",
)


def bend(item: etree._Element, rng: random.Random) -> None:
    children = list(item)
    if not children:
        return
    roll = rng.random()
    if roll < 0.5:
        child = rng.choice(children)
        if len(child) == 0:
            child.text = rng.choice(VALUES + MARKUP)
        else:
            for sub in child:
                sub.text = rng.choice(VALUES)
    elif roll < 0.6:
        item.remove(rng.choice(children))
    elif roll < 0.7:
        item.append(copy.deepcopy(rng.choice(children)))
    elif roll < 0.85:
        for child in children:
            if child.tag.endswith("encoded"):
                child.text = (child.text or "") + "".join(
                    rng.choice(MARKUP) for _ in range(rng.randrange(1, 5))
                )
    else:
        meta = etree.SubElement(item, WP + "postmeta")
        etree.SubElement(meta, WP + "meta_key").text = rng.choice(META_KEYS)
        etree.SubElement(meta, WP + "meta_value").text = rng.choice(VALUES)


def bent_export(source: Path, seed: int, out: Path) -> Path:
    rng = random.Random(seed)
    tree = etree.parse(
        str(source), etree.XMLParser(strip_cdata=False, resolve_entities=False, no_network=True)
    )
    items = tree.getroot().findall(".//item")
    for _ in range(rng.randrange(1, 12)):
        item = rng.choice(items)
        if rng.random() < 0.1:
            item.getparent().append(copy.deepcopy(item))
        bend(item, rng)
    tree.write(str(out), encoding="UTF-8", xml_declaration=True)
    return out


@pytest.mark.parametrize("seed", range(60))
def test_a_bent_export_converts_and_builds_or_says_what_is_wrong(
    wxr: Path, tmp_path: Path, hugo_build, seed: int
) -> None:
    source = wxr / FIXTURES[seed % len(FIXTURES)]
    export = bent_export(source, seed, tmp_path / "export.xml")
    site = tmp_path / "site"
    try:
        convert_export(export, site)
    except ConversionError as error:
        assert str(error)  # refused, saying why: as good as a site
        return
    hugo_build(site, tmp_path)  # fails the test on any Hugo error
