"""`<pre>` and code blocks show exactly what WordPress showed once converted and built by Hugo, and
the rest of the markup that Markdown tends to flatten (sup/sub, footnotes, galleries) survives."""

import frontmatter
import pytest
from lxml import html as lxml_html

from chalicelib.wordpress import convert_export
from chalicelib.wordpress.fidelity import pre_blocks
from chalicelib.wordpress.wxr import ExportReader
from tests.functional.wordpress.exports import Post, write_export

PRE_CASES = {
    "blank-runs": "<pre>first\n\n\n\nafter three blank lines\n\n</pre>",
    "trailing-spaces": "<pre>two spaces  \ntab\t\n   \nend</pre>",
    "tabs": "<pre>\tindented\n\t\tmore\tinside</pre>",
    # Windows Live Writer's code plugin: one code shortcode in a <pre>, its markup double-escaped
    "shortcode-in-pre": (
        '<pre>[sourcecode language="xml"]\n&amp;lt;customUI onLoad="OnLoad"/&amp;gt;\n[/sourcecode]</pre>'
    ),
    "brackets": "<pre>[[ -f x ]] &amp;&amp; [[wiki link]] [[gallery]] [not-a-shortcode] a[i][j]</pre>",
    "entities": "<pre>&lt;div class=&quot;x&quot;&gt;&amp;nbsp;&#169;&lt;/div&gt; &amp;amp;</pre>",
    "hugo-looking": (
        "<pre>{{&lt; youtube abc &gt;}} {{% note %}} {{ .Title }} {{&lt;x&gt;}}\n{{&lt; a\n b &gt;}}</pre>"
    ),
    "markdown-looking": "<pre># not a heading\n* not a list\n1. nor this\n&gt; quote\n```\n_x_ **y**</pre>",
    "leading-newline": "<pre>\n\nstarts after one blank line</pre>",
    "br-and-spans": ('<pre class="lang-php"><span class="k">echo</span> 1;<br>echo <b>2</b>;<br />  </pre>'),
    "block-code": (
        '<!-- wp:code -->\n<pre class="wp-block-code"><code class="language-python">'
        "def f():\n\n\n    return 1  \n</code></pre>\n<!-- /wp:code -->"
    ),
    "in-list": "<ul><li>step<pre>a\n\n\n  b  </pre></li></ul>",
    "in-quote": "<blockquote><pre>q\n\n\nr </pre></blockquote>",
    "classic-paragraphs": "Intro line\n\n<pre>kept\n\n\nas is</pre>\n\nOutro",
}


# Hugo-looking text everywhere a converter puts user text: a [code] block, an unknown shortcode kept as
# written, a caption (a shortcode parameter, where Hugo has no escape) and a footnote-free paragraph.
HUGO_TEXT = (
    '[code lang="go"]t := `{{< hi >}}`[/code]\n\n[mystery a="{{&lt;b&gt;}}"]\n\n'
    '[caption id="c1" width="300"]<img src="https://old.example/wp-content/uploads/x.png" alt="A }} B"> '
    "Cap {{< x >}} tion[/caption]\n\nText {{% y %}} here"
)


# A code shortcode inside a quote (a security blog's epigraph, then its sample) and inside a list item:
# the block's lines after the first lost the quote's marks, the code fence ended at once, and the
# sample came out as text and raw HTML that Hugo omits.
CODE_IN_CONTAINERS = (
    '<blockquote><strong>Money</strong> <br><strong> - Bill\n</strong>\n[sourcecode language="php"]\n'
    "&lt;?php\n...snip...\n\ninclude '../config.inc.php';\n[/sourcecode]\n</blockquote>\n"
    '<ul><li>Step one:\n[code lang="bash"]\nls\n\ncd x\n[/code]\n</li><li>Step two</li></ul>'
)


def built_page(site, public, item_id):
    for index in (site / "content").rglob("*index.md"):
        if frontmatter.load(index).get("wordpress_id") == item_id:
            folder = index.parent.relative_to(site / "content")
            return (public / folder / "index.html").read_text()
    raise AssertionError(f"item {item_id} was not written")


@pytest.fixture(scope="module")
def pre_site(tmp_path_factory):
    from tests.functional.wordpress.conftest import build

    tmp = tmp_path_factory.mktemp("pre")
    posts = [Post(10 + n, name, content) for n, (name, content) in enumerate(PRE_CASES.items())]
    posts.append(Post(99, "hugo-text", HUGO_TEXT))
    posts.append(Post(98, "code-in-containers", CODE_IN_CONTAINERS))
    export = write_export(tmp / "export.xml", posts)
    site = tmp / "site"
    convert_export(export, site)
    return site, build(site, tmp), {p.slug: p for p in posts}


@pytest.mark.parametrize("name", sorted(PRE_CASES))
def test_pre_text_is_identical_after_hugo(pre_site, name):
    site, public, posts = pre_site
    post = posts[name]
    blocks = pre_blocks(post.content, built_page(site, public, post.id))
    assert blocks and all(b.identical for b in blocks), blocks


def test_the_measure_sees_a_changed_block():
    page = "<html><body><pre>a\n\nb</pre></body></html>"
    assert [b.identical for b in pre_blocks("<pre>a\n\n\nb</pre><pre>a\n\nb</pre>", page)] == [False, True]
    assert [b.identical for b in pre_blocks("<pre>x</pre><pre>x</pre>", "<pre>x\n</pre>")] == [True, False]
    assert pre_blocks("<p>no code</p>", "") == []
    # a <pre> that holds one code shortcode shows the plugin's code, not the shortcode's tags
    code = '<pre>[sourcecode language="csharp"]\nvar x = 1;\n[/sourcecode]</pre>'
    assert [b.identical for b in pre_blocks(code, "<pre><code>var x = 1;\n</code></pre>")] == [True]
    assert [b.identical for b in pre_blocks(code, "<pre><code>var x = 2;\n</code></pre>")] == [False]


def test_wptrt_pre_blocks_are_identical(wxr, tmp_path, hugo_build):
    export = wxr / "wptrt-themeunittestdata.wordpress.xml"
    site = tmp_path / "site"
    convert_export(export, site)
    public = hugo_build(site, tmp_path)
    checked = 0
    for item in ExportReader(export).items():
        if (
            item.type not in ("post", "page")
            or item.status != "publish"
            or item.password
            or "<pre" not in item.content
        ):
            continue
        blocks = pre_blocks(item.content, built_page(site, public, item.id))
        assert all(b.identical for b in blocks), (item.id, item.title, [b for b in blocks if not b.identical])
        checked += len(blocks)
    assert checked


def test_wptrt_block_galleries_and_untitled_menu_entries(wxr, tmp_path, hugo_build):
    export = wxr / "wptrt-themeunittestdata.wordpress.xml"
    site = tmp_path / "site"
    convert_export(export, site)
    public = hugo_build(site, tmp_path)
    items = {item.id: item for item in ExportReader(export).items()}
    galleries = 0
    for item in items.values():
        if item.status == "publish" and "wp-block-gallery" in item.content:
            html = built_page(site, public, item.id)
            expected = item.content.count('class="wp-block-gallery')
            assert html.count('<div class="wp-gallery ') == expected, item.title
            galleries += expected
    assert galleries >= 9
    config = (site / "hugo.toml").read_text()
    names = [line.split(" = ", 1)[1] for line in config.splitlines() if line.startswith("name = ")]
    untitled = [i for i in items.values() if i.type == "nav_menu_item" and not i.title]
    assert untitled and names
    # An untitled entry shows its page's or term's name, never a bare path or URL.
    assert not [n for n in names if n.strip('"').startswith(("/", "http"))]


def test_hugo_looking_text_outside_pre_is_shown_never_run(pre_site):
    site, public, _ = pre_site
    page = lxml_html.document_fromstring(built_page(site, public, 99))
    text = " ".join(page.text_content().replace("\u200b", "").split())
    for shown in ("t := `{{< hi >}}`", '[mystery a="{{<b>}}"]', "Cap {{< x >}} tion", "Text {{% y %}} here"):
        assert shown in text


def test_a_code_shortcode_in_a_quote_or_a_list_item_stays_inside_it(pre_site):
    site, public, _ = pre_site
    page = lxml_html.fromstring(built_page(site, public, 98))
    quoted = page.xpath("//blockquote//pre")
    listed = page.xpath("//li//pre")
    assert [pre.text_content() for pre in quoted] == ["<?php\n...snip...\n\ninclude '../config.inc.php';\n"]
    assert [pre.text_content() for pre in listed] == ["ls\n\ncd x\n"]
    assert "Step two" in page.xpath("//li")[-1].text_content()
