"""Hugo's `_internal/` templates an older theme calls and Hugo 0.168 lacks, through the real Hugo: such
a site fails as it is; with what the fetch stage writes it builds, the stand-in figure rendering as
Hugo's own built-in does, Google Analytics' async call as Hugo's tag; what a site defines itself, or
Hugo still has, is left alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from chalicelib.internaltemplates import add_internal_templates
from tests.conftest import png, write_tree

# As Congo's and Blowfish's figure: their own, or Hugo's when asked for the default.
CONGO_FIGURE = b"""{{ if .Get "default" }}{{ template "_internal/shortcodes/figure.html" . }}
{{ else }}<img class="congo" src="{{ .Get "src" }}">{{ end }}"""
FIGURES = [
    'src="photo.png" alt="A photo" width="640" loading="lazy"',
    'src="photo.png" caption="A *bold* caption" link="https://example.org/big" target="_blank" '
    'rel="noopener"',
    'src="https://cdn.example.org/a.jpg?w=2#top" title="Title" attr="Jane" '
    'attrlink="https://example.org/jane"',
    'src="/images/site.png" class="wide" height="300" caption="Site image"',
    'src="missing.png" alt="Not there"',
]
PNG = png(4, 4, 128)


def figure_site(root: Path, *, congo: bool) -> Path:
    calls = "\n\n".join(
        "{{< figure " + ("default=true " if congo else "") + params + " >}}" for params in FIGURES
    )
    files = {
        "hugo.toml": b'title = "Figures"\n' + (b'theme = "congo"\n' if congo else b""),
        "layouts/page.html": b"<html><body>{{ .Content }}</body></html>",
        "content/post/index.md": b"---\ntitle: Post\n---\n" + calls.encode() + b"\n",
        "content/post/photo.png": PNG,
        "assets/images/site.png": PNG,
    }
    if congo:
        files["themes/congo/layouts/shortcodes/figure.html"] = CONGO_FIGURE
    return write_tree(root, files)


def build(source: Path, public: Path) -> Path:
    build_site(
        source, public, base_url="https://example.org/", work_dir=public.parent / f"{public.name}-work"
    )
    return public


def figures(public: Path) -> list[str]:
    page = (public / "post/index.html").read_text()
    # Space between tags and attributes aside (Hugo's own template keeps some, which a browser does
    # not show).
    return [
        re.sub(r">\s+<", "><", re.sub(r"\s+", " ", found))
        for found in re.findall(r"<figure.*?</figure>", page, re.S)
    ]


def test_a_theme_falling_back_on_hugos_figure_fails_as_it_is(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match=r"_internal/shortcodes/figure\.html"):
        build(figure_site(tmp_path / "site", congo=True), tmp_path / "public")


def test_the_stand_in_figure_renders_as_hugos_own(tmp_path: Path) -> None:
    source = figure_site(tmp_path / "site", congo=True)
    assert add_internal_templates(source) == ["shortcodes/figure.html"]
    ours = figures(build(source, tmp_path / "public"))
    hugos = figures(build(figure_site(tmp_path / "plain", congo=False), tmp_path / "plain-public"))
    assert len(ours) == len(FIGURES)
    assert ours == hugos
    assert '<img src="/post/photo.png" alt="A photo" width="640" loading="lazy">' in ours[0]
    assert "<figcaption><p>A <em>bold</em> caption</p></figcaption>" in ours[1]


GA_SITE = {
    "hugo.toml": b'title = "GA"\ntheme = "old"\n[services.googleAnalytics]\nid = "G-ABC123"\n',
    "themes/old/layouts/home.html": (
        b'<html><head>{{ template "_internal/google_analytics_async.html" . }}'
        b'{{ template "_internal/google_news.html" . }}{{ template "_internal/opengraph.html" . }}</head>'
        b"<body>home</body></html>"
    ),
}


def test_removed_analytics_and_news_templates_stand_in(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", GA_SITE)
    with pytest.raises(BuildError, match=r'no such template "_internal/google_(news|analytics_async)\.html"'):
        build(source, tmp_path / "before")
    assert add_internal_templates(source) == ["google_analytics_async.html", "google_news.html"]
    home = (build(source, tmp_path / "public") / "index.html").read_text()
    assert "https://www.googletagmanager.com/gtag/js?id=G-ABC123" in home
    assert '<meta property="og:title" content="GA">' in home


def test_what_the_site_defines_or_hugo_has_is_left_alone(tmp_path: Path) -> None:
    own = b"<!-- the site's own -->"
    source = write_tree(
        tmp_path / "site",
        {
            **GA_SITE,
            "layouts/_internal/google_analytics_async.html": own,
            # Not shadowed: Hugo still reaches its youtube this way.
            "themes/old/layouts/shortcodes/video.html": (
                b'{{ template "_internal/shortcodes/youtube.html" . }}'
            ),
        },
    )
    assert add_internal_templates(source) == ["google_news.html"]
    assert (source / "layouts/_internal/google_analytics_async.html").read_bytes() == own
    assert not (source / "layouts/_internal/shortcodes").exists()


def test_a_site_calling_none_gets_nothing(tmp_path: Path) -> None:
    source = figure_site(tmp_path / "site", congo=False)
    assert add_internal_templates(source) == []
    assert not (source / "layouts/_internal").exists()


def test_a_linked_layouts_folder_is_not_written_through(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", GA_SITE)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (source / "layouts").symlink_to(elsewhere)
    assert add_internal_templates(source) == []
    assert list(elsewhere.iterdir()) == []
