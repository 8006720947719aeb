"""Content views kept in a page kind's folder, as FixIt keeps its terms pages' lists: through the real
Hugo, the site fails as it is and builds once the fetch stage has copied them to _default/."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from chalicelib.kindviews import copy_kind_views
from chalicelib.oldhugo import adapt
from tests.conftest import write_tree

THEME = {
    "layouts/taxonomy/terms.html": b'TERMS {{ .Render (add "terms/" .Data.Plural) }}',
    "layouts/taxonomy/terms/categories.html": b"CATEGORIES {{ len .Data.Terms }}",
    "layouts/taxonomy/terms/tags.html": b"TAGS {{ len .Data.Terms }}",
    "layouts/home.html": b"home",
    "layouts/_default/single.html": b"{{ .Title }}",
    "layouts/_default/list.html": b"list",
}


def test_views_in_a_kind_folder_fail_and_build_from_default(tmp_path: Path) -> None:
    source = write_tree(
        tmp_path / "site",
        {
            "hugo.toml": b'title = "Views"\ntheme = "fixit"\n',
            "content/posts/p.md": b"---\ntitle: P\ncategories: [a, b]\ntags: [t]\n---\nx\n",
            **{f"themes/fixit/{name}": text for name, text in THEME.items()},
        },
    )
    public = tmp_path / "public"
    with pytest.raises(BuildError, match=r'template "terms/(categories|tags)" not found'):
        build_site(source, public, base_url="https://example.org/", work_dir=tmp_path / "w")
    assert [n for n in adapt(source, ()) if "page kind's folder" in n] == [
        "themes/fixit/layouts keeps content views in a page kind's folder (taxonomy/terms/categories.html, "
        "taxonomy/terms/tags.html), where Hugo no longer looks for them: built with copies in _default/, "
        "where .Render finds them (update the theme to a release for this Hugo)"
    ]
    build_site(source, public, base_url="https://example.org/", work_dir=tmp_path / "w")
    assert (public / "categories" / "index.html").read_text() == "TERMS CATEGORIES 2"
    assert (public / "tags" / "index.html").read_text() == "TERMS TAGS 1"


def test_a_view_already_in_default_and_links_are_left(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"x.html": b"outside"})
    source = write_tree(
        tmp_path / "site",
        {
            "layouts/taxonomy/terms/categories.html": b"kind",
            "layouts/_default/terms/categories.html": b"own",
            "layouts/term/list.html": b"a layout of the kind itself, not a view",
        },
    )
    (source / "layouts/taxonomy/terms/linked.html").symlink_to(outside / "x.html")
    assert copy_kind_views(source) == []
    assert (source / "layouts/_default/terms/categories.html").read_bytes() == b"own"
    assert not (source / "layouts/_default/terms/linked.html").exists()
    assert not (source / "layouts/_default/list.html").exists()


OLD_TERMS = {
    "layouts/taxonomy/list.html": b"TERM {{ .Title }}: {{ range .Pages }}{{ .Title }} {{ end }}",
    "layouts/taxonomy/terms.html": b"TERMS {{ range .Data.Terms }}{{ .Page.Title }} {{ end }}",
    "layouts/index.html": b"home",
    "layouts/_default/single.html": b"{{ .Title }}",
}


def test_an_old_themes_term_layout_publishes_the_tag_pages(tmp_path: Path) -> None:
    """A theme for Hugo before 0.73 (LoveIt, hugo-book) keeps a term's page in taxonomy/list.html; this
    Hugo finds no layout for a term there, and a real blog's tag and category pages were all left out."""
    source = write_tree(
        tmp_path / "site",
        {
            "hugo.toml": b'title = "Old"\ntheme = "loveit"\n',
            "content/posts/a.md": b"---\ntitle: A\ntags: [go]\n---\nx\n",
            **{f"themes/loveit/{name}": text for name, text in OLD_TERMS.items()},
        },
    )
    public = tmp_path / "public"
    build_site(source, public, base_url="https://example.org/", work_dir=tmp_path / "w")
    assert not (public / "tags/go/index.html").exists()  # as it is: no page for the tag
    (note,) = [n for n in adapt(source, ()) if "term's page" in n]
    assert note.startswith("themes/loveit/layouts/taxonomy/list.html is a term's page as Hugo before 0.73")
    build_site(source, public, base_url="https://example.org/", work_dir=tmp_path / "w")
    assert (public / "tags/go/index.html").read_text() == "TERM Go: A "
    assert (public / "tags/index.html").read_text() == "TERMS Go "


def test_a_theme_with_a_term_layout_of_this_hugos_is_left_alone(tmp_path: Path) -> None:
    source = write_tree(
        tmp_path / "site",
        {
            "hugo.toml": b'title = "New"\ntheme = "t"\n',
            "layouts/_default/term.html": b"NEW TERM",
            **{f"themes/t/{name}": text for name, text in OLD_TERMS.items()},
        },
    )
    assert not [n for n in adapt(source, ()) if "term's page" in n]
    assert not (source / "themes/t/layouts/term").exists()
