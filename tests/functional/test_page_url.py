"""A page's `.URL`, which Hugo removed for `.RelPermalink`, through the real Hugo: a template Hugo fails
on has its `.URL`s read through a partial that gives a page's `.RelPermalink` and a menu entry's or a
pager's own `.URL`, the build runs again and says so, and a template that did not fail is untouched."""

from __future__ import annotations

from pathlib import Path

from chalicelib.hugo import build_site, warning_lines
from chalicelib.pageurl import rewrite
from tests.conftest import write_tree

SITE = {
    "hugo.toml": b'title = "Old"\ntheme = "old"\n[[menu.main]]\nname = "About"\nurl = "/about/"\n',
    "content/post/a.md": b"---\ntitle: A\ndate: 2024-01-02\n---\nText.\n",
    "content/post/b.md": b"---\ntitle: B\ndate: 2024-01-01\n---\nText.\n",
    # Even's list, as old themes wrote it: a menu, the posts, a pager, all by .URL.
    "themes/old/layouts/index.html": (
        b'<html><nav>{{ range .Site.Menus.main }}<a href="{{ .URL | safeURL }}">{{ .Name }}</a>'
        b"{{ end }}</nav>"
        b'{{ $pager := .Paginate (where .Site.RegularPages "Type" "post") 1 }}'
        b'{{ range $pager.Pages }}<a href="{{ .URL }}">{{ .Title }}</a>{{ end }}'
        b'{{ with $pager.Next }}<a class="next" href="{{ .URL }}">next</a>{{ end }}</html>'
    ),
    "themes/old/layouts/_default/single.html": (
        b'<html><a href="{{ .URL }}">{{ .Title }}</a>{{ with .NextInSection }}'
        b'<a class="next" href="{{ $.Page.URL }}|{{ .URL }}">n</a>{{ end }}</html>'
    ),
    "themes/old/layouts/_default/list.html": b"<html>{{ range .Site.Menus.main }}{{ .URL }}{{ end }}</html>",
}


def test_failing_templates_read_each_url_by_what_it_belongs_to_and_are_named(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    done = build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    home = (tmp_path / "public/index.html").read_text()
    assert '<nav><a href="/about/">About</a></nav><a href="/post/a/">A</a>' in home
    assert '<a class="next" href="/page/2/">next</a>' in home  # a pager's own .URL
    single = (tmp_path / "public/post/b/index.html").read_text()
    assert single == '<html><a href="/post/b/">B</a><a class="next" href="/post/b/|/post/a/">n</a></html>'
    named = sorted(w.split(" uses ")[0] for w in warning_lines(done.log, source) if "a page's .URL" in w)
    assert named == ["themes/old/layouts/_default/single.html", "themes/old/layouts/index.html"]
    untouched = "themes/old/layouts/_default/list.html"
    assert (source / untouched).read_bytes() == SITE[untouched]  # its menu .URL never failed


def test_only_url_fields_inside_actions_are_rewritten() -> None:
    text = b"{{ .URL }} {{ $.URL }} {{ $e.URL | safeURL }} {{ .Params.URL }} {{/* .URL */}} .URL {{ .URLs }}"
    assert rewrite(text) == (
        b'{{ (partial "presslift/url.html" .) }} {{ (partial "presslift/url.html" $) }} '
        b'{{ (partial "presslift/url.html" $e) | safeURL }} {{ (partial "presslift/url.html" .Params) }} '
        b"{{/* .URL */}} .URL {{ .URLs }}"
    )
