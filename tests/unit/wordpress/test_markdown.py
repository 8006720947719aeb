"""The fast lxml Markdown writer: common markup written directly, rare markup left to markdownify."""

import re

import pytest

from chalicelib.wordpress.fragment import inner_html, parse_fragment
from chalicelib.wordpress.html import markdown_of, wpautop
from chalicelib.wordpress.markdown import can_convert, to_markdown
from chalicelib.wordpress.rare_markdown import rare_markdown

COMMON = pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>one</p><p>two</p>", "one\n\ntwo\n"),
        ("<p>a<br />b</p>", "a\\\nb\n"),
        ("<h3>  Title  <em>here</em></h3>", "### Title *here*\n"),
        ("<p><strong>bold </strong>text</p>", "**bold** text\n"),
        # <q> shows its text between quotation marks, which no Markdown mark writes
        (
            "<p>He said <q>ahoy <b>there</b></q>, and <q> </q>left.</p>",
            "He said “ahoy **there**”, and  left.\n",
        ),
        ("<p>snake_case and 2*3</p>", "snake_case and 2\\*3\n"),
        # Backticks in text are text: three at a line's start would open a code block (and with a "{"
        # after them, one whose attributes Hugo cannot parse, failing the whole build).
        ("<p>```{x} and `y`</p>", "\\`\\`\\`{x} and \\`y\\`\n"),
        ("<p><code>a_b</code></p>", "`a_b`\n"),
        ('<p><a href="/x/" title="T">go</a></p>', '[go](/x/ "T")\n'),
        ('<p><a href="https://a.example/">https://a.example/</a></p>', "<https://a.example/>\n"),
        ('<img src="/a.png" alt="An  image">', "![An image](/a.png)\n"),
        ("<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>", "- a\n  - b\n- c\n"),
        ('<ol start="3"><li>x</li><li>y</li></ol>', "3. x\n4. y\n"),
        ("<blockquote><p>q1</p><p>q2</p></blockquote>", "> q1\n>\n> q2\n"),
        ("<pre>a\n\n  b_c</pre>", "```\na\n\n  b_c\n```\n"),
        ("<p>x</p><hr><p>y</p>", "x\n\n---\n\ny\n"),
        ("<p><del>old</del> <tt>mono</tt></p>", "~~old~~ `mono`\n"),
        (
            "<table><tr><th>A</th><th>B|c</th></tr><tr><td>1</td></tr></table>",
            "| A | B\\|c |\n| --- | --- |\n| 1 |  |\n",
        ),
        (  # a footer's rows are rows (markdownify took the first for a header)
            "<table><thead><tr><th>A</th></tr></thead><tbody><tr><td>1</td></tr></tbody>"
            "<tfoot><tr><td>F</td></tr><tr><td>G</td></tr></tfoot></table>",
            "| A |\n| --- |\n| 1 |\n| F |\n| G |\n",
        ),
        ("<dl><dt>Term</dt><dd>one</dd><dd>two</dd></dl>", "Term\n:   one\n:   two\n"),
        # Letters and Roman numerals as a block attribute (the site's hugo.toml enables them); text
        # a line begins with "{" is escaped, and old inline tags are their text.
        # A line break that ends a block shows as a backslash in Markdown: dropped. A backslash that
        # ends a text is escaped (markup may follow it), and a heading's closing {...} is text.
        ("<p>text<br></p><p>next<br><br></p>", "text\n\nnext\n"),
        ("<ul><li>item<br></li><li>two</li></ul>", "- item\n- two\n"),
        ("<p>end C:\\</p>", "end C:\\\\\n"),
        ("<h3>Set {#x}</h3>", "### Set \\{#x}\n"),
        ("<h3>Issue #</h3>", "### Issue \\#\n"),  # a closing sequence otherwise
        # brackets in a link's text would end it early or open another link
        ('<p><a href="/x">see [1</a> <a href="/y">[x] y]</a></p>', "[see \\[1](/x) [\\[x\\] y\\]](/y)\n"),
        ("<p>{{&lt;b&gt;}} and {{% y %}}</p>", "{{\\<b>}} and {{\\% y %}}\n"),  # a shortcode otherwise
        # Emphasis as the style shows it: Google Docs wraps a pasted text in <b style="font-weight:
        # normal"> and marks its bold and italic words with styled spans.
        (
            '<p><b style="font-weight:normal" id="docs-internal-guid-1"><span style="font-weight:400">Plain, '
            '</span><span style="font-weight:700">bold</span>, <span style="font-style:italic">italic</span>'
            ', <span style="font-weight:bold;font-style:italic">both</span>, <span style="text-decoration:'
            'line-through">struck</span></b> <strong style="font-size:2em">big</strong></p>',
            "Plain, **bold**, *italic*, ***both***, ~~struck~~ **big**\n",
        ),
        ("<p>In <st1:city>Paris</st1:city> soon<o:p></o:p></p>", "In Paris soon\n"),  # pasted from Word
        (
            '<p>x<span style="vertical-align:super">2</span> H<span style="vertical-align:sub">2</span>O</p>',
            "x^2^ H~2~O\n",
        ),
        ('<ol type="a"><li>x</li></ol>', "1. x\n{type=a}\n"),
        ('<ol style="list-style-type:upper-roman"><li>x</li></ol>', "1. x\n{type=I}\n"),
        ("<p>{.x} {{y}}</p>", "\\{.x} {{y}}\n"),
        ('<p><font color="red">red</font> <time>now</time><wbr>!</p>', "red now!\n"),
        ('<video src="/v.mp4">Get <a href="/v.mp4">the video</a></video>', "Get [the video](/v.mp4)\n"),
        ("<p>H<sub>2</sub>O, x<sup>2 n</sup>, a~b^c</p>", "H~2~O, x^2 n^, a\\~b\\^c\n"),
        # A highlight is Hugo's ==mark== and an underline its ++insert++; the block editor's text colour
        # (a <mark> with a transparent background) is only coloured text, which Markdown cannot keep.
        (
            '<p><mark style="background-color:#fcb900" class="has-inline-color">lit</mark>, <mark '
            'style="background-color:rgba(0, 0, 0, 0)" class="has-inline-color has-vivid-red-color">red'
            '</mark>, <mark>plain</mark>, <u>under</u>, <ins>added</ins> and <span style="text-'
            'decoration: underline;">classic</span></p>',
            "==lit==, red, ==plain==, ++under++, ++added++ and ++classic++\n",
        ),
        # A run of = or + that could open one is escaped; one that can only close is left as written.
        ("<p>x==y, a == b, C++ and ++i or ===</p>", "x=\\=y, a == b, C++ and +\\+i or =\\=\\=\n"),
        (
            '<p>Claim<sup><a href="#fn1">1</a></sup> x<sup><em>e</em>_2</sup></p>',
            "Claim[^1^](#fn1) x^e_2^\n",
        ),
        ("<pre>\nx  \n\n\n\ty</pre>", "```\nx  \n\n\n\ty\n```\n"),
        ('<pre>a<br>b <span class="k">c</span></pre>', "```\na\nb c\n```\n"),
        # Text that Markdown would read as markup is escaped (mdescape): at a line's start, a number,
        # bullet, heading, quote or definition mark; anywhere, what opens raw HTML, an entity or a link.
        ("<p>1986. A year</p>", "1986\\. A year\n"),
        (
            "<p>a<br>- b<br>+ c<br># d<br>&gt; e<br>: f<br>2) g</p>",
            "a\\\n\\- b\\\n\\+ c\\\n\\# d\\\n\\> e\\\n\\: f\\\n2\\) g\n",
        ),
        ("<p>#hashtag, 3.5 and -5</p>", "#hashtag, 3.5 and -5\n"),
        (
            "<p>Use &lt;div&gt;, &amp;amp; and [x](y) or [1]: z</p>",
            "Use \\<div>, \\&amp; and [x\\](y) or [1\\]: z\n",
        ),
        ("<p>C:\\*dir a\\b</p>", "C:\\\\\\*dir a\\b\n"),
        ("<h2>1. Intro</h2>", "## 1. Intro\n"),
        ("<ul><li>1. x</li></ul>", "- 1\\. x\n"),
        ("<ul><li>[ ] no checkbox</li><li>[x] nor this</li></ul>", "- \\[ ] no checkbox\n- \\[x] nor this\n"),
        ('<img src="/a.png" alt="A [b] c\\d">', "![A \\[b\\] c\\d](/a.png)\n"),
    ],
)


@COMMON
def test_common_markup(html, markdown):
    root = parse_fragment(html)
    assert can_convert(root)
    assert to_markdown(root) == markdown


def test_rare_markup_goes_to_markdownify():
    root = parse_fragment("<form>Name</form>")
    assert not can_convert(root)
    assert markdown_of(root).strip()


def test_a_table_that_lays_out_a_page_is_written_as_its_cells_content():
    """A Daum book box (a table in a table: the cover beside the title) was a header row of escaped
    pipes, its cover a text link; each cell's content is now a block, the inner table a table."""
    html = (
        "<table><caption>Book</caption><tbody><tr><td><table><tr><td><a href='/c.jpg'>"
        "<img alt='cover' src='/c.jpg'></a></td><td><b>Title</b> text</td></tr></table></td>"
        "<td>Loose</td></tr></tbody></table>"
    )
    root = parse_fragment(html)
    assert can_convert(root)
    assert (
        to_markdown(root)
        == "Book\n\n| [![cover](/c.jpg)](/c.jpg) | **Title** text |\n| --- | --- |\n\nLoose\n"
    )


def test_text_in_a_list_outside_its_items_is_kept_between_its_parts():
    """A French post's `<ol>1/ one, 2/ two</ol>` (no <li>): a browser shows the text; it was dropped."""
    root = parse_fragment("<p>Steps: <ol>\n1/ save offline,\n2/ keep little</ol>\nEnd.</p>")
    assert to_markdown(root) == "Steps:\n\n1/ save offline, 2/ keep little\n\nEnd.\n"
    assert to_markdown(parse_fragment("<ol><li>a</li>between<li>b</li></ol>")) == "1. a\n\nbetween\n\n2. b\n"


def test_marks_mid_line_are_left_alone_by_the_fast_path():
    # Only text that begins a line can start a block: "- this" after a word is text as it is.
    assert (
        to_markdown(parse_fragment("<p><strong>Note</strong> - this, 1. that</p>"))
        == "**Note** - this, 1. that\n"
    )


def test_a_countdown_is_numbered_down_and_a_nested_one_starts_a_block():
    countdown = to_markdown(parse_fragment("<ol reversed><li>c</li><li>b</li><li>a</li></ol>"))
    assert countdown == "3. c\n2. b\n1. a\n{reversed=true}\n"
    one = to_markdown(parse_fragment('<ol start="1" reversed><li>b</li><li>a</li><li>z</li></ol>'))
    assert one == '1. b\n0. a\n0. z\n{reversed=true start="1"}\n'  # no -1. in Markdown
    # Only a list numbered from 1 can interrupt its item's text: another gets a blank line first.
    nested = to_markdown(
        parse_fragment('<ul><li>a<ol start="3"><li>x</li></ol></li><li>b<ol><li>y</li></ol></li></ul>')
    )
    assert nested == "- a\n\n  3. x\n- b\n  1. y\n"


def test_line_breaks_around_emphasis_and_quotes_stay_outside_the_marks():
    cases = {
        "<p><strong>bold<br></strong>after</p>": "**bold**\\\nafter\n",
        "<blockquote>q<br></blockquote>": "> q\n",
        "<div>a<br> <br>\n<p>b</p></div>": "a\n\nb\n",
        "<p>a<br><br>b</p>": "a\\\n\\\nb\n",  # a blank line inside a paragraph stays
        # a backslash right before a line break: Goldmark reads neither escape (mdtidy.literal_backslashes)
        "<p>C:\\<br>D:</p>": "C:&#92;\\\nD:\n",
        # emphasis around emphasis is underscored: `**x**` would be bold
        "<p><cite><em>Ann</em></cite> <em><strong>w</strong></em></p>": "_*Ann*_ ***w***\n",
        # bold around a picture only: its marks would show ('**![a](b)**Text' cannot close)
        '<p><strong><img src="/a.png" alt="A"></strong>Text</p>': "![A](/a.png)Text\n",
    }
    for html, markdown in cases.items():
        assert to_markdown(parse_fragment(html)) == markdown, html


def test_text_before_the_first_tag_is_kept():
    assert to_markdown(parse_fragment("lead <b>in</b>")) == "lead **in**\n"


def test_empty_and_broken_bodies_give_empty_or_some_text():
    assert to_markdown(parse_fragment("")) == ""
    assert "text" in to_markdown(parse_fragment("<p>text<div></span>"))


@COMMON
def test_markdownify_writes_the_same_markdown(html, markdown):
    """The rare-markup path agrees with the fast one; short table rows are the one (rendering-neutral)
    difference: padded with empty cells here, left short by markdownify."""
    written = rare_markdown(inner_html(parse_fragment(html)))
    written = re.sub(r"\n{3,}", "\n\n", written).strip().replace("\uffff", "") + "\n"
    assert written == re.sub(r"(?: \|)+\n", " |\n", markdown.replace("|  |", "|"))


def test_a_bare_url_with_underscores_is_written_whole_for_linkify() -> None:
    """Hugo's linkify ends a bare URL at a backslash: `LarKC\\_Platform` linked only `.../LarKC`. An
    underscore between two letters or digits is no emphasis, so it needs no escape; one that could
    open or close emphasis still gets one."""
    from chalicelib.wordpress.mdescape import inline

    url = "http://sourceforge.net/projects/larkc/files/Release-2.0/LarKC_Platform_Manual_2.0.pdf"
    assert inline(f" {url} and x86_64") == f" {url} and x86_64"
    assert inline("_start_ and end_ and a__b") == "\\_start\\_ and end\\_ and a\\_\\_b"


def test_an_exclamation_mark_before_a_link_stays_text_on_both_roads() -> None:
    """`Much better!` right before a linked thumbnail became `![...](...)`: Hugo showed the full-size
    image in place of the thumbnail, and the "!" and the link were gone (a real export's post)."""
    html = (
        '<p>Much better!<a href="http://x.org/big.png"><img src="http://x.org/thumb.png" alt="image"></a>'
        " Wow!</p>"
    )
    expected = "Much better\\![![image](http://x.org/thumb.png)](http://x.org/big.png) Wow!"
    assert to_markdown(parse_fragment(html)).strip() == expected
    assert rare_markdown(html).strip() == expected


def test_a_preformatted_blocks_links_are_listed_under_it_on_both_roads() -> None:
    """A code block holds no links: a blog that set prose in <pre> lost every link in it, silently
    (5 items of 3 real exports). Its text stays byte for byte; its links follow it."""
    html = (
        '<pre><strong>easier than <a href="http://mkweb.bcgsc.ca/circos/">Circos</a> and '
        '<a href="https://x.org/a_b">x_[1]</a></strong></pre><p>After</p>'
    )
    expected = (
        "```\neasier than Circos and x_[1]\n```\n\n"
        "→ [Circos](http://mkweb.bcgsc.ca/circos/) · [x\\_\\[1\\]](https://x.org/a_b)\n\nAfter"
    )
    assert to_markdown(parse_fragment(html)).strip() == expected
    assert rare_markdown(html).strip() == expected
    assert "→" not in to_markdown(parse_fragment("<pre>no links</pre>"))


@pytest.mark.parametrize("drawing", ["", '<p>Share <svg viewBox="0 0 1 1"><path d="M0"></path></svg></p>'])
def test_line_breaks_at_a_links_or_emphasis_edge_go_outside_its_marks(drawing):
    """An Elementor button's `<a>` + newline + `Join Today` + newline + `</a>` (line breaks, after
    wpautop) came out as `[\\` + newline + `Join Today\\](...)` where an <svg> sent the body to
    markdownify: the link shown as text."""
    html = wpautop(
        '<p><a href="https://ex.com/signup">\n   Join Today\n</a></p>\n'
        "<p><strong>\n   Bold text\n</strong> and <em>\n  it \n</em> end</p>\n" + drawing
    )
    root = parse_fragment(html)
    assert can_convert(root) == (not drawing)
    markdown = markdown_of(root)
    assert "[Join Today](https://ex.com/signup)" in markdown
    # (a break that begins a paragraph shows nothing: it is left out)
    assert "**Bold text**\\\n" in markdown and "\\\n*it*\\\n" in markdown


def test_a_heading_in_a_table_cell_is_bold_text():
    """A film blog's cell of two <h3> titles showed `### HAPPY VALENTINE'S DAY! ###` in the cell and
    the page's description."""
    root = parse_fragment(
        "<table><tr><td><h3>Happy day!</h3><h3 id='x'>Just a story</h3></td><td>b</td></tr></table>"
    )
    assert to_markdown(root) == "| **Happy day!** **Just a story** | b |\n| --- | --- |\n"


@pytest.mark.parametrize("aside", ["", "<p>Put it in <apache-install-dir> first.</p>"])
def test_a_code_of_several_lines_is_a_code_block(aside):
    """wpautop's <br> in a <code>: a span holds one line, so the lines ran on with backslashes, and on
    markdownify's road (an unknown tag sends a body there) a line `<link ...>` became an HTML block
    that swallowed the rest of the post."""
    html = wpautop(
        aside
        + '<p>A) Add to head:<br /><code><br />&lt;link href="x.css" /&gt;<br />&lt;script src="y.js"&gt;'
        "&lt;/script&gt;</code><br />B) Add onload.</p>"
    )
    body = markdown_of(parse_fragment(html))
    assert 'A) Add to head:\n\n```\n<link href="x.css" />\n<script src="y.js"></script>\n```\n\n' in body
    assert body.rstrip().endswith("B) Add onload.")


def test_a_link_whose_text_is_an_address_without_a_scheme_stays_a_link():
    html = '<p><a href="www.google.com/ncr">www.google.com/ncr</a>, <a href="/about">/about</a></p>'
    assert to_markdown(parse_fragment(html)) == "[www.google.com/ncr](www.google.com/ncr), [/about](/about)\n"


def test_blocks_and_items_out_of_place_in_a_list_keep_their_lines():
    """A <p> in a <ul> ran on inside the item before it; <li>s in a <blockquote> in a <ul> ran together
    on one line; a <ul> right in a <ul> was flattened into its items."""
    assert to_markdown(parse_fragment("<ul><li>are:</li><p>1. SFI</p><p>2. CS</p><li>last</li></ul>")) == (
        "- are:\n\n1\\. SFI\n\n2\\. CS\n\n- last\n"
    )
    assert to_markdown(
        parse_fragment("<ul><blockquote><li>var a;</li><li>var b;</li></blockquote></ul>")
    ) == ("> - var a;\n>\n> - var b;\n")
    assert (
        to_markdown(parse_fragment("<ul><li>a</li><ul><li>sub</li></ul><li>b</li></ul>"))
        == "- a\n  - sub\n- b\n"
    )


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>A <strong>Note:</strong>Text</p>", "A **Note:**\\ Text"),
        ("<p>B <b>의미한다.</b>방을</p>", "B **의미한다.**\\ 방을"),
        ("<p>C word<em>(aside)</em>word</p>", "C word\\ *(aside)*\\ word"),
        ("<p>D note <sup>(1)</sup>then</p>", "D note ^(1)^\\ then"),
        ("<p>E <b>plain</b> words</p>", "E **plain** words"),
        ("<p><code>F <b>x.</b>y</code></p>", "`F x.y`"),
    ],
)
def test_marks_after_punctuation_before_a_letter_get_an_escaped_space_on_both_roads(html, markdown):
    """Goldmark shows `**Note:**Text` as asterisks (no right-flanking run after punctuation): an
    escaped space, which the converted site's CJK `escapedSpace` shows as nothing, lets it close.
    markdownify's road (a body with a drawing or a form) left the asterisks showing."""
    assert to_markdown(parse_fragment(html)).strip() == markdown
    assert rare_markdown(html).strip() == markdown


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        (
            "<p><strong>Personal Development<strong>/Inspirational:</strong></strong>: books</p>",
            "**Personal Development/Inspirational:**: books",
        ),
        ("<p>Also <em>one <i>two</i> three</em> end</p>", "Also *one two three* end"),
        ("<p><b>bold <em>and italic</em></b></p>", "**bold *and italic***"),
    ],
)
def test_bold_in_bold_is_the_outer_bold_alone_on_both_roads(html, markdown):
    """A real export's `<strong>a<strong>b:</strong></strong>:` showed `**a**/b:****:` on the page."""
    assert markdown_of(parse_fragment(html)).strip() == markdown
    drawing = '<p>Share <svg viewBox="0 0 1 1"><path d="M0"></path></svg></p>'  # markdownify's road
    rare = markdown_of(parse_fragment(html + drawing)).strip().splitlines()[0]
    # markdownify's own choices: underscores for italic in bold, a text's leading `:` escaped
    assert rare.replace("_and italic_", "*and italic*").replace("**\\:", "**:") == markdown


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<h2><a href="http://x.org/full.jpg"><img src="http://x.org/thumb.jpg" alt="Photo"></a></h2>',
            "## [![Photo](http://x.org/thumb.jpg)](http://x.org/full.jpg)",
        ),
        (
            '<table><tr><td><img src="http://x.org/route.jpg" alt="Route"></td><td>Day 1</td></tr></table>',
            "| ![Route](http://x.org/route.jpg) | Day 1 |\n| --- | --- |",
        ),
    ],
)
def test_an_image_in_a_heading_or_a_cell_is_kept_on_both_roads(html: str, expected: str) -> None:
    """On markdownify's road (a body with any tag the fast path does not know, `IQueryable<Book>`),
    an image in a heading or a table cell was written as its alt text only, and counted as kept."""
    assert to_markdown(parse_fragment(html)).strip() == expected
    assert rare_markdown(html).strip() == expected


def test_code_pasted_into_a_heading_is_a_code_block_on_both_roads() -> None:
    """A CSDN paste, `<h1><pre class="java">` and 60 lines of Java, was one heading line of fences and
    joined code, with a 2,000-character id."""
    html = "<h2><pre>int a = 1;\nreturn a;</pre></h2><p>After</p>"
    expected = "```\nint a = 1;\nreturn a;\n```\n\nAfter"
    assert to_markdown(parse_fragment(html)).strip() == expected
    assert rare_markdown(html).strip() == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<blockquote><strong>Details matter.</strong><cite>Steve Jobs</cite></blockquote>",
            "> **Details matter.**\\ *Steve Jobs*",
        ),
        ("<p><em>Note:</em><strong>Bold</strong></p>", "*Note:*\\ **Bold**"),
        ("<p><strong>a</strong> <em>b</em></p>", "**a** *b*"),
    ],
)
def test_two_runs_of_marks_side_by_side_are_parted_by_an_escaped_space(html: str, expected: str) -> None:
    """A theme's pull quotes, `<strong>Quote.</strong><cite>Name</cite>` on six posts, showed
    `**Quote.***Name*` with its asterisks; Goldmark's escaped space parts the runs and shows nothing."""
    assert to_markdown(parse_fragment(html)).strip() == expected
