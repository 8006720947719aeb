import io

import pytest

from chalicelib.errors import ConversionError
from chalicelib.wordpress.xmlrepair import StrictXmlStream


def repaired(text: str) -> str:
    """`text` as the second reading (nested sections repaired) passes it on."""
    stream = StrictXmlStream(io.BytesIO(text.encode()), name="export.xml", nested_cdata=True)
    return b"".join(stream.chunks()).decode()


REPAIRS = [
    ("<a>x & y</a>", "<a>x &amp; y</a>"),
    ("<a href='?a=1&b=2'/>", "<a href='?a=1&amp;b=2'/>"),
    ("<a>&amp; &lt; &#169; &#x20AC;</a>", "<a>&amp; &lt; &#169; &#x20AC;</a>"),
    ("<a>&nbsp;</a>", "<a>&amp;nbsp;</a>"),
    ("<a><![CDATA[a & b]]></a>", "<a><![CDATA[a & b]]></a>"),
    ("<a><![CDATA[x ]]> y]]></a>", "<a><![CDATA[x ]]]]><![CDATA[> y]]></a>"),
    ("<a><![CDATA[x ]]]]><![CDATA[> y]]></a>", "<a><![CDATA[x ]]]]><![CDATA[> y]]></a>"),
    ("<!-- a & b --><a/>", "<!-- a & b --><a/>"),
    # control characters XML cannot hold (a ^P pasted into a post): dropped, tab and newlines kept
    ("<a><![CDATA[in string \x10s.\tok\r\n]]>\x00\x1f</a>", "<a><![CDATA[in string s.\tok\r\n]]></a>"),
]


@pytest.mark.parametrize(("raw", "expected"), REPAIRS)
def test_repairs_what_wordpress_tolerates_and_nothing_else(raw, expected):
    assert repaired(raw) == expected


def test_keeps_line_count():
    raw = "<a>\n<![CDATA[one ]]> two\nthree]]>\n & \n</a>\n"
    assert repaired(raw).count("\n") == raw.count("\n")


@pytest.mark.parametrize("decl", ["<!DOCTYPE rss [<!ENTITY a 'b'>]>", "<!doctype rss>", "<!ENTITY x 'y'>"])
def test_refuses_doctype_and_entity_declarations_with_the_line(decl):
    with pytest.raises(ConversionError) as error:
        repaired(f"<?xml version='1.0'?>\n\n{decl}\n<rss/>")
    assert error.value.line == 3
    assert "DOCTYPE" in str(error.value)


def test_a_cdata_longer_than_a_chunk_survives(monkeypatch):
    monkeypatch.setattr("chalicelib.wordpress.xmlrepair.CHUNK", 16)
    body = "x & y ]]> z " * 50
    out = repaired(f"<a><![CDATA[{body}]]></a>")
    assert out == "<a><![CDATA[" + body.replace("]]>", "]]]]><![CDATA[>") + "]]></a>"


def test_repairs_the_same_wherever_the_reads_split_the_export(monkeypatch):
    # Clean runs are passed on in one step and the rest token by token; a section is only passed on
    # whole when its close is in view, so every split of the reads must give the same text (a `<` at
    # the end of the view once passed on as clean, and the CDATA after it went unseen).
    pieces = [*REPAIRS, ("<b><![CDATA[x]]]]]></b>", "<b><![CDATA[x]]]]]></b>")] * 7
    padding = "<p>" + "text &amp; more " * 5 + "</p>\n"
    raw = "<r>" + "".join(padding + raw for raw, _ in pieces) + "</r>\n"
    expected = "<r>" + "".join(padding + out for _, out in pieces) + "</r>\n"
    for chunk in [*range(1, 140), 1 << 16]:
        monkeypatch.setattr("chalicelib.wordpress.xmlrepair.CHUNK", chunk)
        assert repaired(raw) == expected, f"reads of {chunk} bytes"


SNIPPET = (
    '<c:e><![CDATA[<script type="text/javascript">// <![CDATA[\nad_slot = "71";\n// ]]></script>\n'
    "<p>Post</p>]]></c:e>"
)


@pytest.mark.parametrize(
    ("raw", "expected", "suspect"),
    [
        ("<a><![CDATA[]]> &lt;b&gt;x</a>", "<a><![CDATA[]]> &lt;b&gt;x</a>", 1),
        ("<a><![CDATA[x ]]> y]]></a>", "<a><![CDATA[x ]]> y]]></a>", 1),  # left for the parser to refuse
        (
            "<a><![CDATA[x]]></a><b><![CDATA[y]]><![CDATA[z]]></b>",
            "<a><![CDATA[x]]></a><b><![CDATA[y]]><![CDATA[z]]></b>",
            0,
        ),
        ("<a>x & y</a>", "<a>x &amp; y</a>", 0),  # raw ampersands are repaired in either reading
        # an ad snippet's own CDATA inside the post's section: its close before </script> is suspect
        (SNIPPET, SNIPPET, 1),
    ],
)
def test_the_first_reading_ends_a_section_at_every_close_and_counts_the_suspect_ones(raw, expected, suspect):
    stream = StrictXmlStream(io.BytesIO(raw.encode()), name="export.xml")
    assert b"".join(stream.chunks()).decode() == expected
    assert (stream.suspect_closes, stream.inner_closes) == (suspect, 0)


def test_the_second_reading_counts_the_closes_it_read_as_content():
    stream = StrictXmlStream(io.BytesIO(b"<a><![CDATA[x ]]> y]]></a>"), name="export.xml", nested_cdata=True)
    b"".join(stream.chunks())
    assert stream.inner_closes == 1


def test_each_control_character_dropped_counts_as_a_repair():
    stream = StrictXmlStream(io.BytesIO("<a>\x01é\x02\n\x0b</a>".encode()), name="export.xml")
    assert b"".join(stream.chunks()).decode() == "<a>é\n</a>"
    assert stream.repairs == 3


def test_the_second_reading_keeps_an_ad_snippets_cdata_in_the_posts_section():
    stream = StrictXmlStream(io.BytesIO(SNIPPET.encode()), name="export.xml", nested_cdata=True)
    assert b"".join(stream.chunks()).decode() == SNIPPET.replace(
        "// ]]></script>", "// ]]]]><![CDATA[></script>"
    )
    assert stream.inner_closes == 1


@pytest.mark.parametrize("lead", ["\n", "\r\n\r\n  ", "\ufeff\n"])
def test_blank_lines_before_the_declaration_go_after_it_and_every_later_line_keeps_its_number(lead):
    """A theme's stray newline before WordPress's export: strict XML refuses the declaration after it."""
    raw = f'{lead}<?xml version="1.0" encoding="UTF-8" ?>\n<rss>\n<a>x</a>\n</rss>\n'
    stream = StrictXmlStream(io.BytesIO(raw.encode()), name="export.xml")
    out = b"".join(stream.chunks()).decode()
    assert out.lstrip("\ufeff").startswith('<?xml version="1.0" encoding="UTF-8" ?>')
    assert out.count("\n") == raw.count("\n")
    assert out.splitlines()[-2:] == raw.splitlines()[-2:]  # "<a>x</a>" and "</rss>" on their old lines
    assert out.splitlines().index("<a>x</a>") == raw.splitlines().index("<a>x</a>")
    assert stream.repairs == 1


@pytest.mark.parametrize(
    "debris",
    [
        # a plugin's admin notice, printed into a real export
        '<div class="updated fade"><p>Your <strong>Share Buttons</strong> need setup</p></div>',
        "---\n---\n",  # a static site generator's front matter, added to a real one
    ],
)
def test_what_php_printed_before_the_declaration_is_dropped_but_its_newlines(debris):
    raw = f'{debris}<?xml version="1.0" encoding="UTF-8" ?>\n<rss>\n<a>x</a>\n</rss>\n'
    stream = StrictXmlStream(io.BytesIO(raw.encode()), name="export.xml")
    out = b"".join(stream.chunks()).decode()
    assert out.startswith('<?xml version="1.0" encoding="UTF-8" ?>') and "Share Buttons" not in out
    assert out.count("\n") == raw.count("\n") and stream.repairs == 1
    assert out.splitlines().index("<a>x</a>") == raw.splitlines().index("<a>x</a>")


def test_a_document_before_a_second_declaration_is_not_cut():
    raw = '<rss><channel/></rss>\n<?xml version="1.0"?>\n<rss/>\n'
    stream = StrictXmlStream(io.BytesIO(raw.encode()), name="export.xml")
    assert b"".join(stream.chunks()).decode() == raw and stream.repairs == 0


@pytest.mark.parametrize(
    "junk",
    [
        "adgeagaegww",  # a real export's, typed before one of WordPress's comments
        "Notice: Undefined index: page in /var/www/wp-content/plugins/x.php on line 12\n",
        # the Equity theme framework's generator tag, printed into a real export before <rss>
        '<meta name="generator" content="Equity 1.5.10" />\n',
        '<meta name="generator"\n content="x">',
    ],
)
def test_text_between_the_declaration_and_the_root_is_dropped_but_its_newlines(junk):
    raw = (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<!-- generated by WordPress -->\n\n'
        f"{junk}<!-- 1. Log in to that site -->\n<?php-free ?>\n<rss>\n<a>x</a>\n</rss>\n"
    )
    stream = StrictXmlStream(io.BytesIO(raw.encode()), name="export.xml")
    out = b"".join(stream.chunks()).decode()
    assert junk.strip() not in out and "<!-- 1. Log in to that site -->" in out and "<?php-free ?>" in out
    assert out.count("\n") == raw.count("\n") and stream.repairs == 1
    assert out.splitlines().index("<a>x</a>") == raw.splitlines().index("<a>x</a>")


def test_a_prolog_of_space_and_comments_is_passed_on_as_it_is():
    raw = '<?xml version="1.0"?>\n<!-- a -->\n<?x y?>\n<rss>text & <b/></rss>\n'
    stream = StrictXmlStream(io.BytesIO(raw.encode()), name="export.xml")
    assert b"".join(stream.chunks()).decode() == raw.replace("& ", "&amp; ") and stream.repairs == 1


def test_a_doctype_after_prolog_text_is_still_refused():
    with pytest.raises(ConversionError, match="DOCTYPE"):
        repaired("<?xml version='1.0'?>\njunk\n<!DOCTYPE rss [<!ENTITY a 'b'>]>\n<rss/>")


def test_a_byte_order_mark_alone_is_no_repair():
    """A UTF-8 byte order mark before the declaration is legal XML: it was reported as repaired."""
    raw = '\ufeff<?xml version="1.0" encoding="UTF-8" ?>\n<rss>\n<a>x</a>\n</rss>\n'
    stream = StrictXmlStream(io.BytesIO(raw.encode()), name="export.xml")
    assert b"".join(stream.chunks()).decode() == raw
    assert stream.repairs == 0 and stream.describe() == ""


def test_what_was_repaired_is_told_by_kind_with_its_first_line():
    raw = '<?xml version="1.0"?>\n<rss>\n<a>Tom & Jerry</a>\n<b>x\x01\x02</b>\n<c>A & B</c>\n</rss>\n'
    stream = StrictXmlStream(io.BytesIO(raw.encode()), name="export.xml")
    b"".join(stream.chunks())
    assert stream.describe() == "2 raw '&' (the first on line 3), 2 control characters (the first on line 4)"
