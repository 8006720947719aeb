"""Content views with a dot in their name (Minimo's `li.archive`), through the real Hugo: such a theme
fails as it is, and builds with the hyphenated copies the fetch stage writes, each view rendered as
before; a view whose hyphenated name is taken, or that no folder has, is left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.dottedviews import rename_dotted_views
from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from tests.conftest import write_tree

SITE = {
    "hugo.toml": b'title = "Views"\ntheme = "old"\n',
    "content/posts/a.md": b"---\ntitle: A post\n---\nA.\n",
    "themes/old/layouts/home.html": (
        b'<ul>{{ range .Site.RegularPages }}{{ .Render "li.archive" }}{{ .Render "li" }}{{ end }}</ul>'
    ),
    "themes/old/layouts/_default/li.archive.html": b"<li>archived: {{ .Title }}</li>",
    "themes/old/layouts/_default/li.html": b"<li>{{ .Title }}</li>",
    "themes/old/layouts/_default/single.html": b"{{ .Content }}",
}


def build(source: Path, public: Path) -> str:
    build_site(source, public, base_url="https://example.org/", work_dir=public.parent / f"{public.name}-w")
    return (public / "index.html").read_text()


def test_a_dotted_view_fails_as_it_is_and_renders_once_renamed(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    with pytest.raises(BuildError, match="error calling Render"):
        build(source, tmp_path / "before")
    assert rename_dotted_views(source) == [
        'themes/old/layouts/home.html renders the view "li.archive", which this Hugo\'s template lookup '
        'does not find by a dotted name: built as "li-archive" (update the theme to a release for this Hugo)'
    ]
    assert "<ul><li>archived: A post</li><li>A post</li></ul>" in build(source, tmp_path / "public")
    assert (source / "themes/old/layouts/_default/li.archive.html").is_file()  # the original kept


def test_a_taken_name_or_a_missing_view_is_left_alone(tmp_path: Path) -> None:
    files = {
        **SITE,
        "themes/old/layouts/_default/li-archive.html": b"<li>the theme's own</li>",
        "layouts/list.html": b'{{ range .Pages }}{{ .Render "summary.short" }}{{ end }}',
    }
    source = write_tree(tmp_path / "site", files)
    assert rename_dotted_views(source) == []
    assert (source / "themes/old/layouts/home.html").read_bytes() == SITE["themes/old/layouts/home.html"]
    assert (source / "layouts/list.html").read_bytes() == files["layouts/list.html"]
    assert not (source / "layouts/summary-short.html").exists()


def test_a_link_in_the_copys_place_is_not_written_through(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    outside = tmp_path / "outside.html"
    (source / "themes/old/layouts/_default/li-archive.html").symlink_to(outside)
    assert rename_dotted_views(source) == []
    assert not outside.exists()


def test_a_dotted_view_that_renders_another_renders_its_copy(tmp_path: Path) -> None:
    # Bootstrap's section.li renders summary.hat: the copy section-li must render summary-hat.
    site = {
        "hugo.toml": b'title = "Views"\ntheme = "old"\n',
        "content/posts/a.md": b"---\ntitle: A post\n---\nA.\n",
        "themes/old/layouts/home.html": b'{{ range .Site.RegularPages }}{{ .Render "section.li" }}{{ end }}',
        "themes/old/layouts/_default/section.li.html": b'<li>{{ .Render "summary.hat" }}</li>',
        "themes/old/layouts/_default/summary.hat.html": b"hat: {{ .Title }}",
        "themes/old/layouts/_default/single.html": b"{{ .Content }}",
    }
    source = write_tree(tmp_path / "site", site)
    assert len(rename_dotted_views(source)) == 2
    assert build(source, tmp_path / "public") == "<li>hat: A post</li>"
