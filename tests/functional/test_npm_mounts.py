"""A site that mounts its layouts from node_modules/ (Doks), which no build here fills: the real Hugo
builds it with the home page alone and exits 0; the build's warnings say why the other pages are not
there and what to do. A site with its layouts in the repository hears nothing of npm."""

from __future__ import annotations

from pathlib import Path

from chalicelib.hugo import build_site, warning_lines
from tests.conftest import write_tree

CONFIG = (
    b'title = "Docs"\n[module]\n[[module.mounts]]\nsource = "layouts"\ntarget = "layouts"\n'
    b'[[module.mounts]]\nsource = "node_modules/@thulite/doks-core/layouts"\ntarget = "layouts"\n'
)


def test_pages_left_out_for_want_of_npms_layouts_are_explained(tmp_path: Path) -> None:
    source = write_tree(
        tmp_path / "site",
        {
            "hugo.toml": CONFIG,
            "layouts/home.html": b"{{ range site.RegularPages }}{{ .Title }}{{ end }}",
            "content/docs/guide.md": b"---\ntitle: Guide\n---\nRead me.\n",
        },
    )
    built = build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    assert not (tmp_path / "public/docs/guide/index.html").exists()
    warnings = warning_lines(built.log, source)
    assert warnings[0] == (
        "pages with no layout were left out: the site mounts node_modules/@thulite/doks-core/layouts, "
        "which npm installs, and Presslift's builds run no npm; commit what npm installed there (or the "
        "theme under themes/)"
    )


def test_a_site_with_its_layouts_hears_nothing_of_npm(tmp_path: Path) -> None:
    source = write_tree(
        tmp_path / "site",
        {
            "hugo.toml": b'title = "Docs"\n',
            "layouts/home.html": b"home",
            "content/docs/guide.md": b"---\ntitle: Guide\n---\nRead me.\n",
        },
    )
    built = build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    assert not any("npm" in line for line in warning_lines(built.log, source))


def test_a_home_page_rendered_empty_for_want_of_npms_layouts_fails_the_build(tmp_path: Path) -> None:
    """A Doks site with no layouts of its own: Hugo exits 0 with an empty home page, which went live
    as a blank site with the build 'succeeded' (a real repository)."""
    import pytest

    from chalicelib.errors import BuildError

    source = write_tree(
        tmp_path / "site",
        {
            "hugo.toml": CONFIG,
            # its own home layout fills a block of the baseof that node_modules/ would hold: nothing
            "layouts/home.html": b'\n{{ define "main" }}{{ .Content }}{{ end }}\n',
            "content/_index.md": b"---\ntitle: Home\n---\nWelcome.\n",
            "content/docs/guide.md": b"---\ntitle: Guide\n---\nRead me.\n",
        },
    )
    with pytest.raises(
        BuildError, match=r"^the site's home page rendered empty: the site mounts node_modules/"
    ):
        build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")


def test_a_build_that_fails_for_want_of_npms_shortcodes_names_npm_first(tmp_path: Path) -> None:
    """getdoks.org: its content calls Doks' `tabs` shortcode, which node_modules/ would have held; the
    error named only the shortcode."""
    import pytest

    from chalicelib.errors import BuildError

    source = write_tree(
        tmp_path / "site",
        {
            "hugo.toml": CONFIG,
            "layouts/home.html": b"home",
            "layouts/_default/single.html": b"{{ .Content }}",
            "content/docs/guide.md": b"---\ntitle: Guide\n---\n{{< tabs >}}x{{< /tabs >}}\n",
        },
    )
    with pytest.raises(BuildError) as raised:
        build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    said = str(raised.value)
    assert said.startswith("Hugo failed (exit 1): the site mounts node_modules/@thulite/doks-core/layouts")
    assert "tabs" in said
