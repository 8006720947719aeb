"""Build options under their old name `_build`, through the real Hugo: the site fails as it is, and once
the fetch stage has renamed them (front matter in YAML, TOML and JSON, cascades in front matter and in
config) it builds as the options say: a headless page is not rendered, a page kept out of lists is not
listed. What cannot be renamed exactly is left for Hugo to report."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.buildoptions import rename_build_options
from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from chalicelib.oldhugo import adapt
from tests.conftest import write_tree
from tests.unit.test_repeated_keys import ALIAS_BOMB

LIST = b"<html><body>{{ range site.RegularPages }}[{{ .Title }}]{{ end }}</body></html>"
SITE = {
    "hugo.toml": (
        b'title = "Old"\n[languages.en]\nweight = 1\n[languages.en.cascade]\n'
        b'[languages.en.cascade._build]\nlist = "never"\n'
        b'[languages.en.cascade._target]\npath = "/hidden/**"\n'
    ),
    "layouts/home.html": LIST,
    "layouts/single.html": b"<html><body>{{ .Title }}</body></html>",
    "layouts/list.html": b"<html><body>{{ .Title }}</body></html>",
    "content/shown.md": b"---\ntitle: Shown\n---\nThe `_build:` key, in a body, is never touched.\n",
    # YAML, CRLF line ends: rendered, never listed.
    "content/unlisted.md": b"---\r\ntitle: Unlisted\r\n_build:\r\n  list: never\r\n---\r\nText.\r\n",
    # TOML: a headless page (neither rendered nor listed).
    "content/headless.md": b'+++\ntitle = "Headless"\n[_build]\nrender = "never"\nlist = "never"\n+++\nX.\n',
    # JSON: rendered, listed only locally.
    "content/json.md": b'{\n  "title": "Json",\n  "_build": {"list": "local"}\n}\nText.\n',
    # A section's cascade in TOML: its pages are not rendered.
    "content/drafts/_index.md": b'+++\ntitle = "Drafts"\n[cascade._build]\nrender = "never"\n+++\n',
    "content/drafts/d.md": b"---\ntitle: D\n---\nD.\n",
    "content/hidden/h.md": b"---\ntitle: H\n---\nH.\n",
}


def build(source: Path, public: Path) -> str:
    build_site(source, public, base_url="https://example.org/", work_dir=public.parent / f"{public.name}-w")
    return (public / "index.html").read_text()


def test_old_build_options_fail_and_build_as_they_say_once_renamed(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    with pytest.raises(BuildError, match='The "_build" front matter key was deprecated'):
        build(source, tmp_path / "before")
    notes = adapt(source, ())
    (note,) = [n for n in notes if "_build" in n]
    assert note.startswith("hugo.toml and 4 more set build options as _build (or a cascade's target")
    home = build(source, tmp_path / "public")
    assert "[Shown]" in home and "[D]" in home
    for unlisted in ("[Unlisted]", "[Headless]", "[Json]", "[H]"):
        assert unlisted not in home, home
    public = tmp_path / "public"
    assert (public / "unlisted/index.html").is_file() and (public / "json/index.html").is_file()
    assert (public / "hidden/h/index.html").is_file()
    for gone in ("headless", "drafts/d"):
        assert not (public / gone / "index.html").exists(), gone
    assert (source / "content/unlisted.md").read_bytes() == (
        b"---\r\ntitle: Unlisted\r\nbuild:\r\n  list: never\r\n---\r\nText.\r\n"
    )
    assert b"The `_build:` key" in (source / "content/shown.md").read_bytes()


@pytest.mark.parametrize(
    "page",
    [
        # Both names on one page: which one Hugo would take is not ours to choose.
        b"---\ntitle: Both\n_build:\n  list: never\nbuild:\n  list: always\n---\n",
        # `_build` inside a value only, and a parameter's own key of that name.
        b"---\ntitle: Value\ndescription: |\n  _build: not a key\n---\n",
        b"---\ntitle: Param\nparams:\n  _build: mine\n---\n",
        b"+++\ntitle = 'Param'\n[params]\n_build = 'mine'\n+++\n",
        # Not front matter Presslift can read, so Hugo's to report.
        b"---\ntitle: [broken\n_build:\n  list: never\n---\n",
        b"---\ntitle: Open\n_build:\n  list: never\n",
        # Aliases: nine nested nine deep stand for 387 million values to compare; Hugo's to read.
        b"---\n_build:\n  list: never\n" + ALIAS_BOMB.encode() + b"---\n",
    ],
)
def test_what_cannot_be_renamed_exactly_is_left_as_it_is(tmp_path: Path, page: bytes) -> None:
    source = write_tree(tmp_path / "site", {"hugo.toml": b'title = "x"\n', "content/p.md": page})
    assert rename_build_options(source) == []
    assert (source / "content/p.md").read_bytes() == page


def test_a_long_front_matter_and_a_byte_order_mark_are_read_whole(tmp_path: Path) -> None:
    filler = b"".join(b"k%d: %s\n" % (n, b"v" * 60) for n in range(200))  # past the first 4 KB
    page = b"\xef\xbb\xbf---\ntitle: Long\n" + filler + b"_build:\n  render: never\n---\nBody.\n"
    source = write_tree(tmp_path / "site", {"hugo.toml": b'title = "x"\n', "content/p.md": page})
    assert len(rename_build_options(source)) == 1
    assert (source / "content/p.md").read_bytes() == page.replace(b"_build:", b"build:")


def test_config_folder_and_theme_cascades_are_renamed_and_resources_are_not_read(tmp_path: Path) -> None:
    files = {
        "hugo.toml": b'title = "x"\ntheme = "t"\n',
        "themes/t/hugo.toml": b'[[cascade]]\n[cascade._build]\nlist = "never"\n',
        "config/_default/cascade.yaml": b'_build:\n  render: never\n_target:\n  path: "/notes/**"\n',
        "content/bundle/index.md": b"---\ntitle: B\n---\n",
        "content/bundle/data.json": b'{"_build": {"list": "never"}}',
    }
    source = write_tree(tmp_path / "site", files)
    (note,) = rename_build_options(source)
    assert note.startswith("config/_default/cascade.yaml and 1 more set build options as _build")
    assert note.endswith("built with the new names (rename them there)")
    assert (source / "themes/t/hugo.toml").read_bytes() == b'[[cascade]]\n[cascade.build]\nlist = "never"\n'
    assert (source / "config/_default/cascade.yaml").read_bytes() == (
        b'build:\n  render: never\ntarget:\n  path: "/notes/**"\n'
    )
    assert (source / "content/bundle/data.json").read_bytes() == files["content/bundle/data.json"]


def test_a_themes_content_and_the_configured_content_folders_are_renamed_too(tmp_path: Path) -> None:
    """The relearn theme keeps its search page in its own content/, with `_build`: the build failed on
    it naming no file, the site's own content having none. So did a site whose pages are in
    `contentDir = "pages"` and a language's own contentDir."""
    headless = b'+++\ntitle = "Search"\n[_build]\nrender = "never"\n+++\n'
    files = {
        "hugo.toml": (
            b'title = "x"\ntheme = "relearn"\ncontentDir = "pages"\n'
            b'[languages.en]\nweight = 1\n[languages.fr]\ncontentDir = "french"\nweight = 2\n'
        ),
        "themes/relearn/content/_relearn/_index.md": headless,
        "pages/notes/index.md": headless,
        "french/notes.md": headless,
        "elsewhere/notes.md": headless,  # read by no one: left as it is
    }
    source = write_tree(tmp_path / "site", files)
    (note,) = rename_build_options(source)
    assert note.startswith("pages/notes/index.md and 2 more set build options as _build"), note
    renamed = headless.replace(b"[_build]", b"[build]")
    for path in ("themes/relearn/content/_relearn/_index.md", "pages/notes/index.md", "french/notes.md"):
        assert (source / path).read_bytes() == renamed, path
    assert (source / "elsewhere/notes.md").read_bytes() == headless


def test_mmark_pages_fail_and_build_as_markdown(tmp_path: Path) -> None:
    # CorrelAid's site wrote its event pages in Mmark, which Hugo removed.
    site = {
        "hugo.toml": b'title = "x"\n',
        "layouts/home.html": b"home",
        "layouts/single.html": b"{{ .Content }}",
        "content/a.md": b"---\ntitle: A\nmarkup: mmark\n---\n*Mmark* text.\n",
        "content/b.md": b'+++\ntitle = "B"\nmarkup = "MMARK"\n+++\nMore.\n',
    }
    source = write_tree(tmp_path / "site", site)
    with pytest.raises(BuildError, match='failed to resolve media type for "mmark"'):
        build(source, tmp_path / "before")
    (note,) = rename_build_options(source)
    assert note.endswith(
        " and 1 more set markup: mmark, the Markdown dialect Hugo removed (this Hugo fails on it): built "
        "as Markdown, which most Mmark reads the same as (set markup: markdown)"
    )
    build(source, tmp_path / "public")
    assert "<em>Mmark</em> text." in (tmp_path / "public/a/index.html").read_text()
    assert b'markup = "markdown"' in (source / "content/b.md").read_bytes()


def test_jekylls_published_switch_builds_as_jekyll_read_it(tmp_path: Path) -> None:
    """A blog brought from Jekyll keeps published: true|false, which Hugo reads as a date and fails on."""
    site = {
        "hugo.toml": b'title = "x"\n',
        "layouts/home.html": b"home",
        "layouts/single.html": b"{{ .Title }}|{{ .Draft }}",
        "content/shown.md": b"---\ntitle: Shown\ndate: 2017-04-09\npublished: true\n---\nA.\n",
        "content/held.md": b"---\ntitle: Held\ndate: 2017-04-09\npublished: false # not yet\n---\nB.\n",
        "content/toml.md": b'+++\ntitle = "Toml"\npublished = false\n+++\nC.\n',
        # Both switches: not guessed between, left for Hugo (and the hint) to name.
        "content/both.md": b"---\ntitle: Both\ndraft: false\npublished: false\n---\nD.\n",
        "content/dated.md": b"---\ntitle: Dated\npublished: 2017-04-09\n---\nE.\n",  # Hugo's own meaning
    }
    source = write_tree(tmp_path / "site", site)
    with pytest.raises(BuildError, match='the "published" front matter field is not a parsable date'):
        build(source, tmp_path / "before")
    (note,) = rename_build_options(source)
    assert note.startswith("content/")
    assert (
        " and 2 more set published: true or false, Jekyll's switch, which Hugo reads as a publish date"
        in note
    )
    assert (source / "content/shown.md").read_bytes() == b"---\ntitle: Shown\ndate: 2017-04-09\n---\nA.\n"
    assert (
        source / "content/held.md"
    ).read_bytes() == b"---\ntitle: Held\ndate: 2017-04-09\ndraft: true\n---\nB.\n"
    assert (source / "content/toml.md").read_bytes() == b'+++\ntitle = "Toml"\ndraft = true\n+++\nC.\n'
    assert (source / "content/both.md").read_bytes() == site["content/both.md"]
    assert (source / "content/dated.md").read_bytes() == site["content/dated.md"]
    (source / "content/both.md").unlink()
    build(source, tmp_path / "public")
    assert (tmp_path / "public/shown/index.html").read_text() == "Shown|false"
    assert (tmp_path / "public/dated/index.html").read_text() == "Dated|false"
    assert not (tmp_path / "public/held").exists() and not (tmp_path / "public/toml").exists()
