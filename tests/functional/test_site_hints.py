"""What a site asks of the build that it cannot give, said in one sentence through the real Hugo: a
theme that reads a param as a table (`.Site.Params.author.email`) where the site's config sets a string,
a list or a boolean (plain Hugo says it "can't evaluate field email in type string"), and content in a
markup Hugo renders by running a program (AsciiDoc, Pandoc, reStructuredText), a theme npm installs, a
shortcode a theme the config does not name has, and a date field that holds no date."""

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


def failure(tmp_path: Path, files: dict[str, bytes]) -> str:
    """The message of the build of `files` as a site, which must fail."""
    source = write_tree(tmp_path / "site", files)
    with pytest.raises(BuildError) as failed:
        build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    return str(failed.value)


@pytest.mark.parametrize(("template", "said"), CASES, ids=[case[0] for case in CASES])
def test_a_param_read_as_a_table_names_the_setting(tmp_path: Path, template: str, said: str) -> None:
    files = {
        "hugo.toml": CONFIG,
        "content/_index.md": b'---\ntitle: Home\nextra: "s"\n---\n',
        "layouts/home.html": b'{{ partial "head.html" . }}',
        "layouts/_partials/head.html": b"<head>\n" + template.encode() + b"</head>",
    }
    message = failure(tmp_path, files)
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
    message = failure(tmp_path, files)
    assert message.startswith("Hugo failed (exit 1): " + said), message
    assert "convert it to Markdown" in message


def test_a_theme_npm_installs_is_named_as_such(tmp_path: Path) -> None:
    # etcd's site: `theme = "docsy"` with `themesDir = "node_modules"`, filled by npm install.
    files = {"hugo.toml": b'title = "x"\ntheme = "docsy"\nthemesDir = "node_modules"\n'}
    message = failure(tmp_path, files)
    assert message.startswith(
        "Hugo failed (exit 1): the site's theme docsy is one npm installs (the site's themesDir is "
        "node_modules), and Presslift's builds run no npm: commit the theme under themes/"
    ), message


def test_a_shortcode_in_a_theme_the_config_does_not_name_is_pointed_at(tmp_path: Path) -> None:
    # A blog built with `hugo -t keeponcoding` from build.sh: its config names no theme.
    files = {
        "hugo.toml": b'title = "x"\n',
        "layouts/single.html": b"{{ .Content }}",
        "content/tips/a.md": b'---\ntitle: A\n---\n{{< targetblank "https://example.org" >}}\n',
        "themes/keeponcoding/layouts/shortcodes/targetblank.html": b"<a href={{ .Get 0 }}>x</a>",
    }
    message = failure(tmp_path, files)
    assert message.startswith(
        "Hugo failed (exit 1): the content uses the shortcode targetblank (content/tips/a.md), which "
        "themes/keeponcoding defines, and the site's config does not name that theme: set theme = "
        '"keeponcoding"'
    ), message
    assert 'build_flags = ["-t", "keeponcoding"]' in message
    del files["themes/keeponcoding/layouts/shortcodes/targetblank.html"]
    assert "which neither the site's layouts nor any theme in its themes/" in failure(tmp_path / "2", files)


def test_a_date_field_that_is_not_a_date_names_the_page(tmp_path: Path) -> None:
    # A blog brought from Jekyll keeps `published: true`, which Hugo reads as its publish date.
    files = {
        "hugo.toml": b'title = "x"\n',
        "layouts/single.html": b"{{ .Title }}",
        "content/diary/a.md": b"---\ntitle: A\ndate: 2017-04-09\npublished: true\n---\nA.\n",
    }
    message = failure(tmp_path, files)
    assert message.startswith(
        "Hugo failed (exit 1): content/diary/a.md sets published, which Hugo reads as a date, to something "
        "that is not one (Jekyll's published: true or false is not Hugo's"
    ), message


def test_two_failures_at_once_are_both_named(tmp_path: Path) -> None:
    """A blog whose theme runs PostCSS and whose Jekyll posts keep published: true: the run named only
    PostCSS, while the lines it quoted from Hugo were about the dates."""
    files = {
        "hugo.toml": b'title = "x"\n',
        "assets/css/main.css": b"body { color: red }\n",
        "layouts/home.html": b'{{ with resources.Get "css/main.css" | css.PostCSS }}{{ .RelPermalink }}'
        b"{{ end }}",
        "layouts/single.html": b"{{ .Title }}",
        "content/diary/a.md": b"---\ntitle: A\ndate: 2017-04-09\npublished: true\n---\nA.\n",
    }
    message = failure(tmp_path, files)
    said = message.split(". Hugo said: ", 1)[0]
    assert "the site's templates start postcss" in said, message
    assert "; also, content/diary/a.md sets published, which Hugo reads as a date" in said, message
