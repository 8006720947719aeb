"""A site with `relativeURLs = true` served below a path (a stage on the pipeline's distribution, a
preview): built with the real Hugo, whose relative addresses of relURL's output name the path twice,
every same-site address of every page then leads to a page or file the site built (a real site on
hyde-x had 80 of its 108 staged pages' menus broken)."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from chalicelib.hugo import build_site
from chalicelib.rootlinks import fix_root_links
from tests.conftest import write_tree

BASE = "https://d111.cloudfront.net/sites/harbour/staging/"
LAYOUT = (
    b'<html><head><link rel="icon" href="{{ "favicon.ico" | relURL }}"></head><body>'
    b'{{ range site.Menus.main }}<a href="{{ .URL | relURL }}">{{ .Name }}</a>{{ end }}'
    b'<a href="{{ "/" | relURL }}">home</a><a href="{{ .RelPermalink }}">here</a>'
    b'{{ block "main" . }}{{ end }}</body></html>'
)


def test_every_address_of_a_relative_urls_site_leads_to_something_it_built(tmp_path: Path) -> None:
    source = write_tree(
        tmp_path / "site",
        {
            "hugo.toml": b'title = "Harbour"\nrelativeURLs = true\n'
            b'[[menus.main]]\nname = "Book"\nurl = "/book/"\n',
            "static/favicon.ico": b"icon",
            "layouts/_default/baseof.html": LAYOUT,
            "layouts/_default/list.html": b'{{ define "main" }}{{ range .Pages }}'
            b'<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}',
            "layouts/_default/single.html": b'{{ define "main" }}{{ .Content }}{{ end }}',
            "content/post/a.md": b"---\ntitle: A\n---\nSee [the book](/book/).\n",
            "content/book/_index.md": b"---\ntitle: Book\n---\n",
        },
    )
    public = tmp_path / "public"
    build_site(source, public, base_url=BASE, work_dir=tmp_path / "work")
    before = (public / "post/a/index.html").read_text()
    assert 'href="../../sites/harbour/staging/book/"' in before  # what Hugo writes
    fixed = fix_root_links(public, BASE)
    assert fixed.addresses > 0
    pages = sorted(public.rglob("index.html"))
    checked = 0
    for page in pages:
        folder = page.parent.relative_to(public).as_posix()
        for address in re.findall(r'(?:href|src)="([^"#?]*)', page.read_text()):
            if address.startswith(("http:", "https:")):
                continue
            target = posixpath.normpath(posixpath.join(folder, address))
            assert not target.startswith(".."), (page, address)
            assert (public / target).is_file() or (public / target / "index.html").is_file(), (page, address)
            checked += 1
    assert checked > 10
