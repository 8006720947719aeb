"""Hugo runs in the site's folder, as a user runs it: a stylesheet's bare `@import` of a theme's file
(`@import 'themes/t/assets/scss/vars'`), which LibSass reads from the working folder, builds; from the
runner's own folder it failed with a hint that the file was not in the repository."""

from __future__ import annotations

from pathlib import Path

from chalicelib.hugo import build_site
from tests.conftest import write_tree


def test_a_stylesheet_importing_from_the_sites_root_builds(tmp_path: Path, monkeypatch) -> None:
    write_tree(
        tmp_path / "site",
        {
            "hugo.toml": b'title = "x"\n',
            "themes/t/assets/scss/_vars.scss": b"$c: red;\n",
            "assets/scss/main.scss": b"@import 'themes/t/assets/scss/vars';\nbody{color:$c}\n",
            "layouts/home.html": b'{{ with resources.Get "scss/main.scss" | css.Sass }}{{ .Content }}'
            b"{{ end }}",
        },
    )
    monkeypatch.chdir(tmp_path)  # a relative source, as a command line may give it
    build_site(Path("site"), Path("public"), base_url="https://x.example/", work_dir=Path("work"))
    assert "color: red" in (tmp_path / "public/index.html").read_text()
