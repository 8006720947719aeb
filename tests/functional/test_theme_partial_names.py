"""What a theme of Congo's time (2024) meets on this Hugo, through the real Hugo: a partial named with
its `partials/` folder (a literal, or a name built in a variable after `templates.Exists`), which Hugo
before 0.146 found and this one does not; the site's `.Author` read on a site given as a partial's
context; and HTML and Org content files, which Hugo refuses since 0.162: the build's error explains,
and once adapted they build as before unless the site's config decides."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site, warning_lines
from chalicelib.oldhugo import adapt
from tests.conftest import write_tree

BASEOF = b"""<html><body>{{ partial "partials/functions/warnings.html" .Site }}
{{ $header := print "partials/header/" .Site.Params.header ".html" }}
{{ if templates.Exists $header }}{{ partial $header . }}{{ else }}none{{ end }}
{{ partialCached `partials/footer.html` . }}|{{ partial "plain.html" . }}</body></html>"""
SITE = {
    "hugo.toml": b'title = "Old"\ntheme = "congo"\n[params]\nheader = "basic"\n[author]\nname = "Ann"\n',
    "content/_index.md": b"---\ntitle: Home\n---\n",
    "themes/congo/layouts/home.html": BASEOF,
    "themes/congo/layouts/partials/functions/warnings.html": (
        b"{{ if .Author }}[author {{ .Author.name }}]{{ end }}{{ with .Social }}[social]{{ end }}"
    ),
    "themes/congo/layouts/partials/header/basic.html": b"[basic header]",
    "themes/congo/layouts/partials/footer.html": b"[footer]",
    "themes/congo/layouts/partials/plain.html": b'[plain {{ partial "partials/footer.html" . }}]',
}


def build(source: Path, public: Path) -> tuple[str, list[str]]:
    done = build_site(source, public, base_url="https://example.org/", work_dir=public.parent / "w")
    return (public / "index.html").read_text(), warning_lines(done.log, source)


def test_prefixed_partials_fail_as_they_are(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    with pytest.raises(BuildError, match=r'partial "partials/functions/warnings\.html" not found'):
        build(source, tmp_path / "public")


def test_they_build_as_older_hugo_built_them_and_each_is_named(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    notes = adapt(source, ())
    (note,) = [n for n in notes if "partials/NAME" in n]
    assert note.startswith('themes/congo/layouts/home.html and 1 more use partial "partials/NAME", which')
    assert 'built with partial "NAME", which does the same' in note
    page, warnings = build(source, tmp_path / "public")
    assert "[author Ann]" in page and "[social]" not in page  # the config's table; no [social] table
    assert "[basic header]" in page and "[footer]|[plain [footer]]" in page
    authors = [w for w in warnings if "uses the site's .Author" in w]
    assert len(authors) == 2, warnings  # `if .Author` and `.Author.name`: each use Hugo failed on
    assert authors[0].startswith("themes/congo/layouts/partials/functions/warnings.html:1:")
    assert "built with the config's [author] table as old Hugo gave it" in authors[0]
    assert any("uses the site's .Social" in w for w in warnings)
    # A template that writes no "partials/" keeps its variables' partial calls as they were.
    assert (source / "themes/congo/layouts/partials/header/basic.html").read_bytes() == b"[basic header]"


def test_without_an_author_table_the_sites_author_is_empty(tmp_path: Path) -> None:
    site = {**SITE, "hugo.toml": b'title = "Old"\ntheme = "congo"\n[params]\nheader = "none"\n'}
    source = write_tree(tmp_path / "site", site)
    adapt(source, ())
    page, _ = build(source, tmp_path / "public")
    assert "[author" not in page and "none" in page


def test_html_content_is_refused_with_what_to_do(tmp_path: Path) -> None:
    files = {
        "hugo.toml": b'title = "x"\n',
        "layouts/single.html": b"{{ .Content }}",
        "content/docs/page.html": b"---\ntitle: Page\n---\n<p>Hand-written HTML</p>\n",
    }
    source = write_tree(tmp_path / "site", files)
    with pytest.raises(BuildError) as failed:
        build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    assert str(failed.value).startswith(
        "Hugo failed (exit 1): the site has text/html content (content/docs/page.html), which recent Hugo "
        "refuses by default"
    )
    assert "allowContent = ['.*']" in str(failed.value)
    # The site's own choice is Hugo's to honour: Presslift's policy does not override it.
    (source / "hugo.toml").write_bytes(b"title = \"x\"\n[security]\nallowContent = ['.*']\n")
    build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    assert "<p>Hand-written HTML</p>" in (tmp_path / "public/docs/page/index.html").read_text()


def test_org_content_is_refused_with_what_to_do(tmp_path: Path) -> None:
    # Org export blocks pass HTML through, so Hugo refuses text/org content by default too.
    files = {
        "hugo.toml": b'title = "x"\n',
        "layouts/single.html": b"{{ .Content }}",
        "content/notes/a.org": b"#+title: A\n\nText.\n",
    }
    source = write_tree(tmp_path / "site", files)
    with pytest.raises(BuildError) as failed:
        build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    assert str(failed.value).startswith(
        "Hugo failed (exit 1): the site has text/org content (content/notes/a.org), which recent Hugo refuses"
    ), str(failed.value)


def test_once_adapted_html_content_builds_as_older_hugo_built_it(tmp_path: Path) -> None:
    files = {
        "hugo.toml": b'title = "x"\n',
        "layouts/single.html": b"{{ .Content }}",
        "content/cv/index.html": b"---\ntitle: CV\n---\n<p>Hand-written HTML</p>\n",
        "content/notes/a.org": b"#+title: A\n\nText.\n",
    }
    source = write_tree(tmp_path / "site", files)
    (note,) = [n for n in adapt(source, ()) if "refuse by default" in n]
    assert note.endswith("(set security.allowContent in the site's config to decide otherwise)")
    build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    assert "<p>Hand-written HTML</p>" in (tmp_path / "public/cv/index.html").read_text()
    assert "Text." in (tmp_path / "public/notes/a/index.html").read_text()


@pytest.mark.parametrize(
    "decided",
    [
        {"hugo.toml": b"title = \"x\"\n[security]\nallowContent = ['^text/markdown$']\n"},
        {"hugo.toml": b'title = "x"\n', "config/_default/security.yaml": b"enableInlineShortcodes: false\n"},
    ],
)
def test_a_site_that_decides_keeps_its_choice(tmp_path: Path, decided: dict[str, bytes]) -> None:
    files = {"layouts/single.html": b"{{ .Content }}", "content/a.html": b"<p>x</p>\n", **decided}
    source = write_tree(tmp_path / "site", files)
    assert not [n for n in adapt(source, ()) if "refuse by default" in n]
    assert not (source / "config/_default/security.toml").exists()
