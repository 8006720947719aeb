"""Formulas (Jetpack's $latex, MathJax's delimiters) render as MathML in the built site, with
Presslift's theme and with another, and a site without any gets no math configuration."""

from __future__ import annotations

import tomllib

import pytest

from chalicelib.wordpress import ConvertOptions, convert_export
from tests.functional.wordpress.conftest import build, build_with_log
from tests.functional.wordpress.wxr_items import SITE, item, write_export

BODY = (
    "<p>Euler: $latex e^{i\\pi}+1=0&amp;s=2$, and \\(x_1 < x_2\\).</p>"
    "<p>$$\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}$$</p>"
    "<pre>not math: \\(y\\)</pre>"
)
# WordPress 6.9's math block and inline math format, MathML made by the editor with the TeX beside it.
MATH_BLOCK = (
    '<!-- wp:math {"latex":"\\\\sqrt{2} \\u003e 1"} -->\n<math class="wp-block-math" display="block">'
    "<msqrt><mn>2</mn></msqrt><mo>&gt;</mo><mn>1</mn></math>\n<!-- /wp:math -->\n"
    '<!-- wp:paragraph -->\n<p>Inline <math data-latex="\\alpha_1">'
    "<msub><mi>α</mi><mn>1</mn></msub></math> too.</p>\n<!-- /wp:paragraph -->"
)


def convert(tmp_path, content: str, theme: str = "presslift"):
    post = item("Formulas", post_id=1, link=f"{SITE}/formulas/", slug="formulas", content=content)
    site = tmp_path / "site"
    convert_export(write_export(tmp_path / "export.xml", [post]), site, options=ConvertOptions(theme=theme))
    return site


def test_formulas_render_as_mathml_with_presslifts_theme(tmp_path):
    site = convert(tmp_path, BODY)
    config = tomllib.loads((site / "hugo.toml").read_text())
    assert config["markup"]["goldmark"]["extensions"]["passthrough"]["enable"] is True
    html = (build(site, tmp_path) / "posts/formulas/index.html").read_text()
    assert html.count("<math") == 3 and 'display="block"' in html
    assert "<mi>π</mi>" in html and "<mfrac>" in html
    assert "$latex" not in html and "s=2" not in html
    assert "not math: \\(y\\)" in html  # code stays code


def test_wordpress_math_blocks_render_as_mathml_from_their_tex(tmp_path):
    html = (build(convert(tmp_path, MATH_BLOCK), tmp_path) / "posts/formulas/index.html").read_text()
    assert html.count("<math") == 2 and html.count('display="block"') == 1
    assert "<msqrt>" in html and "<mi>α</mi>" in html and "wp-block-math" not in html


def test_a_site_with_another_theme_gets_the_render_hook(tmp_path):
    # A theme with no passthrough hook of its own: the site's copy of Presslift's renders the formulas.
    themes = tmp_path / "themes"
    for name, text in {
        "layouts/single.html": "<main>{{ .Content }}</main>",
        "layouts/list.html": "<main>{{ .Title }}</main>",
    }.items():
        (themes / "plain" / name).parent.mkdir(parents=True, exist_ok=True)
        (themes / "plain" / name).write_text(text)
    site = convert(tmp_path, BODY, theme="plain")
    assert (site / "layouts/_markup/render-passthrough.html").is_file()
    public, _ = build_with_log(site, tmp_path, extra_args=("--themesDir", str(themes)))
    html = (public / "posts/formulas/index.html").read_text()
    assert html.startswith("<main>") and html.count("<math") == 3


@pytest.mark.parametrize("content", ["<p>No formulas, $$ prices $$$.</p>"])
def test_a_site_without_formulas_gets_no_math_configuration(tmp_path, content):
    site = convert(tmp_path, content)
    assert "passthrough" not in (site / "hugo.toml").read_text()
    assert not (site / "layouts/_markup").exists()
