"""getJSON's and getCSV's cache settings (`[caches.getjson]`, as Hugo's docs once showed and sites
copied), which Hugo removed with those functions and now refuses, through the real Hugo: the site fails
as it is, and builds once the fetch stage has left them out of its config copy, with the other caches'
settings kept and a note naming the file; what cannot be taken out exactly is left for Hugo."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import yaml

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from chalicelib.oldhugo import adapt
from chalicelib.removedcaches import drop_removed_caches
from tests.conftest import write_tree

TOML = (
    b'title = "Old"\n[caches]\n  [caches.getjson]\n    dir = ":cacheDir/:project"\n    maxAge = "10s"\n'
    b'  [caches.images]\n    maxAge = "24h"\n  [caches.getCSV]\n    maxAge = -1\n\n[params]\nkept = true\n'
)
PAGES = {"layouts/home.html": b"<html>{{ site.Params.kept }}</html>"}


def build(source: Path, public: Path) -> str:
    build_site(source, public, base_url="https://example.org/", work_dir=public.parent / f"{public.name}-w")
    return (public / "index.html").read_text()


def test_a_getjson_cache_fails_and_builds_without_it(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", {"hugo.toml": TOML, **PAGES})
    with pytest.raises(BuildError, match='"getjson" is not a valid cache name'):
        build(source, tmp_path / "before")
    (note,) = [n for n in adapt(source, ()) if "getJSON or getCSV" in n]
    assert note.startswith("hugo.toml sets caches.getjson, caches.getCSV, the cache of getJSON or getCSV")
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
    assert len(drop_removed_caches(source)) == 1
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
    assert drop_removed_caches(source) == []
    assert (source / "hugo.toml").read_bytes() == text
