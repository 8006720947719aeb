"""A 404 page that paginates, as older Hugo let it (hugo-theme-mini's 404.html lists the latest posts
with .Paginate), through the real Hugo: it fails the build as it is, and once the fetch stage has
adapted the site it shows the first page of that pager, of the site's own pager size."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from chalicelib.oldhugo import adapt
from chalicelib.paged404 import first_pager_on_404, pager_size
from tests.conftest import write_tree

NOT_FOUND = (
    b'{{ define "main" }}{{ $paginator := .Paginate (where site.RegularPages "Type" "posts") }}'
    b"<ul>{{ range $paginator.Pages }}<li>{{ .Title }}</li>{{ end }}</ul>"
    b"{{ if $paginator.HasNext }}<a href=next>more</a>{{ end }}|{{ $paginator.PageNumber }}"
    b"|{{ range ($.Paginate site.RegularPages).Pages }}{{ .Title }};{{ end }}{{ end }}"
)
SITE = {
    "hugo.toml": b'title = "Old"\ntheme = "mini"\npaginate = 2\n',
    **{
        f"content/posts/p{n}.md": f"---\ntitle: P{n}\ndate: 2026-01-0{n}\n---\nText.\n".encode()
        for n in range(1, 5)
    },
    "themes/mini/layouts/_default/baseof.html": b'<html><body>{{ block "main" . }}{{ end }}</body></html>',
    "themes/mini/layouts/404.html": NOT_FOUND,
    "themes/mini/layouts/_default/list.html": (
        b'{{ define "main" }}{{ range .Paginator.Pages }}{{ .Title }};{{ end }}{{ end }}'
    ),
    "themes/mini/layouts/_default/single.html": b'{{ define "main" }}{{ .Title }}{{ end }}',
}


def build(source: Path, public: Path) -> Path:
    build_site(source, public, base_url="https://example.org/", work_dir=public.parent / f"{public.name}-w")
    return public


def test_it_fails_as_it_is(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match=r"calls \.Paginate on /404"):
        build(write_tree(tmp_path / "site", SITE), tmp_path / "public")


def test_adapted_it_shows_the_first_page_of_the_sites_pager_size(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    notes = adapt(source, ())
    assert (
        "themes/mini/layouts/404.html paginates the 404 page, which Hugo no longer does: built with the "
        "first page of 2 it gave there (update the theme to a release for this Hugo)"
    ) in notes
    page = (build(source, tmp_path / "public") / "404.html").read_text()
    assert "<ul><li>P4</li><li>P3</li></ul>|1|P4;P3;" in page  # newest first, two a page, no "more"
    assert "more" not in page
    home = (tmp_path / "public/index.html").read_text()
    assert "P4;P3;" in home  # the site's own lists still paginate as Hugo does
    assert first_pager_on_404(source) == []  # nothing left to rewrite


@pytest.mark.parametrize(
    ("files", "size"),
    [
        ({"hugo.toml": b"title = 'x'\n"}, 10),
        ({"hugo.toml": b"paginate = 3\n"}, 3),
        ({"hugo.yaml": b"pagination:\n  pagerSize: 7\npaginate: 3\n"}, 7),
        ({"hugo.toml": b"paginate = 3\n", "config/_default/pagination.toml": b"pagerSize = 4\n"}, 4),
        (
            {
                "config/_default/hugo.toml": b"paginate = 3\n",
                "config/development/hugo.toml": b"paginate = 9\n",
            },
            3,
        ),
        ({"config/production/params.toml": b"x = 1\n", "hugo.toml": b"paginate = true\n"}, 10),
    ],
)
def test_the_pager_size_is_the_one_a_production_build_reads(tmp_path: Path, files: dict, size: int) -> None:
    assert pager_size(write_tree(tmp_path / "site", files)) == size


def test_a_site_whose_404_does_not_paginate_is_left_alone(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", {**SITE, "themes/mini/layouts/404.html": b"<p>Not found</p>"})
    assert first_pager_on_404(source) == []
    assert not (source / "layouts/_partials/presslift/first-pager.html").exists()
