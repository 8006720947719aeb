"""A site built elsewhere with npm (Bootstrap from node_modules, a bundled script's packages) fails
here, where no npm install runs; the build's error says what is missing and what to commit (built
with the real Hugo)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from tests.conftest import write_tree

SASS = b'<html>{{ (resources.Get "scss/main.scss" | css.Sass).RelPermalink }}</html>'
BUNDLE = b'<html>{{ (resources.Get "js/app.js" | js.Build).RelPermalink }}</html>'
MOUNT = (
    b'[[module.mounts]]\nsource = "node_modules/bootstrap/scss"\ntarget = "assets/scss/vendor/bootstrap"\n'
)


@pytest.mark.parametrize(
    ("files", "said"),
    [
        (
            {
                "hugo.toml": b'title = "Docs"\n[module]\n'
                + MOUNT
                + b'[[module.mounts]]\nsource = "assets"\ntarget = "assets"\n',
                "assets/scss/main.scss": b'@import "vendor/bootstrap/bootstrap";\n',
                "layouts/home.html": SASS,
            },
            "the site's stylesheet imports vendor/bootstrap/bootstrap, which is not in the repository",
        ),
        (
            {
                "hugo.toml": b'title = "Docs"\n',
                "assets/js/app.js": b'import "bootstrap";\nconsole.log(1);\n',
                "layouts/home.html": BUNDLE,
            },
            "the site's JavaScript imports bootstrap, an npm package",
        ),
    ],
    ids=["scss-from-node-modules", "js-package"],
)
def test_what_npm_would_have_installed_is_named(tmp_path: Path, files: dict[str, bytes], said: str) -> None:
    source = write_tree(tmp_path / "site", files)
    with pytest.raises(BuildError) as failed:
        build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "work")
    assert said in str(failed.value) and "Hugo said:" in str(failed.value)


def test_a_crash_is_reported_by_its_panic_not_by_the_last_goroutines_frames(tmp_path: Path) -> None:
    """PostCSS under resources.PostProcess (a common theme's stylesheet) crashes Hugo rather than
    failing a page: Go prints the panic and then every goroutine's stack, and the record once showed
    the last of those (errgroup's frames), which said nothing."""
    source = write_tree(
        tmp_path / "site",
        {
            "hugo.toml": b'title = "Blog"\n',
            "assets/css/main.css": b"body { color: red }\n",
            "layouts/home.html": b'{{ $css := resources.Get "css/main.css" | css.PostCSS'
            b" | resources.PostProcess }}"
            b'<html><link rel="stylesheet" href="{{ $css.RelPermalink }}"></html>',
        },
    )
    with pytest.raises(BuildError) as failed:
        build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "work")
    said = str(failed.value).split("Hugo said: ", 1)[1]
    assert said.startswith("panic: POSTCSS: failed to transform")
    assert "errgroup" not in said and "goroutine" not in said
    assert "the site's templates start postcss" in str(failed.value)
    assert failed.value.log_tail.startswith("panic: POSTCSS") and "errgroup" not in failed.value.log_tail
