import io

import pytest

from chalicelib.errors import ConversionError
from chalicelib.wordpress.xmlrepair import StrictXmlStream


def repaired(text: str) -> str:
    stream = StrictXmlStream(io.BytesIO(text.encode()), name="export.xml")
    return b"".join(stream.chunks()).decode()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<a>x & y</a>", "<a>x &amp; y</a>"),
        ("<a href='?a=1&b=2'/>", "<a href='?a=1&amp;b=2'/>"),
        ("<a>&amp; &lt; &#169; &#x20AC;</a>", "<a>&amp; &lt; &#169; &#x20AC;</a>"),
        ("<a>&nbsp;</a>", "<a>&amp;nbsp;</a>"),
        ("<a><![CDATA[a & b]]></a>", "<a><![CDATA[a & b]]></a>"),
        ("<a><![CDATA[x ]]> y]]></a>", "<a><![CDATA[x ]]]]><![CDATA[> y]]></a>"),
        ("<a><![CDATA[x ]]]]><![CDATA[> y]]></a>", "<a><![CDATA[x ]]]]><![CDATA[> y]]></a>"),
        ("<!-- a & b --><a/>", "<!-- a & b --><a/>"),
    ],
)
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
