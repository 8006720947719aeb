"""Text that reads as Markdown stays text: what WordPress showed as a paragraph's words is what the
page Hugo builds shows, never a list, heading, quote, link, definition or dropped raw HTML. Checked on
each of the writer's roads (block markup, a classic body read through wpautop, and the markdownify
path an inline drawing sends a body down) in the page real Hugo builds. Emphasis shows as emphasis,
never as asterisks, where it ends in punctuation right before a letter or an editor split it in two."""

from html import escape

import pytest
from lxml import html as lxml_html

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.exports import Post, write_export

# (HTML as WordPress stored it, the text a reader saw)
LINES = [
    ("1986. A great year.", "1986. A great year."),
    ("2) Second, not a list", "2) Second, not a list"),
    ("- a dash, not a bullet", "- a dash, not a bullet"),
    ("+ plus, not a bullet", "+ plus, not a bullet"),
    ("# of items, not a heading", "# of items, not a heading"),
    ("&gt; not a quote", "> not a quote"),
    (": not a definition", ": not a definition"),
    ("Use the &lt;div&gt; element, or &lt;br&gt;", "Use the <div> element, or <br>"),
    ("&lt;!DOCTYPE html&gt; starts a page", "<!DOCTYPE html> starts a page"),
    ("&lt;?xml version=1.0?&gt; heads a file", "<?xml version=1.0?> heads a file"),
    ("[1]: http://example.com/ref", "[1]: http://example.com/ref"),
    ("Write [link](/x/) or ![picture](y.png)", "Write [link](/x/) or ![picture](y.png)"),
    ("The entity &amp;copy; written out", "The entity &copy; written out"),
    ("A path C:\\*temp\\_dir", "A path C:\\*temp\\_dir"),
    ("snake_case and 2*3*4", "snake_case and 2*3*4"),
    ("A folder C:\\temp\\ and its file", "A folder C:\\temp\\ and its file"),
]
LINE_HTML = "<br />\n".join(html for html, _ in LINES)
FORBIDDEN = ["ol", "ul", "h1", "blockquote", "dl", "img"]
# Captions are shortcode parameters, which Hugo reads by rules of its own (see mdescape.shortcode_param).
CAPTION_SHOWN = ['my_file, 2*3*4 and C:\\dir say "hi"', "plain C:\\temp\\ and snake_case"]
CAPTIONS = "".join(
    f'[caption id="c{n}" width="50"]<img src="https://old.example/wp-content/uploads/{n}.png" alt="A">'
    f" {escape(text)}[/caption]\n\n"
    for n, text in enumerate(CAPTION_SHOWN)
)
# A hand-written excerpt: Hugo renders a front matter summary as Markdown.
EXCERPT_HTML = "1986. The &lt;div&gt; element, 2*3*4 and [link](/x/)"
EXCERPT_SHOWN = "1986. The <div> element, 2*3*4 and [link](/x/)"


# (HTML as WordPress stored it, the emphasised text, the text of the paragraph): a closing mark after
# punctuation and before a letter (Korean puts no space after a sentence), marks split in two by an
# editor, a link's text that ends in the space before the next word.
EMPHASIS_LINES = [
    ("A <strong>Note:</strong>Text here.", "Note:", "A Note:Text here."),
    ("B <b>의미한다.</b>방을", "의미한다.", "B 의미한다.방을"),
    ("C word<em>(aside)</em>word", "(aside)", "C word(aside)word"),
    (
        "D <strong>Friday</strong><strong>, Sept 20th</strong>, then",
        "Friday, Sept 20th",
        "D Friday, Sept 20th, then",
    ),
    (
        "E <strong><a href='/x/'>proof-of-concept </a></strong>engagements",
        "proof-of-concept",
        "E proof-of-concept engagements",
    ),
]
EMPHASIS = "".join(f"<p>{html}</p>\n" for html, _, _ in EMPHASIS_LINES)


def _posts() -> list[Post]:
    block = "".join(f"<!-- wp:paragraph -->\n<p>{html}</p>\n<!-- /wp:paragraph -->\n" for html, _ in LINES)
    classic = "\n\n".join(html for html, _ in LINES)
    nested = '<p>Share <svg viewBox="0 0 1 1"><path d="M0"></path></svg></p>'  # markdownify's
    return [
        Post(1, "blocks", block),
        Post(2, "classic", classic),
        Post(3, "classic-lines", LINE_HTML),
        Post(4, "rare-path", f"{nested}\n\n{classic}"),
        Post(5, "rare-path-lines", f"{nested}\n\n{LINE_HTML}"),
        Post(6, "excerpted", "<p>Body</p>", excerpt=EXCERPT_HTML),
        Post(7, "captioned", CAPTIONS),
        Post(8, "emphasis", EMPHASIS),
        Post(9, "rare-path-emphasis", f"{nested}\n{EMPHASIS}"),
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from tests.functional.wordpress.conftest import build

    tmp = tmp_path_factory.mktemp("text")
    site = tmp / "site"
    convert_export(write_export(tmp / "export.xml", _posts()), site)
    return build(site, tmp)


@pytest.mark.parametrize("slug", ["blocks", "classic", "classic-lines", "rare-path", "rare-path-lines"])
def test_text_that_looks_like_markdown_is_shown_as_written(built, slug):
    page = lxml_html.fromstring((built / "posts" / slug / "index.html").read_text())
    content = page.find_class("entry-content")[0]
    lines = [line.strip() for line in content.text_content().split("\n") if line.strip()]
    for _, shown in LINES:
        assert shown in lines, f"{shown!r} not shown as a line of its own in {slug}: {lines}"
    made = [el.tag for el in content.iter(*FORBIDDEN)]
    assert not made, f"text became markup in {slug}: {made}"
    assert not content.xpath(".//a[@href='/x/']"), "a literal [link](/x/) became a link"


def test_an_excerpt_is_shown_as_written_in_lists_and_the_description(built):
    page = lxml_html.fromstring((built / "posts" / "excerpted" / "index.html").read_text())
    assert page.xpath("string(//meta[@name='description']/@content)") == EXCERPT_SHOWN
    assert page.xpath("string(//meta[@property='og:description']/@content)") == EXCERPT_SHOWN
    listing = lxml_html.fromstring((built / "posts" / "index.html").read_text())
    summaries = [" ".join(s.text_content().split()) for s in listing.find_class("summary-text")]
    assert EXCERPT_SHOWN in summaries, summaries


def test_captions_are_shown_as_written(built):
    page = lxml_html.fromstring((built / "posts" / "captioned" / "index.html").read_text())
    shown = [" ".join(c.text_content().split()) for c in page.iter("figcaption")]
    assert shown == [text.replace('"', "\u201c", 1).replace('"', "\u201d", 1) for text in CAPTION_SHOWN]


@pytest.mark.parametrize("slug", ["emphasis", "rare-path-emphasis"])
def test_emphasis_is_shown_as_emphasis_not_asterisks(built, slug):
    page = lxml_html.fromstring((built / "posts" / slug / "index.html").read_text())
    content = page.find_class("entry-content")[0]
    paragraphs = [" ".join(p.text_content().split()) for p in content.iter("p")]
    paragraphs = [text for text in paragraphs if text != "Share"]  # the drawing's paragraph
    assert paragraphs == [shown for _, _, shown in EMPHASIS_LINES]
    marked = [" ".join(el.text_content().split()) for el in content.iter("strong", "em", "b", "i")]
    assert marked == [text for _, text, _ in EMPHASIS_LINES]
