"""Config settings Hugo removed and now refuses (getJSON's and getCSV's caches, as Hugo's docs once
showed and sites copied; the minifier settings Hugo 0.150 removed), through the real Hugo: the site
fails as it is, and builds once the fetch stage has left them out of its config copy, with everything
else kept and a note naming the file; what cannot be taken out exactly is left for Hugo."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import yaml

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from chalicelib.oldhugo import adapt
from chalicelib.removedsettings import drop_removed_settings
from tests.conftest import write_tree

TOML = (
    b'title = "Old"\n[caches]\n  [caches.getjson]\n    dir = ":cacheDir/:project"\n    maxAge = "10s"\n'
    b'  [caches.images]\n    maxAge = "24h"\n  [caches.getCSV]\n    maxAge = -1\n\n[params]\nkept = true\n'
)
PAGES = {"layouts/home.html": b"<html>{{ site.Params.kept }}</html>"}


def build(source: Path, public: Path) -> str:
    build_site(source, public, base_url="https://example.org/", work_dir=public.parent / f"{public.name}-w")
    return (public / "index.html").read_text()


def test_minifier_settings_hugo_removed_fail_and_build_without_them(tmp_path: Path) -> None:
    # A blog's config from before Hugo 0.150 (gopherine's): both fail the build.
    config = (
        b'title = "Old"\n[minify]\nminifyOutput = true\n[minify.tdewolff.html]\n'
        b"keepConditionalComments = false\nkeepWhitespace = false\n[minify.tdewolff.css]\nkeepCSS2 = true\n"
        b"decimals = 2\n[params]\nkept = true\n"
    )
    source = write_tree(tmp_path / "site", {"hugo.toml": config, **PAGES})
    with pytest.raises(BuildError, match=r"keepconditionalcomments was deprecated in Hugo v0\.150\.0"):
        build(source, tmp_path / "before")
    (note,) = drop_removed_settings(source)
    assert (
        "minify.tdewolff.html.keepconditionalcomments (set minify.tdewolff.html.keepSpecialComments)" in note
    )
    assert tomllib.loads((source / "hugo.toml").read_text()) == {
        "title": "Old",
        "minify": {"minifyOutput": True, "tdewolff": {"html": {"keepWhitespace": False}, "css": {}}},
        "params": {"kept": True},
    }
    assert build(source, tmp_path / "public") == "<html>true</html>"


def test_render_hooks_enable_default_fails_and_builds_without_it(tmp_path: Path) -> None:
    # A real site's hugo.json: Hugo 0.148 removed `enableDefault` (`useEmbedded` replaced it).
    config = {
        "title": "Old",
        "markup": {
            "goldmark": {"renderHooks": {"image": {"enableDefault": True}, "link": {"enableDefault": True}}}
        },
        "params": {"kept": True},
    }
    source = write_tree(tmp_path / "site", {"hugo.json": json.dumps(config).encode(), **PAGES})
    with pytest.raises(BuildError, match=r"enableDefault|enabledefault"):
        build(source, tmp_path / "before")
    (note,) = drop_removed_settings(source)
    assert (
        "markup.goldmark.renderhooks.image.enabledefault (set markup.goldmark.renderHooks.image.useEmbedded"
        in note
    )
    assert json.loads((source / "hugo.json").read_text())["params"] == {"kept": True}
    assert build(source, tmp_path / "public") == "<html>true</html>"


def test_a_getjson_cache_fails_and_builds_without_it(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", {"hugo.toml": TOML, **PAGES})
    with pytest.raises(BuildError, match=r'"get(json|csv)" is not a valid cache name'):
        build(source, tmp_path / "before")
    (note,) = [n for n in adapt(source, ()) if "Hugo removed and now refuses" in n]
    assert note.startswith(
        "hugo.toml sets what Hugo removed and now refuses, so it is built without it: caches.getjson (set "
        "nothing: resources.GetRemote, which replaced getJSON, is cached as getresource); caches.getcsv"
    )
    assert tomllib.loads((source / "hugo.toml").read_text()) == {
        "title": "Old",
        "caches": {"images": {"maxAge": "24h"}},
        "params": {"kept": True},
    }
    assert build(source, tmp_path / "public") == "<html>true</html>"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "hugo.yaml",
            "title: Old\ncaches:\n  getjson:\n    maxAge: 10s\n  images:\n    maxAge: 24h\n  getcsv:\n"
            "    maxAge: -1\nparams:\n  kept: true\n",
            {"title": "Old", "caches": {"images": {"maxAge": "24h"}}, "params": {"kept": True}},
        ),
        (
            "config/_default/caches.toml",
            '[getjson]\nmaxAge = "1h"\n[assets]\nmaxAge = "2h"\n',
            {"assets": {"maxAge": "2h"}},
        ),
        (
            "config/_default/hugo.toml",
            'title = "Old"\n[caches]\ngetjson.maxAge = "1h"\ngetcsv = { maxAge = "1h" }\n'
            'assets.maxAge = "2h"\n',
            {"title": "Old", "caches": {"assets": {"maxAge": "2h"}}},
        ),
        (
            "hugo.json",
            '{"title": "Old", "caches": {"getjson": {"maxAge": "1h"}}}',
            {"title": "Old", "caches": {}},
        ),
    ],
)
def test_each_format_keeps_everything_else(tmp_path: Path, name: str, text: str, expected: object) -> None:
    source = write_tree(tmp_path / "site", {name: text.encode(), **PAGES})
    assert len(drop_removed_settings(source)) == 1
    written = (source / name).read_text()
    loaded = (
        tomllib.loads(written)
        if name.endswith(".toml")
        else (json.loads(written) if name.endswith(".json") else yaml.safe_load(written))
    )
    assert loaded == expected
    build(source, tmp_path / "public")


@pytest.mark.parametrize(
    "text",
    [
        b'title = "x"\n[caches]\ngetjson = { maxAge = [\n  "1h"\n] }\n',  # a value over lines
        b'title = "x"\n[caches]\n[caches.images]\nmaxAge = "1h"\n',  # nothing removed to remove
    ],
)
def test_what_cannot_be_taken_out_exactly_is_left(tmp_path: Path, text: bytes) -> None:
    source = write_tree(tmp_path / "site", {"hugo.toml": text})
    assert drop_removed_settings(source) == []
    assert (source / "hugo.toml").read_bytes() == text


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        # A theme's docs named the menu its templates read (jag10's blog); older Hugo passed it over.
        (
            "config.yaml",
            'DefaultContentLanguage: "en"\nmenu:                   "main"\nparams:\n  kept: true\n',
            {"DefaultContentLanguage": "en", "params": {"kept": True}},
        ),
        (
            "hugo.toml",
            'title = "Old"\nmenus = ["main"]\n[params]\nkept = true\n',
            {"title": "Old", "params": {"kept": True}},
        ),
    ],
)
def test_a_menu_setting_that_is_not_a_table_fails_and_builds_without_it(
    tmp_path: Path, name: str, text: str, expected: object
) -> None:
    source = write_tree(tmp_path / "site", {name: text.encode(), **PAGES})
    with pytest.raises(BuildError, match='failed to decode "menus"'):
        build(source, tmp_path / "before")
    (note,) = drop_removed_settings(source)
    assert note.startswith(f"{name} sets what Hugo removed and now refuses, so it is built without it: menu")
    written = (source / name).read_text()
    assert (tomllib.loads(written) if name.endswith(".toml") else yaml.safe_load(written)) == expected
    assert build(source, tmp_path / "public") == "<html>true</html>"


def test_a_menu_table_is_kept(tmp_path: Path) -> None:
    text = b'title = "Menus"\n[[menu.main]]\nname = "Home"\nurl = "/"\n[params]\nkept = true\n'
    source = write_tree(tmp_path / "site", {"hugo.toml": text, **PAGES})
    assert drop_removed_settings(source) == []
    assert (source / "hugo.toml").read_bytes() == text


@pytest.mark.parametrize(("name", "text"), [("config.yaml", "minify: true\nparams:\n  kept: true\n")])
def test_a_boolean_minify_fails_and_builds_without_it(tmp_path: Path, name: str, text: str) -> None:
    """A real site's `minify: true`: "project config minify was deprecated in Hugo v0.150.0 and
    subsequently removed. Use minify.minifyOutput instead"."""
    source = write_tree(tmp_path / "site", {name: text.encode(), **PAGES})
    with pytest.raises(BuildError, match="minify was deprecated"):
        build(source, tmp_path / "before")
    (note,) = drop_removed_settings(source)
    assert note.endswith(
        "minify (set minify.minifyOutput = true to minify the output, which this build does not)"
    )
    assert yaml.safe_load((source / name).read_text()) == {"params": {"kept": True}}
    assert build(source, tmp_path / "public") == "<html>true</html>"
