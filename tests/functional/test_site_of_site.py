"""The site's `.Site` (old Hugo's site had itself as `.Site`), read where the site is the context: an
asset executed as a template with the site (Future Imperfect Slim's main.js) and a partial called with
`.Site`, through the real Hugo: it fails as it is, and the build gives `site` at each use it fails on,
says so, and leaves a page's `.Site` as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site, warning_lines
from chalicelib.removedauthor import MAX_FIXES
from tests.conftest import write_tree

SITE = {
    "hugo.toml": b'title = "Old & Co"\ntheme = "slim"\n',
    "themes/slim/assets/js/main.js": b'var base = "{{ .Site.BaseURL }}";\nvar t = "{{ .Title }}";\n',
    "themes/slim/layouts/home.html": (
        b'<html><body>{{ $js := resources.ExecuteAsTemplate "js/main.js" .Site '
        b'(resources.Get "js/main.js") }}'
        b'<script src="{{ $js.RelPermalink }}"></script>{{ partial "brand.html" .Site }}'
        b"|{{ .Site.Title }}</body></html>"
    ),
    "themes/slim/layouts/_partials/brand.html": b"[{{ .Site.Title }}]",
}


def build(source: Path, public: Path) -> list[str]:
    done = build_site(source, public, base_url="https://example.org/", work_dir=public.parent / "w")
    return warning_lines(done.log, source)


def test_each_use_becomes_the_site_and_is_named(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    warnings = build(source, tmp_path / "public")
    assert (tmp_path / "public/js/main.js").read_text() == (
        'var base = "https://example.org/";\nvar t = "Old & Co";\n'
    )
    assert "[Old &amp; Co]|Old &amp; Co</body>" in (tmp_path / "public/index.html").read_text()
    named = [w for w in warnings if "reads the site's .Site" in w]
    assert [w.split(" ", 1)[0] for w in named] == [
        "themes/slim/assets/js/main.js:1:20",
        "themes/slim/layouts/_partials/brand.html:1:9",
    ], warnings
    assert "built with site.BaseURL" in named[0]
    home = (source / "themes/slim/layouts/home.html").read_bytes()
    assert home.endswith(b"|{{ .Site.Title }}</body></html>")  # a page's own .Site, never rewritten


def test_past_the_most_uses_hugos_failure_stands(tmp_path: Path) -> None:
    uses = b"\n".join(b"{{ .Site.Title }}" for _ in range(MAX_FIXES + 1))
    source = write_tree(tmp_path / "site", {**SITE, "themes/slim/layouts/_partials/brand.html": uses})
    with pytest.raises(BuildError, match=r"can't evaluate field Site in type \*page\.siteWrapper"):
        build(source, tmp_path / "public")
