"""A theme written for an older Hugo than the build's fails on what Hugo removed; the build's error
says what it used, that Hugo no longer has it, and what to write instead (built with the real Hugo)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from tests.conftest import write_tree

CASES = [
    # (`.Site.Author` and `.Site.Social` build now, given the config's tables by removedauthor; `site.`
    # Hugo names by the function, not the field, so those are hinted at)
    ("{{ site.Author.name }}", "uses .Site.Author, which the Hugo", "write .Site.Params.author instead"),
    ("{{ site.Social.twitter }}", "uses .Site.Social", ".Site.Params.social"),
    ("{{ if .Site.IsServer }}dev{{ end }}", "uses .Site.IsServer", "hugo.IsServer"),
    ('{{ getJSON "https://example.org/a.json" }}', "uses getJSON", "resources.GetRemote"),
    ('{{ (resources.Get "a.scss" | resources.ToCSS).RelPermalink }}', "uses resources.ToCSS", "css.Sass"),
    (
        '{{ template "_internal/shortcodes/figure.html" . }}',
        'uses template "_internal/shortcodes/figure.html"',
        "",
    ),
    ("{{ .Site.Titel }}", "", ""),  # the theme's own mistake: Hugo's words only
    # (a page's .Author builds now, as the empty author: tests/functional/test_removed_author.py; a
    # page's .URL as its .RelPermalink: tests/functional/test_page_url.py)
    ('{{ .GetParam "x" }}', "uses .GetParam", "write .Param instead"),
    ("{{ .Now.Year }}", "uses .Now", "write now instead"),  # hyde's sidebar (hypriot's blog)
    ("{{ .Titel }}", "", ""),
]


@pytest.mark.parametrize(("template", "used", "instead"), CASES, ids=[case[0] for case in CASES])
def test_a_removed_feature_is_named_with_its_replacement(
    tmp_path: Path, template: str, used: str, instead: str
) -> None:
    files = {
        "hugo.toml": b'title = "Old Theme"\n',
        "assets/a.scss": b"a { b: c }",
        "layouts/home.html": f"<html><body>{template}</body></html>".encode(),
    }
    if "_internal" in template:  # as Congo's own figure shortcode wraps Hugo's, which Hugo 0.146 moved
        files["layouts/home.html"] = b"<html><body>{{ .Content }}</body></html>"
        files["layouts/_shortcodes/figure.html"] = template.encode()
        files["content/_index.md"] = b'---\ntitle: Home\n---\n{{< figure src="a.png" >}}\n'
    source = write_tree(tmp_path / "site", files)
    with pytest.raises(BuildError) as failed:
        build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "work")
    message = str(failed.value)
    assert message.startswith("Hugo failed (exit 1): ")
    if used:
        assert f"the site's theme {used}" in message and "update the theme" in message
        assert instead in message
    else:
        assert "Hugo said" not in message and "can't evaluate field Titel" in message
        assert "update the theme" not in message


def test_a_404_page_that_paginates_is_named_with_what_to_do(tmp_path: Path) -> None:
    # As hugo-theme-mini's 404.html lists the latest posts with .Paginate.
    files = {
        "hugo.toml": b'title = "Old Theme"\n',
        "content/posts/a.md": b"---\ntitle: A\n---\nA.\n",
        "layouts/home.html": b"<html><body>home</body></html>",
        "layouts/404.html": (
            b"<html><body>{{ $p := .Paginate site.RegularPages }}\n"
            b"{{ range $p.Pages }}{{ .Title }}{{ end }}</body></html>"
        ),
    }
    source = write_tree(tmp_path / "site", files)
    with pytest.raises(BuildError) as failed:
        build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "work")
    message = str(failed.value)
    assert message.startswith(
        "Hugo failed (exit 1): the site's theme calls .Paginate on /404, a page without a list of pages to "
        "paginate (layouts/404.html, line 1), which the Hugo this build runs refuses"
    )
    assert "range first 10 site.RegularPages" in message and "Hugo said" in message


def test_a_theme_pushed_as_a_site_is_told_it_is_a_theme(tmp_path: Path) -> None:
    """ANSSI's hackropole theme, registered as a site: its header sorts a taxonomy its example site's
    config declares, and the error named only the template."""
    source = write_tree(
        tmp_path / "theme",
        {
            "theme.toml": b'name = "Hackropole"\n',
            "exampleSite/hugo.toml": b'title = "Example"\n[taxonomies]\nfcsc = "fcsc"\n',
            "layouts/home.html": b"<html>{{ range sort .Site.Taxonomies.fcsc }}x{{ end }}</html>",
        },
    )
    with pytest.raises(BuildError) as failed:
        build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "work")
    assert str(failed.value).startswith(
        "Hugo failed (exit 1): this repository is a Hugo theme (theme.toml, exampleSite/), not a site"
    )
    # a site made from a theme's template (Hugoplate's) keeps its own pages in exampleSite/
    assert (
        'or, if its site is the one in exampleSite/, set source_dir = "exampleSite" in presslift.toml'
        in str(failed.value)
    )
