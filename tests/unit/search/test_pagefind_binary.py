from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.search import pagefind


def test_the_environment_override_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pagefind.ENV_BINARY, "/somewhere/pagefind")
    assert pagefind.find_pagefind() == Path("/somewhere/pagefind")


def test_the_wheels_binary_is_found_without_a_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pagefind.ENV_BINARY, raising=False)
    monkeypatch.setattr(pagefind, "LAYER_BINARY", Path("/nonexistent/opt/bin/pagefind"))
    found = pagefind.find_pagefind()
    assert found.name == "pagefind" and "pagefind_bin" in found.parts


def test_a_missing_tree_is_a_build_error(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="no such folder"):
        pagefind.index_with_pagefind(tmp_path / "missing")
