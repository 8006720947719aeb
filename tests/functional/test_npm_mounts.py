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
