"""A site that keeps its layouts, content and themes in folders of its own naming (`layoutDir`,
`contentDir`, `themesDir`: a real personal site's are under app/) gets the fixes for this Hugo as a
site with Hugo's default folders does. They looked in layouts/, content/ and themes/ alone: the site
failed on `.Hugo.Generator`, which they replace, with an error blaming a theme it did not have."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from chalicelib.oldhugo import adapt
from tests.conftest import write_tree

SITE = {
    "config.toml": (
        b'title = "Own folders"\nlayoutDir = "app/layouts"\ncontentDir = "app/content"\n'
        b'themesDir = "app/themes"\ntheme = "plain"\n[params]\nkept = true\n'
    ),
    "app/layouts/index.html": (
        b"<html>{{ .Hugo.Generator }}{{ range site.RegularPages }}[{{ .Title }}]{{ end }}</html>"
    ),
    "app/content/shown.md": b"---\ntitle: Shown\n---\nText.\n",
    "app/content/headless.md": b'+++\ntitle = "Headless"\n[_build]\nlist = "never"\n+++\nX.\n',
    "app/themes/plain/layouts/_default/single.html": b"{{ if .Site.IsServer }}dev{{ end }}{{ .Title }}",
}


def build(source: Path, public: Path) -> str:
    build_site(source, public, base_url="https://example.org/", work_dir=public.parent / f"{public.name}-w")
    return (public / "index.html").read_text()


def test_a_sites_own_folders_get_the_fixes_for_this_hugo(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    with pytest.raises(BuildError):
        build(source, tmp_path / "before")
    adapt(source, ())
    home = build(source, tmp_path / "public")
    assert '<meta name="generator" content="Hugo' in home and "[Shown]" in home and "[Headless]" not in home
    assert (tmp_path / "public" / "shown" / "index.html").read_text() == "Shown"
    config = tomllib.loads((source / "config.toml").read_text())
    assert config == {"title": "Own folders", "theme": "plain", "params": {"kept": True}}


def test_a_folder_the_default_name_holds_already_is_left_as_it_is(tmp_path: Path) -> None:
    source = write_tree(
        tmp_path / "site",
        {
            "hugo.toml": b'title = "x"\nlayoutDir = "tpl"\n',
            "tpl/index.html": b"a",
            "layouts/index.html": b"b",
        },
    )
    adapt(source, ())
    assert (source / "tpl/index.html").read_bytes() == b"a" and "layoutDir" in (
        source / "hugo.toml"
    ).read_text()


def test_an_example_sites_empty_theme_and_themes_dir_outside_build_with_its_own_layouts(
    tmp_path: Path,
) -> None:
    """docco's example config, copied whole: `theme = ""` and `themesdir = "../.."`. It was refused as a
    themesDir outside the repository; the empty theme names no theme, so the site builds with its
    own layouts and themesDir replaced by themes/ (Hugo looked for a module named "" otherwise)."""
    source = write_tree(
        tmp_path / "site",
        {
            "config.toml": b'title = "Docs"\ntheme = ""\nthemesdir = "../.."\n',
            "layouts/index.html": b"<html>{{ range site.RegularPages }}[{{ .Title }}]{{ end }}</html>",
            "content/guide.md": b"---\ntitle: Guide\n---\nText.\n",
        },
    )
    with pytest.raises(BuildError, match="themesdir"):
        build(source, tmp_path / "before")
    adapt(source, ())
    assert "[Guide]" in build(source, tmp_path / "public")
    assert tomllib.loads((source / "config.toml").read_text()) == {"title": "Docs", "themesdir": "../.."}
