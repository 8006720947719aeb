"""A content view rendered from a JSON or RSS template, which Hugo before 0.146 found as the HTML view
(Future Imperfect Slim's search index renders each page's date with `.Render "date"`), through the
real Hugo: it fails as it is, and once the fetch stage has given the views it renders each page with
the view old Hugo's lookup took (its type's before `_default`, its language's before none), escaped as
HTML as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.htmlviews import render_html_views
from chalicelib.hugo import build_site
from chalicelib.oldhugo import adapt
from tests.conftest import write_tree

SITE = {
    "hugo.toml": (
        b'title = "Old"\ntheme = "slim"\ndefaultContentLanguage = "en"\n[outputs]\n'
        b'home = ["html", "json", "rss"]\n[languages.en]\nweight = 1\n[languages.nl]\nweight = 2\n'
    ),
    "content/post/a.md": b'---\ntitle: "A <b> & c"\ndate: 2024-01-02\n---\nA.\n',
    "content/post/a.nl.md": b'---\ntitle: "Een"\ndate: 2024-01-02\n---\nA.\n',
    "content/page/b.md": b'---\ntitle: "B"\ndate: 2023-05-06\n---\nB.\n',
    "themes/slim/layouts/_default/index.json.json": (
        b'[{{ range $i, $e := .Site.RegularPages }}{{ if $i }},{{ end }}"{{ $e.Render "date" }}"{{ end }}]'
    ),
    "themes/slim/layouts/_default/rss.xml": (
        b"<rss>{{ range .Site.RegularPages }}<i>{{ .Render `summary` }}</i>{{ end }}</rss>"
    ),
    "themes/slim/layouts/_default/date.html": b"{{ .Title }} {{ .Date.Format `2006` }}",
    "themes/slim/layouts/_default/date.nl.html": b"NL {{ .Date.Format `2006` }}",
    "themes/slim/layouts/post/date.html": b"post: {{ .Title }}",
    "themes/slim/layouts/_default/summary.html": b"<p>{{ .Title }}</p>",
    "themes/slim/layouts/_default/single.html": b"<html>{{ .Render `date` }}</html>",
    "themes/slim/layouts/_default/list.html": b"<html>{{ .Title }}</html>",
}


def build(source: Path, public: Path) -> Path:
    build_site(source, public, base_url="https://example.org/", work_dir=public.parent / f"{public.name}-w")
    return public


def test_views_from_other_formats_fail_as_they_are(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    with pytest.raises(BuildError, match=r'error calling Render: template "(date|summary)" not found'):
        build(source, tmp_path / "public")


def test_they_render_with_the_view_old_hugo_took(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    notes = adapt(source, ())
    assert [n for n in notes if "looks up for that output format only" in n] == [
        f'themes/slim/layouts/_default/{file} renders the view "{view}", which this Hugo looks up for that '
        "output format only: built with its HTML view, as older Hugo did (update the theme to a release for "
        "this Hugo)"
        for file, view in (("index.json.json", "date"), ("rss.xml", "summary"))
    ]
    public = build(source, tmp_path / "public")
    # Newest first; the post's type view, escaped as HTML as the view always was.
    assert (public / "index.json").read_text() == '["post: A &lt;b&gt; &amp; c","B 2023"]'
    assert (public / "nl/index.json").read_text() == '["post: Een"]'
    assert "<i><p>A &lt;b&gt; &amp; c</p></i>" in (public / "index.xml").read_text()
    # The HTML pages' own calls are Hugo's, untouched.
    assert (
        source / "themes/slim/layouts/_default/single.html"
    ).read_bytes() == b"<html>{{ .Render `date` }}</html>"


def test_a_view_the_format_has_or_without_a_default_is_left_alone(tmp_path: Path) -> None:
    site = {**SITE, "themes/slim/layouts/_default/date.json": b"{{ .Date.Format `2006` }}"}
    del site["themes/slim/layouts/_default/summary.html"]
    source = write_tree(tmp_path / "site", site)
    assert render_html_views(source) == []
    assert not (source / "layouts").exists()


def test_a_link_in_the_way_is_never_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    source = write_tree(tmp_path / "site", SITE)
    (source / "layouts/_partials").mkdir(parents=True)
    (source / "layouts/_partials/presslift").symlink_to(outside)
    assert render_html_views(source) == []
    assert list(outside.iterdir()) == []
    assert b'.Render "date"' in (source / "themes/slim/layouts/_default/index.json.json").read_bytes()
