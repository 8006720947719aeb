"""Shortcodes of the plugins every WordPress.com blog runs (SyntaxHighlighter Evolved's code blocks,
Jetpack's embeds) and Dewplayer's player: what each showed, not its tags kept as text."""

from __future__ import annotations

import pytest

from chalicelib.wordpress.html import BodyContext, convert_body
from chalicelib.wordpress.slugs import SlugRegistry, renamed_slug_note


def body(html: str) -> tuple[str, list[tuple[str, str]]]:
    warnings: list[tuple[str, str]] = []
    context = BodyContext(
        rewrite_url=lambda url: url,
        gallery_images=lambda ids: [],
        warn=lambda code, message: warnings.append((code, message)),
        iframe_hosts=(),
    )
    return convert_body(html, context).markdown, warnings


# As a WordPress.com export has them: the code HTML-escaped, brackets of its own inside.
BASH = (
    "I wanted one in bash, and tada,\n\n"
    "[bash]\ndeclare -A aa\naa[hello]=world\necho &quot;${aa[ab]}&quot;\n[/bash]\n\nWell."
)


def test_a_language_shortcode_is_a_code_block_in_that_language():
    markdown, warnings = body(BASH)
    assert '```bash\ndeclare -A aa\naa[hello]=world\necho "${aa[ab]}"\n```' in markdown
    assert markdown.startswith("I wanted one in bash, and tada,\n\n```bash")
    assert warnings == []  # neither [bash] nor the [hello] inside is called unknown


@pytest.mark.parametrize(
    ("shortcode", "language"),
    [
        ("php", "php"),
        ("c", "c"),
        ("js", "javascript"),
        ("jscript", "javascript"),
        ("py", "python"),
        ("xhtml", "xml"),
        ("obj-c", "objective-c"),
        ("c-sharp", "csharp"),
        ("shell", "bash"),
        ("rb", "ruby"),
        ("vbnet", "vb.net"),
        ("plain", "text"),
        ("source", ""),
        ("HTML", "html"),
    ],
)
def test_each_alias_of_the_plugin_is_its_language(shortcode, language):
    markdown, warnings = body(f"[{shortcode}]\nif (a &lt; b) {{ x[i] = 1; }}\n[/{shortcode}]")
    assert markdown == f"```{language}\nif (a < b) {{ x[i] = 1; }}\n```\n"
    assert warnings == []


def test_code_shortcodes_name_their_language_by_alias_too():
    assert body('[code language="js"]var a = 1;[/code]')[0] == "```javascript\nvar a = 1;\n```\n"
    assert body('[sourcecode language="Python"]x = 1[/sourcecode]')[0] == "```python\nx = 1\n```\n"


def test_a_code_shortcode_alone_in_a_pre_is_one_code_block_and_the_text_after_it_stays_text():
    # Windows Live Writer's code plugin wrapped each [sourcecode] in its own <pre>: fenced twice, the
    # fences crossed and every paragraph after the first swapped places with code.
    html = (
        '<p>Start:</p>\n<div class="wlWriterEditableSmartContent"><pre style="white-space:normal;">\n'
        '[sourcecode language="csharp"]\nvar a = 1;\n[/sourcecode]\n</pre>\n</div>\n\n'
        '<p>Then <img src="https://example.com/a.png" alt="diagram"></p>\n'
        "<pre><code>[code]x = 2[/code]</code></pre>"
    )
    markdown = body(html)[0]
    assert markdown.count("```") == 4
    assert "```csharp\nvar a = 1;\n```" in markdown and "```\nx = 2\n```" in markdown
    assert "\nThen ![diagram](https://example.com/a.png)\n" in markdown


def test_a_pre_of_prose_and_code_shortcodes_is_split_into_its_texts_and_the_code_blocks():
    # A style guide written in one <pre> per section, its samples as [c] shortcodes inside it.
    html = (
        "<h3>Commenting</h3>\n<pre>Comment prolifically.\n[c]\n/** DocBlock */\nclass A\n[/c]\n"
        "As stated above, say why.</pre>\n<p>Next.</p>"
    )
    markdown = body(html)[0]
    assert markdown.count("```") == 6
    assert "```\nComment prolifically.\n```" in markdown
    assert "```c\n/** DocBlock */\nclass A\n```" in markdown
    assert "```\nAs stated above, say why.\n```\n\nNext.\n" in markdown


@pytest.mark.parametrize(
    "text",
    [
        "Index it as array[c] and go on.",  # a bare [c] with no closing tag is text
        "He said [the workman] was late.",
    ],
)
def test_a_language_name_in_brackets_without_its_closing_tag_is_text(text):
    assert "```" not in body(text)[0]


def test_latex_and_r_are_not_code_shortcodes_as_in_the_plugin():
    markdown, _ = body("[r]x[/r]")
    assert "```" not in markdown


@pytest.mark.parametrize(
    ("html", "url"),
    [
        ("[gist id=5035560 file=canvas.js]", "https://gist.github.com/5035560#file-canvas-js"),
        ("[gist]8703067[/gist]", "https://gist.github.com/8703067"),
        ("[gist https://gist.github.com/ann/8703067]", "https://gist.github.com/ann/8703067"),
        (
            "[slideshare id=1870859&amp;style=border-width: 1px 1px 0; border: 1px solid #CCC;&amp;sc=no]",
            "https://www.slideshare.net/slideshow/embed_code/1870859",
        ),
        (
            "[scribd id=80196960 key=key-1yffi5v6ak30dnss6ck1 mode=slideshow]",
            "https://www.scribd.com/doc/80196960",
        ),
        (
            '[jsfiddle url="http://jsfiddle.net/ann/TseUq/" height="210px" include="js"]',
            "http://jsfiddle.net/ann/TseUq/",
        ),
        (
            '[googleapps domain="docs" dir="file/d/0B04KfPV/preview" query="" width="640" height="480" /]',
            "https://docs.google.com/file/d/0B04KfPV/preview",
        ),
        (  # a My Maps frame, as a 2020 travel blog has it: its viewer, without the frame's size
            "[googlemaps https://www.google.com/maps/d/u/1/embed?mid=19z-i_9Fd1Jo&amp;w=640&amp;h=480]",
            "https://www.google.com/maps/d/u/1/viewer?mid=19z-i_9Fd1Jo",
        ),
        (  # the classic map Jetpack made of a pasted frame, on a national Google domain
            "[googlemaps http://maps.google.co.uk/maps?f=q&amp;hl=en&amp;q=Leeds&amp;output=embed&amp;w=425&amp;h=350]",
            "https://maps.google.co.uk/maps?f=q&hl=en&q=Leeds",
        ),
        # Jetpack's shortcodes for another site's post, as WordPress.com blogs have them
        ('[tweet https://twitter.com/jack/statuses/20 width="350"]', "https://twitter.com/jack/status/20"),
        ('[tweet tweet="https://x.com/jack/status/20" align="left"]', "https://twitter.com/jack/status/20"),
        ("[tweet 20]", "https://twitter.com/i/status/20"),
        (
            "[instagram url=https://www.instagram.com/p/BnMOk_FFsxg width=400]",
            "https://www.instagram.com/p/BnMOk_FFsxg",
        ),
        (
            "[flickr photo=https://www.flickr.com/photos/ann/123/ w=400 h=300]",
            "https://www.flickr.com/photos/ann/123/",
        ),
        (
            '[kickstarter url="https://www.kickstarter.com/projects/ann/a-book"]',
            "https://www.kickstarter.com/projects/ann/a-book",
        ),
        ("[polldaddy poll=9541291]", "https://poll.fm/9541291"),
        ("[crowdsignal poll=9541291]", "https://poll.fm/9541291"),
    ],
)
def test_an_embed_shortcode_is_a_link_to_what_it_showed(html, url):
    markdown, warnings = body(f"Before\n\n{html}\n\nAfter")
    assert f'{{{{< embed url="{url}" >}}}}' in markdown
    name = html[1:].split("]")[0].split()[0]
    assert f"[{name}" not in markdown and f"\\[{name}" not in markdown  # its tags are not left as text
    assert [code for code, _ in warnings] == ["embed-link"]


@pytest.mark.parametrize(
    "html",
    [
        "[gist]not a gist[/gist]",
        '[googleapps domain="docs" dir="../../x"]',
        "[googlemaps https://maps.example.com/maps?q=Leeds]",  # Jetpack frames Google's maps only
        "[googlemaps /]",
        "[facebook url=https://facebook.example.net/post/1]",  # Jetpack's hosts only
        "[tweet https://twitter.com/jack]",  # no post
        "[polldaddy survey=C1A2B3]",
    ],
)
def test_an_embed_shortcode_naming_nothing_readable_is_left_out_and_reported(html):
    markdown, warnings = body(html)
    assert markdown.strip() == ""
    assert [code for code, _ in warnings] == ["lost-media"]


def test_a_bare_embed_name_in_brackets_is_text_as_written():
    # A .NET blog's "solved in this [gist]:" is the text of its link to the gist, not a shortcode
    # (which would name a gist); it stays the link's text, unreported.
    markdown, warnings = body('My attempt is in this <a href="https://gist.github.com/1236106">[gist]</a>:')
    assert markdown.strip() == "My attempt is in this [\\[gist\\]](https://gist.github.com/1236106):"
    assert warnings == []


def test_bracketed_code_in_a_code_sample_is_not_called_an_unknown_shortcode():
    sample = '<pre>[HtmlTargetElement(<span class="pl-s">"time"</span>)]\npublic class TimeTagHelper {}</pre>'
    markdown, warnings = body(f'My tag helper:\n{sample}\n<p>Inline: <code>[Route("api/[x]")]</code></p>')
    assert '```\n[HtmlTargetElement("time")]\npublic class TimeTagHelper {}\n```' in markdown
    assert warnings == []
    # In prose too: a shortcode's name ends at a space, a "]" or a "/", and its attributes hold no
    # tags; this name runs into "(" and a highlighter's <span>. One that could be a shortcode still is.
    assert body('<p>[HtmlTargetElement(<span class="x">"t"</span>)]</p>')[1] == []
    assert [code for code, _ in body('<p>[HtmlTargetElement name="t"]</p>')[1]] == ["unknown-shortcode"]


def test_a_dewplayer_mp3_is_the_sites_audio_player():
    markdown, warnings = body("Listen: [dewplayer:http://www.example.ch/podcast/show_003.mp3]")
    assert '{{< audio src="http://www.example.ch/podcast/show_003.mp3" type="audio/mpeg" />}}' in markdown
    assert warnings == []


def test_a_long_slug_cut_onto_anothers_says_so():
    first = "connecting-a-p2000-g3-storage-array-to-system-center-virtual-machine-manager-sp1"
    second = first + "-2"  # WordPress's own second post of that title: 82 characters, cut to 80
    registry = SlugRegistry()
    registry.claim("posts", first, "post-1")
    slug, renamed = registry.claim("posts", second, "post-2")
    assert renamed
    note = renamed_slug_note(second, slug)
    assert note == f"slug {second!r} is cut to 80 characters ({first!r}), which is taken; written as {slug!r}"
    assert renamed_slug_note("hello", "hello-2") == "slug 'hello' was taken; written as 'hello-2'"


@pytest.mark.parametrize(
    ("html", "language"),
    [
        ('<pre lang="python">x = 1</pre>', "python"),  # WP-Syntax, GeSHi's names
        ('<pre lang="java5" line="1">x = 1</pre>', "java"),
        ('<pre class="brush: bash; gutter: false; first-line: 1;">x = 1</pre>', "bash"),  # SyntaxHighlighter
        ('<pre class="brush:js">x = 1</pre>', "javascript"),
        ('<pre class="lang:php decode:true">x = 1</pre>', "php"),  # Crayon
        ('<pre><code class="language-go">x = 1</code></pre>', "go"),
        ('<pre lang="en">x = 1</pre>', ""),  # the HTML attribute: the text is in English
        ('<pre lang="zh-CN">x = 1</pre>', ""),
    ],
)
def test_a_pre_names_its_language_in_each_plugins_form(html, language):
    assert body(html)[0] == f"```{language}\nx = 1\n```\n"


@pytest.mark.parametrize(
    "text",
    [
        "Catching up with [the nice progress classes][6] Michael committed.",  # a Markdown reference link
        "and “[The master] resembles more and more the administrator”",  # an editor's brackets
        "<code>dp[i][j]=dp[i - 1][j] || dp[i - 1][j - nums[i]]</code>",  # code
        # highlighted C outside a <pre> (a real Chinese kernel blog): the "name" runs into a tag
        '&amp;nf_hooks[reg</span><span style="color: #ff0000;">-&gt;</span><span>pf][reg</span>',
    ],
)
def test_bracketed_text_with_no_closing_tag_or_named_attribute_is_not_reported(text):
    markdown, warnings = body(text)
    assert warnings == []
    assert "[" in markdown


def test_an_unknown_shortcode_with_a_named_attribute_or_address_is_still_reported():
    for text in (
        '[booking_calendar id="5"]',
        "[podcast http://example.com/a.mp3]",
        "[foo]x[/foo]",
        "[foo /]",
    ):
        assert [code for code, _ in body(text)[1]] == ["unknown-shortcode"], text


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        # CodeColorer, as a security blog wrote its samples: e = escaped, n/L line numbers and links
        (
            "[ccnLe_php]\n$url = preg_replace('|[^a-z0-9&amp;;]|i', '', $url);\n"
            "<?php echo $x; ?>\n[/ccnLe_php]",
            "```php\n$url = preg_replace('|[^a-z0-9&;]|i', '', $url);\n<?php echo $x; ?>\n```\n",
        ),
        ('[cce lang="diff"]\n- a &lt; b\n+ a &gt; b\n[/cce]', "```diff\n- a < b\n+ a > b\n```\n"),
        # without e the code is the post's text as written, entities and all
        ('[cc lang="html"]&amp;nbsp;[/cc]', "```html\n&amp;nbsp;\n```\n"),
        ('[cc lang="c#"]var a = 1;[/cc]', "```csharp\nvar a = 1;\n```\n"),
        ("Call [cci_php]strlen($s)[/cci_php] first.", "Call `strlen($s)` first.\n"),
    ],
)
def test_codecolorer_shortcodes_are_code_as_the_plugin_showed_it(html, markdown):
    converted, warnings = body(html)
    assert converted == markdown
    assert warnings == []


def test_a_hash_in_brackets_is_not_a_codecolorer_shortcode():
    assert (
        body("See [ccb753a36c97b8a039149c7e995dd662] here.")[0]
        == "See [ccb753a36c97b8a039149c7e995dd662] here.\n"
    )


@pytest.mark.parametrize(
    ("script", "url"),
    [
        (
            "https://gist.github.com/ann/b68baba50db63f2d9f40.js",
            "https://gist.github.com/ann/b68baba50db63f2d9f40",
        ),
        ("//gist.github.com/1234abc.js?file=a.py", "https://gist.github.com/1234abc#file-a-py"),
    ],
)
def test_a_gist_embedded_by_its_script_is_a_link_to_the_gist(script, url):
    markdown, warnings = body(f'<p>Here:</p><script src="{script}"></script><p>After</p>')
    assert markdown == f'Here:\n\n{{{{< embed url="{url}" >}}}}\n\nAfter\n'
    assert [code for code, _ in warnings] == ["embed-link"]


def test_any_other_script_is_still_stripped():
    markdown, _ = body('<p>x</p><script src="https://gist.github.com.evil.example/a.js"></script>')
    assert markdown == "x\n"


def test_shortcodes_in_a_code_plugins_pre_are_code():
    # A post about migrating between code plugins: its Python names [code] and [/code] in a
    # WP-Syntax block, which the plugin sets aside before shortcodes run. They matched as a [code]
    # shortcode spanning two lines, and the block fell apart into fences and raw HTML.
    html = (
        "<pre lang=\"python\">sql = sub(r'\\[code.*?\\]', sql, '&lt;pre lang=\"text\"&gt;')\n"
        "sql = sub(r'\\[/code\\]', sql, '&lt;/pre&gt;')</pre>\n\n<p>Then [code]a[/code]</p>"
    )
    markdown, warnings = body(html)
    assert markdown == (
        "```python\nsql = sub(r'\\[code.*?\\]', sql, '<pre lang=\"text\">')\n"
        "sql = sub(r'\\[/code\\]', sql, '</pre>')\n```\n\nThen\n\n```\na\n```\n"
    )
    assert warnings == []


@pytest.mark.parametrize(
    "html",
    ["[jetpack_subscription_form]", '[jetpack_subscription_form title="Follow"]', '[mc4wp_form id="7"]'],
)
def test_a_newsletter_signup_form_is_left_out_and_said(html):
    # A WordPress.com blog's home and blog pages ended with "[jetpack_subscription_form]" as text.
    markdown, warnings = body(f"<p>Welcome.</p>\n{html}\n<p>Thanks.</p>")
    assert "subscription" not in markdown and "mc4wp" not in markdown
    assert "Welcome." in markdown and "Thanks." in markdown
    assert [code for code, _ in warnings] == ["signup-form"]


@pytest.mark.parametrize(
    ("html", "shortcode"),
    [
        ("[archives]", "{{< archives >}}"),
        (
            '[archives type="monthly" showcount="1" limit=12]',
            '{{< archives type="monthly" limit="12" showcount="1" >}}',
        ),
        ('[archives type="alpha" limit="all"]', "{{< archives >}}"),  # Jetpack's types and a number only
    ],
)
def test_jetpacks_archives_list_is_the_themes(html, shortcode):
    # A WordPress.com blog's Archives page holds only "[archives]": it was shown as that text.
    markdown, warnings = body(f"<p>Everything I wrote:</p>\n{html}")
    assert markdown == f"Everything I wrote:\n\n{shortcode}\n"
    assert warnings == []


def test_a_bracket_left_open_in_the_text_does_not_take_the_next_shortcode():
    # A Puppet manual's heading "certificate verify failed: [CRL is not yet valid for /CN" before its
    # [text] block (agenge's blog): the text's "[CRL" read the "[text" as its attributes.
    markdown, warnings = body(
        "<strong>7.9 certificate verify failed: [CRL is not yet valid for /CN</strong>"
        "\n[text]\nerr: a_b\n[/text]"
    )
    assert markdown.endswith("```text\nerr: a_b\n```\n") and "[CRL is not yet valid" in markdown
    assert warnings == []


def test_a_name_in_another_case_is_no_shortcode_but_text():
    """WordPress matches shortcode names exactly: a Posterous post's Markdown reference links
    "[Video: the radios][1]" and "[Flickr just announced][2]" lost their text as a [video] and a
    [flickr] that "named no file" (with two lost-media warnings)."""
    markdown, warnings = body("<p>[Video: the radios][1]. But [Flickr just announced][2] they will.</p>")
    assert markdown == "[Video: the radios][1]. But [Flickr just announced][2] they will.\n"
    assert warnings == []


def test_a_code_shortcode_an_editor_made_bold_line_by_line_is_a_code_block():
    """A real post's `<strong>[sourcecode language='php']</strong>`, each code line in <strong>: the
    fence opened inside `**` and the rest of the post (a 12-item list) came out as code."""
    markdown, _ = body(
        "<blockquote><strong> [sourcecode language='php']</strong>\n<strong> $name = 1;</strong>\n"
        "<strong> [/sourcecode]</strong></blockquote>\n<ul><li>one</li><li>two</li></ul>"
    )
    assert markdown == "> ```php\n>  $name = 1;\n> ```\n\n- one\n- two\n"


def test_html_in_a_code_shortcode_is_its_code():
    markdown, _ = body("[sourcecode language='html']<strong>bold</strong> and <em>x</em>[/sourcecode]")
    assert markdown == "```html\n<strong>bold</strong> and <em>x</em>\n```\n"
