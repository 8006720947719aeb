"""A theme's own partial named as one of Hugo's (disqus.html, pagination.html) while its templates call
Hugo's by `_internal/`: through the real Hugo it fails as it is, and builds once the fetch stage has
renamed the theme's partial, with the theme's and Hugo's output both there."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from chalicelib.oldhugo import adapt
from chalicelib.shadowedpartials import rename_shadowing_partials
from tests.conftest import write_tree

SITE = {
    "hugo.toml": (
        b'title = "Old"\ntheme = "old"\n[pagination]\npagerSize = 1\n'
        b'[services.disqus]\nshortname = "harbour"\n'
    ),
    "content/posts/a.md": b"---\ntitle: A\n---\nA.\n",
    "content/posts/b.md": b"---\ntitle: B\n---\nB.\n",
    # As Anubis: its own disqus partial wraps Hugo's.
    "themes/old/layouts/partials/disqus.html": (
        b'<section class="own">{{ template "_internal/disqus.html" . }}</section>'
    ),
    "themes/old/layouts/partials/pagination.html": b'<nav class="pager">{{ .Paginator.PageNumber }}</nav>',
    "themes/old/layouts/_default/single.html": (
        b'<html><body>{{ .Title }}{{ partialCached "disqus" . }}</body></html>'
    ),
    "themes/old/layouts/_default/list.html": (
        b"<html><body>{{ range .Paginator.Pages }}{{ .Title }}{{ end }}"
        b'{{ partial "pagination.html" . }}|{{ template "_internal/pagination.html" . }}'
        b'|{{ template "partials/pagination.html" . }}</body></html>'
    ),
    # The site overrides the theme's disqus partial: it keeps overriding it.
    "layouts/partials/disqus.html": b'<div class="site">{{ template "_internal/disqus.html" . }}</div>',
}


UPDATE = "(update the theme to a release for this Hugo)"


def build(source: Path, public: Path) -> Path:
    build_site(source, public, base_url="https://example.org/", work_dir=public.parent / f"{public.name}-w")
    return public


def test_a_theme_partial_that_hides_hugos_fails_as_it_is(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match=r"_internal/(disqus|pagination)\.html"):
        build(write_tree(tmp_path / "site", SITE), tmp_path / "public")


def test_renamed_the_themes_partial_and_hugos_are_both_shown(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    notes = adapt(source, ())
    tail = "on this Hugo: built with the theme's renamed to {}-own.html " + UPDATE
    assert sorted(notes) == [
        "layouts/partials/disqus.html and 1 more call Hugo's \"_internal/disqus.html\", which the theme's "
        "own partial disqus.html hides " + tail.format("disqus"),
        "themes/old/layouts/_default/list.html calls Hugo's \"_internal/pagination.html\", which the theme's "
        "own partial pagination.html hides " + tail.format("pagination"),
    ]
    assert (source / "themes/old/layouts/partials/disqus-own.html").is_file()
    assert not (source / "layouts/partials/disqus.html").exists()
    public = build(source, tmp_path / "public")
    post = (public / "posts/a/index.html").read_text()
    assert '<div class="site"><div id="disqus_thread">' in post and "harbour" in post
    posts = (public / "posts/index.html").read_text()
    assert (
        posts.count('<nav class="pager">1</nav>') == 2
    )  # partial "pagination.html" and template "partials/..."
    assert 'class="pagination' in posts and "/posts/page/2/" in posts  # Hugo's own pager


def test_a_taken_name_or_no_call_leaves_the_partial_alone(tmp_path: Path) -> None:
    taken = {**SITE, "themes/old/layouts/partials/pagination-own.html": b"mine"}
    source = write_tree(tmp_path / "taken", taken)
    assert [n for n in rename_shadowing_partials(source) if "pagination" in n] == []
    assert (source / "themes/old/layouts/partials/pagination.html").is_file()
    quiet = {path: text.replace(b"_internal/", b"partials/") for path, text in SITE.items()}
    source = write_tree(tmp_path / "quiet", quiet)
    assert rename_shadowing_partials(source) == []
