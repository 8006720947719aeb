"""A page's file fields read from the page (`.Dir`, `.Filename`, `.Ext`, ...), which Hugo removed for
`.File.Dir` and the rest, through the real Hugo: each use Hugo fails on becomes the `.File` one, the
build runs again and says so, and a data map's own `Dir` is never touched."""

from __future__ import annotations

from pathlib import Path

from chalicelib.hugo import build_site, warning_lines
from tests.conftest import write_tree

SITE = {
    "hugo.toml": b'title = "Old"\ntheme = "old"\n',
    "content/docs/guide.md": b"---\ntitle: Guide\n---\nText.\n",
    "data/files.yaml": b"- Dir: pub\n  Ext: pdf\n",
    # An "edit this page" link as old themes built it, and a data map's own keys.
    "themes/old/layouts/_default/single.html": (
        b'<html><a href="https://example.org/edit/{{ .Dir }}{{ $.Page.BaseFileName }}.{{ .Ext }}">edit</a>'
        b"{{ range site.Data.files }}[{{ .Dir }}.{{ .Ext }}]{{ end }}</html>"
    ),
    "themes/old/layouts/_default/list.html": b"<html>{{ .Title }}</html>",
}


def test_each_use_becomes_the_files_and_is_named(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    done = build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    page = (tmp_path / "public/docs/guide/index.html").read_text()
    assert '<a href="https://example.org/edit/docs/guide.md">edit</a>[pub.pdf]' in page
    named = [w for w in warning_lines(done.log, source) if "which Hugo no longer has: built with .File." in w]
    assert [w.split(" uses ")[1].split(",")[0] for w in named] == [
        "a page's .Dir",
        "a page's .BaseFileName",
        "a page's .Ext",
    ]
    single = (source / "themes/old/layouts/_default/single.html").read_bytes()
    assert b"range site.Data.files }}[{{ .Dir }}.{{ .Ext }}]" in single  # never rewritten
