"""The packaged functions' wheels: resolved by pip once per requirements file, then read from the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from presslift.packaging import dependencies


@pytest.fixture
def pip_downloads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Stands in for pip: 'downloads' one wheel per pinned line into the cache and records each call."""
    calls: list[Path] = []

    def download(requirements: Path, cache: Path) -> list[Path]:
        calls.append(requirements)
        cache.mkdir(parents=True, exist_ok=True)
        for line in requirements.read_text().split():
            name, version = line.split("==")
            (cache / f"{name}-{version}-py3-none-any.whl").write_bytes(b"")
        return sorted(cache.glob("*.whl"))

    monkeypatch.setattr(dependencies, "download_wheels", download)
    return calls


def test_the_same_requirements_are_resolved_once_and_then_read_from_the_cache(tmp_path, pip_downloads):
    requirements, cache = tmp_path / "requirements.txt", tmp_path / "wheels"
    requirements.write_text("lxml==6.1.3\nsix==1.17.0\n")
    first = dependencies.wheels_for(requirements, cache)
    second = dependencies.wheels_for(requirements, cache)
    assert [w.name for w in first] == ["lxml-6.1.3-py3-none-any.whl", "six-1.17.0-py3-none-any.whl"]
    assert second == first
    assert len(pip_downloads) == 1


def test_a_changed_pin_or_a_missing_wheel_asks_pip_again(tmp_path, pip_downloads):
    requirements, cache = tmp_path / "requirements.txt", tmp_path / "wheels"
    requirements.write_text("lxml==6.1.3\n")
    dependencies.wheels_for(requirements, cache)
    requirements.write_text("lxml==6.1.4\n")
    newer = dependencies.wheels_for(requirements, cache)
    assert [w.name for w in newer] == ["lxml-6.1.4-py3-none-any.whl"]
    assert len(pip_downloads) == 2
    newer[0].unlink()
    again = dependencies.wheels_for(requirements, cache)
    assert [w.name for w in again] == ["lxml-6.1.4-py3-none-any.whl"] and again[0].is_file()
    assert len(pip_downloads) == 3
