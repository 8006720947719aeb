"""The local GitHub server, started once per test on a free port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from standins.github import LocalGitHub


@pytest.fixture
def github() -> Iterator[LocalGitHub]:
    with LocalGitHub() as server:
        yield server
