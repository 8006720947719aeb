"""Formulas as WordPress sites wrote them (Jetpack, MathJax plugins) are kept as TeX for Hugo."""

from __future__ import annotations

import pytest

from tests.unit.wordpress.bodies import markdown_of


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        # Jetpack, with the options that were for its image
        ("<p>So $latex e^{i\\pi}+1=0&amp;fg=ff0000&amp;s=2$ holds.</p>", "So \\(e^{i\\pi}+1=0\\) holds.\n"),
        ("[latex]a_1^2 &lt; b[/latex]", "\\(a_1^2 < b\\)\n"),
        # MathJax's delimiters; display math is a paragraph of its own
        ("<p>Let \\(x_1 * y_2\\) be</p>", "Let \\(x_1 * y_2\\) be\n"),
        ("<p>\\[\\int_0^1 f\\,dx\\]</p>", "\\[\\int_0^1 f\\,dx\\]\n"),
        ("<p>$$\\sum_{i=1}^n i$$</p>", "\\[\\sum_{i=1}^n i\\]\n"),
        # tags an editor put inside a formula do not reach TeX
        ("<p>$latex a<br />+b$</p>", "\\(a +b\\)\n"),
        # WordPress 6.9's math block: TeX from the block's JSON (escaped as the editor escapes it),
        # the MathML it made dropped; and its inline format, TeX in data-latex
        (
            '<!-- wp:math {"latex":"\\\\frac{a}{b} \\u003c c \\u0026 d"} -->\n'
            '<math class="wp-block-math" display="block"><mfrac><mi>a</mi><mi>b</mi></mfrac></math>\n'
            "<!-- /wp:math -->",
            "\\[\\frac{a}{b} < c & d\\]\n",
        ),
        (
            '<p>So <math data-latex="x_1 &lt; y"><msub><mi>x</mi><mn>1</mn></msub></math> holds</p>',
            "So \\(x_1 < y\\) holds\n",
        ),
        # WP LaTeX's attributes: display="true" is a display formula; [latexpage] is not a formula
        (
            '<div>m\n[latex display="true"] \\frac{m(m+1)}{2} [/latex]\nthen [latex size="2"]n[/latex]</div>',
            "m\n\n\\[\\frac{m(m+1)}{2}\\]\n\nthen \\(n\\)\n",
        ),
        ("<p>[latexpage] and [latex][a_1,a_3][/latex]</p>", "[latexpage] and \\([a_1,a_3]\\)\n"),
        # MathML with a TeX annotation (MathJax, KaTeX); display="block" is display math
        (
            '<math display="block"><semantics><mi>y</mi>'
            '<annotation encoding="application/x-tex">y^2</annotation></semantics></math>',
            "\\[y^2\\]\n",
        ),
    ],
)
def test_formulas_become_hugo_passthrough_tex(html, markdown):
    assert markdown_of(html) == markdown


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        ("<p>Prices run from $$ to $$$, and $$ again.</p>", "from $$ to $$$, and $$ again"),  # dollars
        ("<pre>echo \\(x\\) $latex y$</pre>", "echo \\(x\\) $latex y$"),
        ("<p>Use <code>$$a_b$$</code> for display math.</p>", "`$$a_b$$`"),
        ("[code lang='tex']$latex x$[/code]", "$latex x$"),
    ],
)
def test_prices_and_code_stay_as_they_are(html, kept):
    markdown = markdown_of(html)
    assert kept in markdown and "\\[" not in markdown
