"""Numbered lists count as they did in WordPress: a countdown (`<ol reversed>`, the list block's
"reverse order") counts down, and letters or Roman numerals stay letters and numerals, in the page
real Hugo builds, on both of the writer's roads (the markdownify one forced by a nested table)."""

import pytest
from lxml import html as lxml_html

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.exports import Post, write_export

LISTS = (
    "<ol reversed><li>Third</li><li>Second</li><li>First</li></ol>"
    '<ol start="10" reversed><li>ten</li><li>nine</li></ol>'
    '<ol start="1" reversed><li>one</li><li>zero</li><li>minus one</li></ol>'
    '<!-- wp:list {"ordered":true,"type":"upper-alpha"} -->\n'
    '<ol type="A" style="list-style-type:upper-alpha"><li>Apples</li><li>Bananas</li></ol>\n'
    "<!-- /wp:list -->"
    '<ol style="list-style-type: lower-roman"><li>i</li></ol>'
    "<ul><li>nested<ol reversed><li>two</li><li>one</li></ol></li></ul>"
    "<p>{.not-an-attribute} stays text</p>"
)
NESTED_TABLE = "<table><tr><td><table><tr><td>cell</td></tr></table></td></tr></table>"
# The numbers a reader saw, list by list.
SHOWN = [["3", "2", "1"], ["10", "9"], ["1", "0", "-1"], ["A", "B"], ["i"], ["2", "1"]]
ROMAN = ["i", "ii", "iii"]


def shown_numbers(ol) -> list[str]:
    """The markers a browser shows for `ol`, from its start, reversed and type attributes."""
    count = len(ol.findall("li"))
    reversed_ = "reversed" in ol.attrib
    start = int(ol.get("start", count if reversed_ else 1))
    numbers = [start - i if reversed_ else start + i for i in range(count)]
    kind = ol.get("type", "1")
    if kind == "A":
        return [chr(ord("A") + n - 1) for n in numbers]
    if kind == "i":
        return [ROMAN[n - 1] for n in numbers]
    return [str(n) for n in numbers]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from tests.functional.wordpress.conftest import build

    tmp = tmp_path_factory.mktemp("lists")
    site = tmp / "site"
    posts = [Post(1, "fast", LISTS), Post(2, "markdownify", NESTED_TABLE + LISTS)]
    convert_export(write_export(tmp / "export.xml", posts), site)
    return build(site, tmp)


@pytest.mark.parametrize("slug", ["fast", "markdownify"])
def test_countdowns_and_lettered_lists_keep_their_numbering(built, slug):
    page = lxml_html.fromstring((built / "posts" / slug / "index.html").read_text())
    content = page.find_class("entry-content")[0]
    assert [shown_numbers(ol) for ol in content.iter("ol")] == SHOWN
    assert "{.not-an-attribute} stays text" in content.text_content()
