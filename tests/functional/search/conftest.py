"""The local Algolia-protocol server, one per test, and small record sets to sync into it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from standins.algolia import LocalAlgolia

ADMIN_KEY = "adm1n-k3y-never-leaks-7f3a"


@pytest.fixture
def algolia() -> Iterator[LocalAlgolia]:
    with LocalAlgolia(admin_key=ADMIN_KEY) as server:
        yield server


def make_records(count: int, text: str = "text") -> list[dict[str, Any]]:
    return [
        {
            "objectID": f"posts/p{n}/",
            "url_without_anchor": f"/posts/p{n}/",
            "title": f"Post {n}",
            "content": text,
        }
        for n in range(count)
    ]
