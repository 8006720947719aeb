"""What a site asks of the build that it cannot give, said in one sentence through the real Hugo: a
theme that reads a param as a table (`.Site.Params.author.email`) where the site's config sets a string,
a list or a boolean (plain Hugo says it "can't evaluate field email in type string"), and content in a
markup Hugo renders by running a program (AsciiDoc, Pandoc, reStructuredText)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from tests.conftest import write_tree

CONFIG = b'title = "x"\n[params]\nauthor = "Jane"\nlogo = ["a"]\nflag = true\n[params.social]\nname = "s"\n'
CASES = [
    (
        "{{ .Site.Params.author.email }}",
        "reads .Site.Params.author.email (layouts/_partials/head.html, line 2) as a table with the key "
        "email, and the site's config sets params.author to a string: write it as a table ([params.author] "
        "with email",
    ),
    ("{{ $.Site.Params.logo.text }}", "the site's config sets params.logo to a list"),
    ("{{ .Page.Site.Params.flag.on }}", "the site's config sets params.flag to true or false"),
    ("{{ .Site.Params.social.name.first }}", "sets params.social.name to a string"),
    ("{{ .Site.Language.Params.author.name }}", "the site's config sets params.author to a string"),
    ("{{ .Params.extra.x }}", "the page's front matter sets extra to a string: write it as a table (extra:"),
    ("{{ site.Params.author.email }}", ""),  # Hugo names the function only: its own words stand
    ("{{ .Site.Titel.x }}", ""),
]


@pytest.mark.parametrize(("template", "said"), CASES, ids=[case[0] for case in CASES])
def test_a_param_read_as_a_table_names_the_setting(tmp_path: Path, template: str, said: str) -> None:
    files = {
        "hugo.toml": CONFIG,
        "content/_index.md": b'---\ntitle: Home\nextra: "s"\n---\n',
        "layouts/home.html": b'{{ partial "head.html" . }}',
        "layouts/_partials/head.html": b"<head>\n" + template.encode() + b"</head>",
    }
    source = write_tree(tmp_path / "site", files)
    with pytest.raises(BuildError) as failed:
        build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    message = str(failed.value)
    if said:
        assert message.startswith("Hugo failed (exit 1): the site's theme reads ") and said in message
        assert "Hugo said" in message
    else:
        assert "the site's theme reads" not in message and "can't evaluate field" in message


@pytest.mark.parametrize(
    ("name", "said"),
    [
        (
            "guide.adoc",
            "the site has AsciiDoc content (content/docs/guide.adoc), which Hugo renders by running ",
        ),
        (
            "guide.pdc",
            "the site has Pandoc content (content/docs/guide.pdc), which Hugo renders by running pandoc",
        ),
        ("guide.rst", "the site has reStructuredText content (content/docs/guide.rst)"),
    ],
)
def test_content_hugo_renders_with_a_program_says_so(tmp_path: Path, name: str, said: str) -> None:
    files = {
        "hugo.toml": b'title = "x"\n',
        "layouts/single.html": b"{{ .Content }}",
        f"content/docs/{name}": b"---\ntitle: Guide\n---\nText.\n",
    }
    source = write_tree(tmp_path / "site", files)
    with pytest.raises(BuildError) as failed:
        build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    assert str(failed.value).startswith("Hugo failed (exit 1): " + said), str(failed.value)
    assert "convert it to Markdown" in str(failed.value)


def test_a_theme_npm_installs_is_named_as_such(tmp_path: Path) -> None:
    # etcd's site: `theme = "docsy"` with `themesDir = "node_modules"`, filled by npm install.
    files = {"hugo.toml": b'title = "x"\ntheme = "docsy"\nthemesDir = "node_modules"\n'}
    source = write_tree(tmp_path / "site", files)
    with pytest.raises(BuildError) as failed:
        build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    assert str(failed.value).startswith(
        "Hugo failed (exit 1): the site's theme docsy is one npm installs (the site's themesDir is "
        "node_modules), and Presslift's builds run no npm: commit the theme under themes/"
    ), str(failed.value)
