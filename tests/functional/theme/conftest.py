"""Fixtures for the theme's tests: session-scoped builds, so each site is built once per run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.functional.theme.theme_build import SITES, SUB_PATH_BASE_URL, Built, build_site


@pytest.fixture(scope="session")
def build_with_theme(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Built]:
    def _build(source: Path, base_url: str | None = None, config: str = "") -> Built:
        return build_site(source, tmp_path_factory.mktemp("hugo"), base_url, config)

    return _build


@pytest.fixture(scope="session")
def blog(build_with_theme: Callable[..., Built]) -> Built:
    """The test blog, built under a sub-path baseURL as the local cloud serves it."""
    return build_with_theme(SITES / "blog", SUB_PATH_BASE_URL)
