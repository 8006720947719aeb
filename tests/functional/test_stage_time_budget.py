"""Long steps stop when the function's time budget runs out, with a message that says so, instead of
being killed by Lambda with nothing recorded."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from chalicelib import hugo
from chalicelib.budget import MARGIN_SECONDS, TimeBudget
from chalicelib.bundle import run_check
from chalicelib.errors import BuildError


def nearly_spent(seconds_left: float) -> TimeBudget:
    """A 900 s function with `seconds_left` s left for the next step (after the margin)."""
    return TimeBudget.starting_now(seconds_left + MARGIN_SECONDS)


@pytest.fixture
def slow_hugo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    script = tmp_path / "hugo"
    # Hugo itself for the mounts check (`hugo config mounts`), a build that outlasts everything after it.
    script.write_text(f'#!/bin/sh\n[ "$1" = config ] && exec {hugo.find_hugo()} "$@"\nexec sleep 60\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv(hugo.ENV_BINARY, str(script))
    return script


def test_a_render_that_outlasts_the_functions_time_fails_with_what_was_left(slow_hugo, tmp_path):
    budget = nearly_spent(2)
    with pytest.raises(BuildError) as failed:
        hugo.build_site(
            tmp_path / "site", tmp_path / "public", base_url="/", work_dir=tmp_path / "work", budget=budget
        )
    assert str(failed.value) == f"Hugo did not finish within the 2 s left of this function's {2 + 30} s"


def test_a_check_command_stops_at_the_functions_budget_when_that_is_shorter(tmp_path):
    with pytest.raises(BuildError, match=r"^the check command `sleep 60` did not finish within the 2 s left"):
        run_check(("sleep", "60"), tmp_path, 300, nearly_spent(2))


def test_a_check_command_keeps_the_sites_own_timeout_when_that_is_shorter(tmp_path):
    with pytest.raises(BuildError, match="within 1 s; raise check_timeout"):
        run_check(("sleep", "60"), tmp_path, 1, nearly_spent(600))
