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
