"""A page's `.URL`, which Hugo removed for `.RelPermalink`, through the real Hugo: each use Hugo fails
on becomes `.RelPermalink`, the build runs again and says so, and a menu entry's own `.URL` (still
Hugo's) is never touched."""

from __future__ import annotations

from pathlib import Path

from chalicelib.hugo import build_site, warning_lines
from tests.conftest import write_tree

SITE = {
    "hugo.toml": b'title = "Old"\ntheme = "old"\n[[menu.main]]\nname = "About"\nurl = "/about/"\n',
    "content/post/a.md": b"---\ntitle: A\n---\nText.\n",
    # Even's post summary and list, as old themes wrote them, with a menu beside.
    "themes/old/layouts/index.html": (
        b'<html><nav>{{ range .Site.Menus.main }}<a href="{{ .URL }}">{{ .Name }}</a>{{ end }}</nav>'
        b'{{ range where .Site.RegularPages "Type" "post" }}<a href="{{ .URL }}">{{ .Title }}</a>'
        b'<a class="more" href="{{ $.URL }}">home</a>{{ end }}</html>'
    ),
    "themes/old/layouts/_default/single.html": b'<html><a href="{{ .URL }}">{{ .Title }}</a></html>',
    "themes/old/layouts/_default/list.html": b"<html>{{ .Title }}</html>",
}


def test_each_use_becomes_rel_permalink_and_is_named_and_menus_keep_theirs(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    done = build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    home = (tmp_path / "public/index.html").read_text()
    assert (
        '<nav><a href="/about/">About</a></nav><a href="/post/a/">A</a><a class="more" href="/">home</a>'
        in home
    )
    assert '<a href="/post/a/">A</a>' in (tmp_path / "public/post/a/index.html").read_text()
    named = [w for w in warning_lines(done.log, source) if "uses a page's .URL" in w]
    assert sorted(w.split(" uses ")[0] for w in named) == [
        "themes/old/layouts/_default/single.html:1:18",
        "themes/old/layouts/index.html:1:152",
        "themes/old/layouts/index.html:1:212",
    ]
    index = (source / "themes/old/layouts/index.html").read_bytes()
    assert b'range .Site.Menus.main }}<a href="{{ .URL }}">' in index  # a menu entry's: never rewritten
