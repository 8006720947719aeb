"""A page's `.Author`, which Hugo removed, through the real Hugo: each use Hugo fails on becomes the
empty author the Hugo before its removal gave, the build runs again and says so, and a data map's own
`Author` is never touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site, warning_lines
from chalicelib.removedauthor import MAX_FIXES
from tests.conftest import write_tree

SITE = {
    "hugo.toml": b'title = "Old"\ntheme = "old"\n',
    "content/posts/a.md": b"---\ntitle: A\n---\nA.\n",
    "content/posts/b.md": b"---\ntitle: B\nauthor: Bea\n---\nB.\n",
    "data/books.yaml": b"- Author: Ann\n  Title: One\n- Author: Bo\n  Title: Two\n",
    # As Future Imperfect Slim's head: the page's author param, else its .Author.
    "themes/old/layouts/partials/head.html": (
        b'<head>{{- if .Params.Author -}}{{ .Scratch.Set "Author" .Params.Author }}'
        b'{{- else -}}{{ .Scratch.Set "Author" .Author }}{{- end -}}'
        b'<meta name="author" content="{{ .Scratch.Get "Author" }}"></head>'
    ),
    "themes/old/layouts/_default/single.html": (
        b'<html>{{ partial "head.html" . }}<body>[{{ $.Page.Author.DisplayName }}]'
        b"{{ with .Author }}W{{ end }}{{ with .Author.Email }}E{{ end }}"
        b"|{{ range site.Data.books }}{{ .Author }};{{ end }}</body></html>"
    ),
    "themes/old/layouts/_default/list.html": (
        b"<html><body>{{ range .Pages }}{{ .Title }}{{ end }}</body></html>"
    ),
}


def build(source: Path, public: Path) -> list[str]:
    done = build_site(source, public, base_url="https://example.org/", work_dir=public.parent / "w")
    return warning_lines(done.log, source)


def test_each_use_becomes_the_empty_author_and_is_named(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    warnings = build(source, tmp_path / "public")
    page = (tmp_path / "public/posts/a/index.html").read_text()
    # An empty author (fields "", and true in `with`, as old Hugo's struct was); the data's own kept.
    assert "<body>[]W|Ann;Bo;</body>" in page
    assert '<meta name="author" content="Bea">' in (tmp_path / "public/posts/b/index.html").read_text()
    named = [w for w in warnings if "uses a page's .Author" in w]
    assert len(named) == 4, warnings
    assert named[0].startswith("themes/old/layouts/") and "built with an empty author" in named[0]
    single = (source / "themes/old/layouts/_default/single.html").read_bytes()
    assert b"range site.Data.books }}{{ .Author }}" in single  # never rewritten


def test_past_the_most_uses_it_fails_with_the_hint(tmp_path: Path) -> None:
    uses = b"\n".join(b"{{ .Author.DisplayName }}" for _ in range(MAX_FIXES + 1))
    site = {**SITE, "themes/old/layouts/_default/single.html": b"<html><body>" + uses + b"</body></html>"}
    source = write_tree(tmp_path / "site", site)
    with pytest.raises(BuildError, match=r"uses \.Author, which the Hugo this build runs no longer has"):
        build(source, tmp_path / "public")
    rewritten = (source / "themes/old/layouts/_default/single.html").read_bytes()
    assert rewritten.count(b"GivenName") == MAX_FIXES


def test_a_template_that_cannot_be_written_keeps_hugos_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_tree(tmp_path / "site", SITE)

    def read_only(self: Path, *_: object, **__: object) -> int:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_text", read_only)
    with pytest.raises(BuildError, match=r"uses \.Author"):
        build(source, tmp_path / "public")
