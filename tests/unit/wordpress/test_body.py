import pytest

from chalicelib.wordpress.html import BodyContext, convert_body, wpautop
from chalicelib.wordpress.mdinline import escape_hugo_shortcodes
from chalicelib.wordpress.options import DEFAULT_IFRAME_HOSTS
from chalicelib.wordpress.shortcodes import GalleryImage

OLD = "https://old.example"


def rewrite(url: str) -> str:
    return url.removeprefix(OLD) if url.startswith(OLD) else url


def body(html: str, *, strip: bool = True, gallery=None) -> tuple[str, list, list]:
    warnings: list[tuple[str, str]] = []
    result = convert_body(
        html,
        BodyContext(
            rewrite_url=rewrite,
            gallery_images=gallery or (lambda ids: []),
            warn=lambda code, message: warnings.append((code, message)),
            iframe_hosts=("youtube.com", "player.vimeo.com"),
            strip=strip,
        ),
    )
    return result.markdown, result.findings, warnings


def test_wpautop_makes_paragraphs_and_line_breaks():
    assert wpautop("one\ntwo\n\nthree") == "<p>one<br />\ntwo</p>\n\n<p>three</p>"


def test_a_newline_after_a_line_break_is_no_second_break():
    """WordPress makes a newline a line break only where no `<br>` is already: a theme demo's address
    (`<strong>Icelander</strong><br />` then a newline) showed a blank line between each of its lines,
    and a blog's `<br><br>` then CRLF three breaks."""
    assert wpautop("line1<br />\nline2\n\nPara two") == "<p>line1<br />\nline2</p>\n\n<p>Para two</p>"
    assert wpautop("<address>Icelander<br/>\nStreet 123<BR>\nTown</address>") == (
        "<address>Icelander<br />\nStreet 123<br />\nTown</address>"
    )
    markdown, _, _ = body("From here<br><br>\r\nTo there")
    assert markdown.strip() == "From here\\\n\\\nTo there"


def test_wpautop_leaves_preformatted_text_alone():
    assert "<pre>a\n\n  b</pre>" in wpautop("x\n<pre>a\n\n  b</pre>")


def test_wpautop_keeps_newlines_inside_a_tag_out_of_its_rules():
    # A tag written over several lines (Squarespace's image blocks), even over a blank line, stays one tag.
    html = '<div class="image"\n  data-x="1">\n<img class="thumb"\n  data-src="/a.jpg"\n\n  alt="A">\n</div>'
    assert wpautop(html) == html  # one block: kept as it is, its tags whole
    assert wpautop("one <b\nclass=x>two</b>\nthree") == "<p>one <b\nclass=x>two</b><br />\nthree</p>"
    assert wpautop("a <!-- note\nmore -->\nb") == "<p>a <!-- note\nmore --><br />\nb</p>"
    assert wpautop("1 < 2\nand 3 > 2") == "<p>1 < 2<br />\nand 3 > 2</p>"  # no tag: text


def test_wpautop_reads_a_body_of_unclosed_tags_in_one_pass():
    # Hostile: tags and comments that never close; each look stops at the next "<" (linear, not n^2).
    for body_text, lines in (("<a\n" * 50_000, 50_000), ("<!--\n" * 50_000, 50_000)):
        result = wpautop(body_text)
        assert result.startswith("<p>") and result.count("<br />") == lines - 1


def test_a_lazy_image_written_over_several_lines_is_one_image():
    html = (
        '<figure class="sqs-block-image-figure">\n  <a href="https://elsewhere.example/">\n'
        '    <noscript><img src="https://img.example/p.jpg" /></noscript>\n'
        '    <img class="thumb-image"\n      data-src="https://img.example/p.jpg"\n'
        '      data-image-dimensions="2765x2081"\n      alt="Pumpkin">\n  </a>\n</figure>\n<p>Text.</p>'
    )
    markdown, _, _ = body(html)
    assert "data-src" not in markdown and "data-image" not in markdown
    # the <noscript> copy before it is the same image: one image, linked as the block linked it
    assert markdown.split("\n\n")[0] == "[![Pumpkin](https://img.example/p.jpg)](https://elsewhere.example/)"
    assert markdown.rstrip().endswith("Text.")


def test_a_noscript_before_an_image_that_shows_another_image_is_kept():
    html = '<noscript><img src="https://img.example/other.jpg"></noscript><img data-src="https://img.example/p.jpg">'
    markdown, _, _ = body(html)
    assert "other.jpg" in markdown and "p.jpg" in markdown


def test_a_link_around_blocks_is_one_link_of_their_text():
    # block editor content (no paragraph rules): a custom HTML block's linked card
    html = (
        '<!-- wp:html --><a href="https://elsewhere.example/">'
        "<div><h3>Title</h3><p>Line one<br>two</p></div></a>"
        "<!-- /wp:html --><!-- wp:paragraph --><p>After</p><!-- /wp:paragraph -->"
    )
    markdown, _, _ = body(html)
    assert markdown == "[Title Line one two](https://elsewhere.example/)\n\nAfter\n"


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<h2>Title</h2>", "## Title"),
        ("<ul><li>a</li><li>b</li></ul>", "- a\n- b"),
        ("<ol><li>a</li><li>b</li></ol>", "1. a\n2. b"),
        ("<blockquote>quoted</blockquote>", "> quoted"),
        ("<strong>bold</strong> and <em>it</em>", "**bold** and *it*"),
        ('<pre><code class="language-python">x = 1</code></pre>', "```python\nx = 1\n```"),
        ("<table><tr><th>A</th></tr><tr><td>1</td></tr></table>", "| A |\n| --- |\n| 1 |"),
    ],
)
def test_keeps_structure(html, markdown):
    assert markdown in body(html)[0]


def test_block_editor_comments_go_and_their_content_stays():
    markdown = body("<!-- wp:paragraph -->\n<p>Hello</p>\n<!-- /wp:paragraph -->")[0]
    assert markdown == "Hello\n"


def test_more_becomes_the_hugo_summary_divider():
    assert "first\n\n<!--more-->\n\nsecond" in body("first\n<!--more-->\nsecond")[0]


def test_caption_becomes_the_theme_caption_with_local_image():
    html = (
        f'[caption id="a1" align="alignleft" width="300"]<a href="{OLD}/x/"><img src="{OLD}'
        '/wp-content/uploads/2025/03/a.png" alt="Alt" /></a> The caption[/caption]'
    )
    markdown = body(html)[0]
    assert '{{< caption src="/wp-content/uploads/2025/03/a.png" alt="Alt" link="/x/" ' in markdown
    assert 'caption="The caption"' in markdown


def test_gallery_lists_its_images():
    images = lambda ids: [GalleryImage(f"/wp-content/uploads/{i}.png", f"alt {i}") for i in ids]  # noqa: E731
    markdown = body('[gallery ids="1,2" columns="2"]', gallery=images)[0]
    assert markdown.startswith('{{< gallery columns="2" >}}\n/wp-content/uploads/1.png | alt 1 | ')
    assert markdown.rstrip().endswith("{{< /gallery >}}")


def test_a_jetpack_slideshow_is_its_images_as_a_gallery():
    # WordPress.com's [slideshow] shows the post's images one at a time: they were kept as text.
    attached = lambda ids: [GalleryImage(f"/wp-content/uploads/{i}.png", f"alt {i}") for i in ids or [7, 8]]  # noqa: E731
    for html in ("[slideshow]", '[slideshow ids="7,8"]'):
        markdown = body(html, gallery=attached)[0]
        assert markdown.startswith('{{< gallery columns="3" >}}\n/wp-content/uploads/7.png | alt 7 | ')


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '[audio mp3="https://old.example/wp-content/uploads/a.mp3"]',
            '{{< audio src="/wp-content/uploads/a.mp3" type="audio/mpeg" />}}',
        ),
        (
            '[video src="https://old.example/v.mp4" poster="https://old.example/p.png"]',
            '{{< video src="/v.mp4" type="video/mp4" poster="/p.png" />}}',
        ),
        (
            "[embed]https://www.youtube.com/watch?v=dQw4w9WgXcQ[/embed]",
            'player="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"',
        ),
        ("https://vimeo.com/123456", 'player="https://player.vimeo.com/video/123456"'),
        (
            '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>',
            '{{< embed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ" provider="youtube"',
        ),
        ('[code lang="php"]<?php echo "a &lt; b"; ?>[/code]', '```php\n<?php echo "a < b"; ?>\n```'),
    ],
)
def test_media_and_code_shortcodes_become_hugo_shortcodes(html, expected):
    assert expected in body(html)[0]


def test_unknown_shortcode_is_kept_verbatim_and_reported():
    markdown, _, warnings = body('Before [booking_calendar id="5" title="Rooms"] after')
    assert '[booking_calendar id="5" title="Rooms"]' in markdown  # text, shown as written
    assert warnings[0][0] == "unknown-shortcode"


def test_bracketed_text_is_not_a_shortcode():
    markdown, _, warnings = body("A footnote [1] and [sic].")
    assert "[1]" in markdown and warnings == []


def test_links_to_the_old_site_are_rewritten():
    assert "[there](/about/)" in body(f'<a href="{OLD}/about/">there</a>')[0]


@pytest.mark.parametrize(
    ("html", "kind", "left_over"),
    [
        ("ok<script>alert(1)</script>", "script", "alert"),
        ('ok<iframe src="https://evil.example/x" width="1" height="1"></iframe>', "iframe", "evil"),
        ('ok<iframe src="https://evil.example/x" style="display: none"></iframe>', "iframe", "evil"),
        ('ok<iframe src="https://evil.example/x" style="height:0;width:0"></iframe>', "iframe", "evil"),
        ('ok<iframe src="http://203.0.113.9/x" width="600" height="400"></iframe>', "iframe", "203.0"),
        ('ok<iframe src="//evil.example/x" hidden></iframe>', "iframe", "evil"),
        ('ok<div style="display:none"><a href="https://spam.example">cheap</a></div>', "hidden-link", "spam"),
        ('<a href="#" onclick="steal()">ok</a>', "event-handler", "steal"),
        ("<p>ok</p><p>eval(base64_decode('aGVsbG8='))</p>", "payload", "eval"),
        (
            '<a href="https://a.example">viagra</a> <a href="https://b.example">casino</a> ok',
            "spam-links",
            "viagra",
        ),
    ],
)
def test_injected_content_is_stripped_and_reported(html, kind, left_over):
    markdown, findings, _ = body(html)
    assert kind in [f.kind for f in findings]
    assert left_over not in markdown
    assert "ok" in markdown


def test_a_sentence_that_names_a_payloads_call_is_prose_and_kept():
    # A security blog explains an XSS: the call is named in a sentence, not injected.
    text = (
        "The attacker supplied values are then used in a document.write() statement, giving the "
        "attacker control of the page."
    )
    markdown, findings, _ = body(f"<p>{text}</p><p>eval(base64_decode('aGVsbG8='))</p>")
    assert "used in a document.write() statement, giving" in markdown
    assert "base64_decode" not in markdown  # code alone is still a payload
    assert [f.kind for f in findings] == ["payload"]


def test_report_only_policy_keeps_the_content():
    markdown, findings, _ = body("ok eval(base64_decode('aGVsbG8='))", strip=False)
    assert findings and "eval(base64_decode(" in markdown


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        # A security blog's samples (spotthevuln.com's export): code on a variable, PHP written out.
        (
            "<blockquote>function comment_text_phpfilter($filterdata) {\neval($filterdata);\n}</blockquote>",
            "eval($filterdata);",
        ),
        ("<p>eval($filterdata);</p>", "eval($filterdata);"),
        (
            '<p>&lt;a href="http://www.google.com/search?q=&lt;?php echo $searchword; ?&gt;"&gt;</p>',
            "<?php echo $searchword; ?>",
        ),
        ('<p>document.write("&lt;scr"+"ipt src=x&gt;");</p>', 'document.write("<scr"+"ipt src=x>");'),
        # A payload the author quoted is the author's: kept where set apart.
        ("<blockquote>eval(base64_decode('aGVsbG8='));</blockquote>", "eval(base64_decode('aGVsbG8='));"),
        ("<p>Run <kbd>eval(atob('aGk='))</kbd> in the console.</p>", "eval(atob('aGk='))"),
    ],
)
def test_code_an_author_wrote_as_text_is_kept(html, kept):
    markdown, findings, _ = body(html)
    assert findings == []
    assert kept in markdown.replace("\\", "").replace("&lt;", "<").replace("&gt;", ">")


@pytest.mark.parametrize(
    "payload",
    [
        "eval(base64_decode('aWYoIWlzc2V0KCRHTE9CQUxTWyJceDYxXDE1Nlx4NjgiXSkpIHsg'));",
        "eval(gzinflate(str_rot13(base64_decode('rUl6QttJDP2aQs4'))));",
        "document.write(unescape('%3Cscript%20src%3D%22http%3A//evil.example/x.js%22%3E'));",
        "eval(function(p,a,c,k,e,d){e=function(c){return c};return p}('0 1',2,2,'a|b'.split('|'),0,{}))",
        "var s = String.fromCharCode(60, 115, 99, 114, 105, 112, 116, 62);",
        "x" + "QUJDRA" * 60,
    ],
)
def test_obfuscated_code_left_in_the_text_is_stripped(payload):
    markdown, findings, _ = body(f"<p>ok</p><p>{payload}</p>")
    assert [f.kind for f in findings] == ["payload"]
    assert markdown.strip() == "ok"


def test_code_that_shows_eval_is_not_a_payload():
    assert body("<pre><code>eval(x)</code></pre>")[1] == []


def test_hugo_shortcodes_written_in_a_post_are_shown_not_run():
    markdown = body("<p>Write {{< youtube abc >}} in Hugo.</p>")[0]
    # As text, the opening's "<" is escaped (Hugo does not see a shortcode; Markdown shows "<").
    assert "{{\\< youtube abc >}}" in markdown


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("{{% note %}}", "{{%/* note */%}}"),
        # Another opening inside, the other kind of end, or a "*/" inside: no comment form would hold
        # them (Hugo failed the build with "comment must be closed"), so the opening is broken.
        ("{{%{{< x >}}", "{ {%{{</* x */>}}"),
        ("{{< x %}}", "{ {< x %}}"),
        ("{{< a */ b >}}", "{ {< a */ b >}}"),
        ("a {{< b", "a { {< b"),
    ],
)
def test_text_that_only_half_looks_like_a_shortcode_is_never_run_or_misread(text: str, markdown: str) -> None:
    assert escape_hugo_shortcodes(text) == markdown


def test_an_unknown_enclosing_shortcode_keeps_its_tags_as_text_and_its_content_converted():
    markdown, _, warnings = body(
        '[my_widget size="2"]<p>Inside a <strong>widget</strong> with [caption width="30"]'
        '<img src="https://old.example/a.jpg" alt="A"> An A[/caption]</p>[/my_widget]'
    )
    assert '[my_widget size="2"]' in markdown and "[/my_widget]" in markdown
    assert "Inside a **widget**" in markdown
    assert '{{< caption src="/a.jpg" alt="A" caption="An A"' in markdown
    assert [code for code, _ in warnings] == ["unknown-shortcode"]


@pytest.mark.parametrize(
    "frame",
    [
        # CodePen's and Datawrapper's own embed codes, and a form service's
        '<iframe height="300" style="width: 100%;" scrolling="no" title="Pen" '
        'src="https://codepen.io/team/codepen/embed/PNaGbb?default-tab=result" frameborder="no"></iframe>',
        '<iframe title="Chart" src="https://datawrapper.dwcdn.net/abc/1/" scrolling="no" frameborder="0" '
        'style="width: 0; min-width: 100% !important; border: none;" height="400"></iframe>',
        '<iframe src="https://form.typeform.com/to/abc" width="100%" height="500"></iframe>',
    ],
)
def test_a_visible_embed_of_another_host_is_a_link_not_hacked_content(frame):
    warnings: list[tuple[str, str]] = []
    result = convert_body(
        f"<p>Before</p>{frame}<p>After</p>",
        BodyContext(
            rewrite_url=lambda url: url,
            gallery_images=lambda ids: [],
            warn=lambda code, message: warnings.append((code, message)),
            iframe_hosts=DEFAULT_IFRAME_HOSTS,
        ),
    )
    assert result.findings == []
    assert '{{< embed url="https://' in result.markdown and "After" in result.markdown
    assert [code for code, _ in warnings] == ["embed-link"]


@pytest.mark.parametrize(
    "html",
    [
        '<blockquote class="wp-block-quote"><p>Said</p><cite>Someone</cite></blockquote>',  # blocks
        "<blockquote>Said\n\n<cite>Someone</cite></blockquote>",  # classic, through wpautop
    ],
)
def test_a_quotes_paragraphs_are_one_blank_quoted_line_apart(html):
    from tests.unit.wordpress.bodies import markdown_of

    assert markdown_of(html) == "> Said\n>\n> *Someone*\n"


def test_a_details_block_is_its_content_between_the_details_shortcodes():
    markdown, _, _ = body(
        '<p>Before</p><details class="wp-block-details" open>lead <summary>Ask "me" <b>x</b></summary>'
        "<p>Said</p><details><p>deep</p></details></details>tail"
    )
    assert markdown == (
        'Before\n\n{{< details-open summary=`Ask "me" **x**` open="true" >}}\n\nlead\n\nSaid\n\n'
        "{{< details-open >}}\n\ndeep\n\n{{< details-close >}}\n\n{{< details-close >}}\n\ntail\n"
    )


def test_emoji_and_smiley_pictures_become_the_characters_they_picture():
    markdown, _, _ = body(
        '<p>Happy <img class="emoji" role="img" alt="😀" src="https://s.w.org/images/core/emoji/15.0.3/svg/'
        '1f600.svg"> day <img src="https://old.example/wp-includes/images/smilies/icon_smile.gif" alt=":)"'
        ' class="wp-smiley" style="height: 1em">! <img src="https://old.example/wp-content/uploads/a.png"'
        ' alt="A picture"></p>'
    )
    assert markdown == "Happy 😀 day :)! ![A picture](/wp-content/uploads/a.png)\n"


def test_shortcode_parameters_reach_the_template_as_written():
    # Hugo keeps a double-quoted value's backslashes unless it holds an escaped quote, when it reads
    # them all as escapes: a caption with a quote is a raw string, one without keeps its escapes.
    markdown = body(
        '[caption id="a" width="9"]<img src="https://old.example/wp-content/uploads/a.png" alt="A">'
        ' my_file say &quot;hi&quot; C:\\dir[/caption][caption id="b" width="9"]'
        '<img src="https://old.example/wp-content/uploads/b.png" alt="C:\\b"> 2*3*4[/caption]'
    )[0]
    assert 'caption=`my_file say "hi" C:\\dir`' in markdown
    assert 'alt="C:\\b" caption="2\\*3\\*4"' in markdown


def test_a_captioned_block_image_is_the_caption_shortcode():
    markdown = body(
        '<!-- wp:image {"id":5} --><figure class="wp-block-image size-large aligncenter">'
        '<a href="https://old.example/wp-content/uploads/big.jpg"><img src="https://old.example/wp-content/'
        'uploads/a.jpg" alt="Alt" width="640"/></a><figcaption class="wp-element-caption">Cap <em>it</em>'
        "</figcaption></figure><!-- /wp:image -->"
        '<figure class="wp-block-video"><video src="https://old.example/v.mp4"></video><figcaption>Vid'
        "</figcaption></figure>"
    )[0]
    assert markdown.startswith(
        '{{< caption src="/wp-content/uploads/a.jpg" alt="Alt" link="/wp-content/uploads/big.jpg" '
        'caption="Cap *it*" class="aligncenter" width="640" >}}\n'
    )
    assert "Vid" in markdown and markdown.count("caption src") == 1  # a player's figure is left alone


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        # WordPress's wpautop breaks the lines of an existing paragraph too: a list of addresses
        ("<h1>Sources</h1>\n<p>http://a.example/one\nhttp://b.example/two</p>", "http://a.example/one\\\n"),
        ("<ul>\n<li>first line\nsecond line</li>\n</ul>", "- first line\\\n"),
        # but not next to a block's own tags, nor in a layout block's indentation
        ("<blockquote>\nquote text\n</blockquote>", "> quote text\n"),
        ("<div>\n<img src='https://img.example/a.png' alt='A'>\n</div>", "![A](https://img.example/a.png)\n"),
    ],
)
def test_newlines_inside_a_block_of_text_are_line_breaks_as_in_wordpress(html, markdown):
    assert markdown in body(html)[0]


def test_an_image_in_a_pre_is_kept_as_a_paragraph():
    # Windows Live Writer wrapped each paragraph of a post in a <pre>, images included: as a code
    # block the image was text, and gone.
    html = (
        '<pre><a href="https://img.example/capture.png"><img title="Capture" '
        'src="https://img.example/capture_thumb.png" alt="Capture" /></a></pre>\n<pre>So it was</pre>'
    )
    markdown, _, _ = body(html)
    assert markdown == (
        '[![Capture](https://img.example/capture_thumb.png "Capture")](https://img.example/capture.png)'
        "\n\n```\nSo it was\n```\n"
    )


@pytest.mark.parametrize(
    "code",
    [
        'var a = 1;\nvar b = "<img src=x.png />";\nvar c = 3;',
        # a real post's jQuery (bmisljen's blog): HTML built in strings, images and blocks alike
        "function f(user) {\n var li = $(\n '<div class=\"image\">' +\n '<img src=' + imgg + ' />' +\n"
        " '</div>');\n return li;\n}",
        "x = '<img src=a.png>' + <b>name</b>",  # one line: an image tag right after a quote is a string's
    ],
)
def test_html_written_in_codes_strings_stays_the_codes_text(code):
    # Unescaped, the parser read `<img>` as an image: the code block became one paragraph, its quotes
    # curled and its string an image.
    markdown, _, _ = body(f"<pre>{code}</pre>\n<p>After.</p>")
    shown = code.replace("<b>", "").replace("</b>", "")  # a highlighter's markup stays markup
    assert markdown == f"```\n{shown}\n```\n\nAfter.\n"


def test_what_a_dl_shows_besides_terms_and_definitions_is_kept_in_its_place():
    # An Elementor demo's gallery page (micare's demo content) is six <dl class=gallery-item><a><img>
    # with no <dt>: every image was dropped, and nothing said so.
    items = "".join(
        f"<dl class='gallery-item'><a href='{OLD}/wp-content/uploads/{n}.jpg'>"
        f"<img src='{OLD}/wp-content/uploads/{n}.jpg' alt='photo {n}'/></a></dl>"
        for n in (1, 2)
    )
    markdown, _, warnings = body(items + "<p>After.</p>")
    assert "[![photo 1](/wp-content/uploads/1.jpg)](/wp-content/uploads/1.jpg)" in markdown
    assert "[![photo 2](/wp-content/uploads/2.jpg)](/wp-content/uploads/2.jpg)" in markdown
    assert markdown.rstrip().endswith("After.") and warnings == []
    # Text between terms stays between them, as a paragraph; a plain list is as it was.
    mixed = body("<dl>Intro <b>text</b><dt>T1</dt><dd>D1</dd>loose<dt>T2</dt><dd>D2</dd></dl>")[0]
    assert mixed == "Intro **text**\n\nT1\n:   D1\n\nloose\n\nT2\n:   D2\n"
    assert body("<dl>\n<dt>Term</dt>\n<dd>Def</dd>\n</dl>")[0] == "Term\n:   Def\n"


def test_a_definition_holding_a_code_block_keeps_its_lines():
    # An online judge's problem, as a blog copied it: sample input and output in <dd><pre>. The
    # definition was written on one line, the code as an inline span: "``` 1 2 3 -1 ```".
    html = (
        "<dl><dt><code><b>Input:</b></code></dt><dd>\n<pre><code>1\n2\n\n-1\n</code></pre>\n</dd></dl>"
        "<dl><dt>Output:</dt><dd>\n<pre><code>5\n4</code></pre>\n</dd></dl><p>after</p>"
    )
    assert body(html)[0] == (
        "`Input:`\n:   ```\n    1\n    2\n\n    -1\n    ```\n\n"
        "Output:\n:   ```\n    5\n    4\n    ```\n\nafter\n"
    )


def test_a_table_of_multi_line_code_samples_keeps_their_lines():
    # An online judge's samples in a table: a Markdown cell holds one line, and the samples' lines
    # ran together ("``` 8 2 0 1 6 2 ```"). Row by row, each column's name is the term of its cell.
    html = (
        '<table border="1"><thead><tr><th><p>bomb.in</p></th><th><p>bomb.out</p></th></tr></thead>'
        "<tbody><tr><td><pre>8 2\n0 1</pre></td><td><pre>202</pre></td></tr></tbody></table><p>Hint</p>"
    )
    assert (
        body(html)[0]
        == "bomb.in\n:   ```\n    8 2\n    0 1\n    ```\n\nbomb.out\n:   ```\n    202\n    ```\n\nHint\n"
    )
    # a table of one-line cells stays a table
    assert body("<table><tr><th>a</th></tr><tr><td><pre>1</pre></td></tr></table>")[0].startswith("| a |")


def test_a_highlighters_gutter_of_line_numbers_is_left_out():
    # WP-Syntax's table: the line numbers in a cell beside the code came out as a code block of 1 to 74.
    html = (
        '<table><tr><td class="line_numbers"><pre>1\n2\n3\n</pre></td>'
        '<td class="code"><pre class="bash">#!/bin/sh\necho hi\nexit 0</pre></td></tr></table>'
    )
    assert body(html)[0] == "```bash\n#!/bin/sh\necho hi\nexit 0\n```\n"


def test_a_post_inside_a_browser_plugins_embed_keeps_its_text():
    # A download manager's browser plugin (Xunlei Thunder) wrote `<embed ...>` into the editor around a
    # whole post. <embed> is void: a browser shows what follows it; libxml2 read it as the embed's
    # content, and the post was stripped with the plugin tag, body and all.
    html = (
        '<p><embed height="0" id="thunder_helper" type="application/thunder_download_plugin" width="0">'
        "Back again.<br />\n</embed></p>\n"
        '<p><embed height="0" type="application/thunder_download_plugin" width="0">\n'
        "<p>First I searched:</p>\n<pre>find -name &quot;*.js&quot;</pre>\n"
        '<p><img alt="Result" src="https://old.example/a.png" /></p></embed></p>'
        "<p>Then a <wbr>long <b>word</b>.</p>"
    )
    markdown = body(html)[0]
    assert "Back again." in markdown and "First I searched:" in markdown
    assert '```\nfind -name "*.js"\n```' in markdown and "![Result](/a.png)" in markdown
    assert "Then a long **word**." in markdown


def test_a_drawing_written_into_a_post_is_named_as_left_out():
    # A post's inline <svg> animation (the scripts and handlers around it stripped as ever): Hugo's
    # Markdown cannot hold it, and it used to vanish without a word.
    html = (
        '<p>Result:</p><p class="img-holder"><svg width="600"><path d="M 1,2 L 3,4">'
        '<animate dur="2s" attributeName="d" values="M 1,2; M 3,4"/></path><svg><rect/></svg></svg></p>'
        '<canvas id="c"></canvas><p>Done.</p>'
    )
    markdown, _, warnings = body(html)
    assert "Result:" in markdown and "Done." in markdown
    assert warnings == [
        (
            "drawing-not-kept",
            "2 drawings written into the post (<canvas>, <svg>) cannot be Markdown and are left out; "
            "save each as an image file and add that instead",
        )
    ]
    assert body("<p>No drawing, only the word svg and <code>&lt;svg&gt;</code>.</p>")[2] == []


def test_an_icon_hidden_from_screen_readers_is_decoration_left_out_unreported():
    # A page builder's list with a check-mark icon per item, and the logos beside a contact page's
    # "Facebook": marked aria-hidden by their authors, they are no content of the post.
    html = (
        '<ul class="kt-svg-icon-list"><li><div class="icon"><svg aria-hidden="true" viewbox="0 0 24 24">'
        '<path d="M22 11"></path></svg></div><span><a href="/heart/">A healthy heart</a></span></li>'
        '<li><span aria-hidden="true"><svg viewBox="0 0 5 5"><path d="M0 0"/></svg></span>Facebook</li>'
        '<li><svg role="presentation"><path d="M0 0"/></svg>Email</li>'
        '<li><div aria-hidden="true"><span role="presentation"><svg><path d="M0 0"/></svg></span></div>'
        "X</li></ul>"
    )
    markdown, _, warnings = body(html)
    assert "[A healthy heart](/heart/)" in markdown and "Facebook" in markdown and "Email" in markdown
    assert warnings == []
    # A drawing shown to every reader is still named.
    named = body('<p><svg role="img" aria-label="Sales by year"><rect/></svg></p>')[2]
    assert [code for code, _ in named] == ["drawing-not-kept"]


def test_markup_inside_a_server_highlighted_pre_is_code():
    # WP-Syntax reads a <pre lang="..."> as code on the server: a login page's sample holds </form>,
    # a <script> and </body>, which ended the block and left the rest as escaped text.
    html = (
        '<p>Look:</p>\n<code>\n<pre lang="java">   \n  /**\n  * a &lt;b&gt; tag\n  */\n'
        '<form action="/login">\n<script>\nfocus();\n</script>\n</form>\n</body>\n</html>\n'
        "</pre>\ufeff</code><p>After.</p>"
    )
    markdown, findings, _ = body(html)
    assert (
        '```java\n   \n  /**\n  * a <b> tag\n  */\n<form action="/login">\n<script>\nfocus();\n</script>\n'
        "</form>\n</body>\n</html>\n```" in markdown
    )
    assert markdown.rstrip().endswith("After.") and not findings


def test_codecolorers_code_lang_is_its_code_as_typed():
    # CodeColorer's <code lang="php"> (spotthevuln.com's export): the sample's <?php, <form> and
    # echo '<b>' were parsed as markup, cut as injected content, and the rest run into one line.
    block = (
        "<p>Before.</p>\n<code lang=\"PHP\">\n<?php if ($a < 3) { echo '<b>hi</b>'; } ?>\n"
        '<form action="x"><input name="q" onclick="go()"></form>\n</code>\n<p>After.</p>'
    )
    markdown, findings, _ = body(block)
    assert (
        "```php\n<?php if ($a < 3) { echo '<b>hi</b>'; } ?>\n"
        '<form action="x"><input name="q" onclick="go()"></form>\n```' in markdown
    )
    assert markdown.startswith("Before.") and markdown.rstrip().endswith("After.") and not findings
    # One line is inline code; escaped="true" code is read as written; one inside a <pre> is the <pre>'s.
    assert body('<p>Call <code lang="php">strlen($s) < 3</code>.</p>')[0] == "Call `strlen($s) < 3`.\n"
    escaped = body('<code lang="html" escaped="true">&lt;div&gt;\n  &amp;amp;\n&lt;/div&gt;</code>')[0]
    assert escaped == "```html\n<div>\n  &amp;\n</div>\n```\n"
    assert body('<pre lang="php"><code lang="php">a\nb</code></pre>')[0] == "```php\na\nb\n```\n"


def test_a_line_break_at_the_end_of_a_link_does_not_escape_its_bracket():
    # `<a><img />\n</a>`: wpautop's <br /> before </a> ended the link text with a backslash, which
    # escaped the `]`: the image was shown as text.
    html = (
        'Text\n<a href="https://old.example/a.jpg" title="a.jpg"><img src="https://old.example/a.thumbnail.jpg"'
        ' alt="a.jpg" />\n</a>\nMore text.'
    )
    markdown = body(html)[0]
    assert '[![a.jpg](/a.thumbnail.jpg)](/a.jpg "a.jpg")' in markdown and "\\]" not in markdown


def test_microdata_in_a_product_card_is_no_injected_content():
    """An Elementor shop page's cards carry `<meta itemprop>` and `<link itemprop>` for search engines:
    48 `stripped-content` warnings for markup no one sees; one that refreshes the page still counts."""
    markdown, findings, _ = body(
        '<div itemscope><p>Lamp</p><meta itemprop="priceCurrency" content="USD"/>'
        '<link itemprop="availability" href="https://schema.org/InStock"/></div>'
    )
    assert markdown.strip() == "Lamp" and findings == []
    _, findings, _ = body(
        '<p>Lamp</p><meta itemprop="x" http-equiv="refresh" content="0;url=https://evil.example/">'
    )
    assert [f.kind for f in findings] == ["meta"]


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        (  # the block editor's image, aligned, no caption (the theme test data's "Image Alignment")
            '<figure class="wp-block-image alignleft"><img src="https://old.example/a-150x150.jpg" alt="A"/>'
            "</figure><p>Text wraps.</p>",
            '{{< caption src="/a-150x150.jpg" alt="A" class="alignleft" >}}\n\nText wraps.',
        ),
        (  # the classic editor's, at the start of the text that wraps around it (a theme demo's)
            '<img class="alignright wp-image-649" src="https://old.example/p.jpg" width="420" height="420" />'
            "Lorem ipsum.",
            '{{< caption src="/p.jpg" class="alignright" width="420" >}}Lorem ipsum.',
        ),
        (
            '<p><a href="https://old.example/big.jpg"><img class="aligncenter" src="https://old.example/c.jpg"></a></p>',
            '{{< caption src="/c.jpg" link="/big.jpg" class="aligncenter" >}}',
        ),
        ('<p>Plain <img src="https://old.example/x.jpg"> image</p>', "Plain ![](/x.jpg) image"),
    ],
)
def test_an_aligned_image_without_a_caption_keeps_its_alignment(html, markdown):
    """Only captioned images kept `alignleft`/`alignright`: as Markdown alone, an aligned picture lost
    its float and the text no longer wrapped around it."""
    assert body(html)[0].strip() == markdown


def test_a_forms_controls_are_their_text_and_a_link_beside_them_stays_a_link():
    """An Elementor shop page: a label beside a link sent the whole body to the slow writer, which
    wrote the link's line breaks as `[\\` ... `\\](#)` (no link, its brackets as text), and its "Sort by"
    drop-down as every option run together."""
    markdown, _, _ = body('<label>L</label> Total\n<a href="https://x.test/">\nBUY NOW\n</a>')
    assert markdown.strip() == "L Total\\\n[BUY NOW](https://x.test/)"
    markdown, _, _ = body(
        "<p>Sort: <select><option>By price</option><option selected>By title</option></select>"
        ' Total <input type="text" name="q"><input type="button" value="Go"></p>'
    )
    assert " ".join(markdown.split()) == "Sort: By title Total Go"


@pytest.mark.parametrize(
    ("block", "fence"),
    [
        (
            '<!-- wp:syntaxhighlighter/code {"language":"python"} -->\n'
            '<pre class="wp-block-syntaxhighlighter-code">print(1)</pre>\n'
            "<!-- /wp:syntaxhighlighter/code -->",
            "```python\nprint(1)\n```",
        ),
        (
            '<!-- wp:codemirror-blocks/code-block {"mode":"shell","mime":"text/x-sh"} -->\n'
            '<div class="wp-block-codemirror-blocks-code-block code-block"><pre>ls -l</pre></div>\n'
            "<!-- /wp:codemirror-blocks/code-block -->",
            "```bash\nls -l\n```",  # Chroma's name for it
        ),
        (
            '<!-- wp:simple-code-block/ace {"allowCopy":true} -->\n'
            '<div class="wp-block-simple-code-block-ace">'
            '<pre class="wp-block-simple-code-block-ace" data-mode="sh">set x=1</pre></div>\n'
            "<!-- /wp:simple-code-block/ace -->",
            "```sh\nset x=1\n```",
        ),
    ],
)
def test_a_code_block_plugins_language_reaches_the_fence(block, fence):
    """The plugins keep the language in the block's settings (or a data-mode), not in its HTML: the
    fences of 49 blocks in two real exports named none."""
    assert fence in body(f"<!-- wp:paragraph -->\n<p>Run:</p>\n<!-- /wp:paragraph -->\n{block}")[0]


def test_a_themes_spacing_and_divider_shortcodes_leave_no_code_on_the_page():
    markdown, _, warnings = body(
        '<p>Intro</p>[spacing desktop_height="90" mobile_height="60"][divider color="#ebebeb"]'
        "[spacing]<p>After</p>"
    )
    assert "[spacing" not in markdown and "[divider" not in markdown
    assert markdown.split() == ["Intro", "---", "After"]
    assert {code for code, _ in warnings} == {"theme-layout"}


def test_a_page_builders_background_image_is_kept_as_an_image():
    """WPBakery keeps a row's or column's background in its design options (`css`), Divi and Avada in
    `background_image`: 16 pages of one theme's demo lost theirs without a word."""
    markdown = body(
        '[vc_row][vc_column width="1/2" css=".vc_custom_1{background-image: '
        'url(https://old.example/wp-content/uploads/2017/09/s.jpg?id=1919) !important;}"]'
        "[vc_column_text]Hello[/vc_column_text][/vc_column][/vc_row]"
        '[et_pb_section background_image="https://old.example/wp-content/uploads/hero.jpg"]'
        "[et_pb_text]World[/et_pb_text][/et_pb_section]"
    )[0]
    assert markdown.split("\n\n")[:4] == [
        "![](/wp-content/uploads/2017/09/s.jpg)",  # the old site's uploads, kept at their path
        "Hello",
        "![](/wp-content/uploads/hero.jpg)",
        "World\n",
    ]


def test_a_stray_less_than_sign_is_no_event_handler():
    """`0<f<20), the number of farmers ... one line ...`: the "<" opens a tag, as in a browser, whose
    words become attributes; "one" was reported as an event handler."""
    _, findings, _ = body("<p>an integer f (0<f<20), the number of farmers on one line.</p><h1>Output</h1>")
    assert not any(f.kind == "event-handler" for f in findings)
    _, findings, _ = body('<p onclick="steal()">x</p>')
    assert [f.kind for f in findings] == ["event-handler"]


@pytest.mark.parametrize("gap", ["&#13;\n", "\n"])
def test_a_flash_object_taken_out_is_named_by_its_file(gap):
    # A Tumblr post's game: the warning said "object: ", naming nothing.
    html = (
        f'<p>Play:</p><object width="550" height="400">{gap}<param name="movie" '
        'value="http://www.gunblood.com/game.swf">'
        '<embed src="http://www.gunblood.com/game.swf" width="550"></embed></object>'
    )
    _, findings, _ = body(html)
    assert [(f.kind, f.detail) for f in findings] == [("object", "http://www.gunblood.com/game.swf")]


def test_a_shortcode_block_is_its_own_paragraph_and_a_bare_name_in_it_is_reported():
    """`<!-- wp:shortcode -->[sticky_cta]<!-- /wp:shortcode -->` on seven pages showed its text without a
    word, and two such blocks in a row ran into one line: `[wpforms_form][sticky_cta]`."""
    markdown, _, warnings = body(
        "<!-- wp:paragraph --><p>Intro</p><!-- /wp:paragraph -->\n"
        "<!-- wp:shortcode -->[wpforms_form]<!-- /wp:shortcode -->\n"
        "<!-- wp:shortcode -->[sticky_cta]<!-- /wp:shortcode -->\n"
        "<!-- wp:paragraph --><p>Outro [note] stays text</p><!-- /wp:paragraph -->"
    )
    assert markdown.strip() == "Intro\n\n[wpforms_form]\n\n[sticky_cta]\n\nOutro [note] stays text"
    assert [(code, message.split(" is ")[0]) for code, message, *_ in warnings] == [
        ("unknown-shortcode", "[wpforms_form]"),
        ("unknown-shortcode", "[sticky_cta]"),
    ]


def test_an_unclosed_iframe_that_took_in_the_posts_text_is_named():
    """A docs site's code sample wrote `<iframe src="https://playground.wordpress.net/">` as HTML, left
    unclosed: the rest of eight pages became its fallback text, and the report said only "a link now"."""
    rest = "<h2>Second section</h2><p>" + "word " * 30 + "</p>"
    markdown, _, warnings = body(f'<p>Intro</p><iframe src="https://playground.wordpress.net/">{rest}')
    assert "Second section" not in markdown  # as browsers showed it: the frame's fallback text
    (named,) = [message for code, message, *_ in warnings if code == "iframe-text"]
    assert named.startswith("an <iframe> of playground.wordpress.net held 33 words of the post")
    _, _, closed = body('<p>Intro</p><iframe src="https://playground.wordpress.net/"></iframe><p>After</p>')
    assert "iframe-text" not in [code for code, *_ in closed]
