"""Partials with a dot in their name, as themes before Hugo 0.146 kept them (`head.meta.html`, called
from `head.html`), through the real Hugo: as they are, the call finds `head.html` again and recurses
until Hugo gives up, or silently renders another partial (`post.info.html` finds `post.html`); once
the fetch stage has given them hyphenated names, each call renders its own partial. A dot that names
one of the site's languages is Hugo's and is left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.dottedpartials import rename_dotted_partials
from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from tests.conftest import write_tree

SITE = {
    "hugo.toml": b'title = "Old"\ntheme = "rapid"\n',
    "themes/rapid/layouts/partials/head.html": b'<head>{{ partial "head.meta.html" . }}</head>',
    "themes/rapid/layouts/partials/head.meta.html": b'<meta name=x>{{ partial "head.icons.html" . }}',
    "themes/rapid/layouts/partials/head.icons.html": b"<link rel=icon>",
    "themes/rapid/layouts/partials/post.html": b"POST",
    "themes/rapid/layouts/partials/post/info.card.html": b"CARD",
    "themes/rapid/layouts/partials/post.info.html": b"INFO",
    "themes/rapid/layouts/home.html": (
        b'{{ partial "head.html" . }}|{{ partialCached `post.info.html` . }}'
        b'|{{ template "partials/post/info.card.html" . }}|{{ partial "post.html" . }}'
    ),
}


def build(source: Path, public: Path) -> str:
    build_site(source, public, base_url="https://example.org/", work_dir=public.parent / f"{public.name}-w")
    return (public / "index.html").read_text()


def test_dotted_partials_recurse_as_they_are(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    with pytest.raises(BuildError, match=r'executing "_partials/head\.html"'):
        build(source, tmp_path / "public")


def test_renamed_each_call_renders_its_own_partial(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    notes = rename_dotted_partials(source)
    assert [note.split(", which")[0] for note in notes] == [
        'themes/rapid/layouts/partials/head.meta.html calls the partial "head.icons.html"',
        'themes/rapid/layouts/partials/head.html calls the partial "head.meta.html"',
        'themes/rapid/layouts/home.html calls the partial "post.info.html"',
        'themes/rapid/layouts/home.html calls the partial "post/info.card.html"',
    ]
    page = build(source, tmp_path / "public")  # (Hugo adds its generator tag to the head)
    assert page.startswith("<head><meta name=x><link rel=icon>") and page.endswith("</head>|INFO|CARD|POST")


def test_a_dot_naming_a_language_is_hugos(tmp_path: Path) -> None:
    site = {
        "hugo.toml": b'title = "x"\ndefaultContentLanguage = "fr"\n[languages.fr]\n[languages.de]\n',
        "layouts/partials/footer.de.html": b"DE",
        "layouts/partials/footer.html": b"FR",
        "layouts/home.html": b'{{ partial "footer.de.html" . }}',
    }
    source = write_tree(tmp_path / "site", site)
    assert rename_dotted_partials(source) == []
    assert not (source / "layouts/partials/footer-de.html").exists()
