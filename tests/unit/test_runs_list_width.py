"""`presslift runs` and `watch` on a terminal of any width: a line per run while the trigger has
room, the least needed columns left out before that, and each run on its own lines below it. At 60
columns each run had been folded over a dozen lines, and at 100 its status cut to `su…`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from chalicelib.runs import Run
from presslift.runstable import runs_table

RECORDS = Path(__file__).parent / "records"
NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def _runs() -> list[Run]:
    records = sorted(RECORDS.glob("*.json"))
    runs = [Run.from_dict(json.loads(path.read_text())) for path in records]
    return [run for run in runs if run.stages][:6]


def _shown(width: int | None) -> list[str]:
    console = Console(width=width or 400, force_terminal=True, color_system=None)
    with console.capture() as captured:
        console.print(runs_table(_runs(), NOW, width))
    return [line.rstrip() for line in captured.get().splitlines()]


@pytest.mark.parametrize("width", [80, 100, 120, 160])
def test_each_run_is_one_line_with_its_whole_id_and_status(width: int) -> None:
    lines = _shown(width)
    runs = _runs()
    assert lines[0].startswith("RUN ") and "TRIGGER" in lines[0] and "STATUS" in lines[0]
    assert len(lines) == len(runs) + 1
    for run, line in zip(runs, lines[1:], strict=True):
        assert line.startswith(run.id + " ") and len(line) <= width, line
        assert run.status.replace("_", " ") in line, line


def test_the_trigger_is_cut_with_an_ellipsis_and_the_least_needed_columns_go_first() -> None:
    header = _shown(80)[0].split()
    assert header[:4] == ["RUN", "SITE", "TRIGGER", "STATUS"] and "TOOK" not in header
    wide = _shown(160)[0].split()
    assert wide == ["RUN", "SITE", "TRIGGER", "STATUS", "AGE", "TOOK", "WARNINGS"]
    assert any("…" in line for line in _shown(80)[1:])


@pytest.mark.parametrize("width", [80, 90, 100, 120, 160])
def test_a_runs_warnings_are_shown_at_every_width(width: int) -> None:
    """At 80 columns the WARNINGS column was left out, and a run with 60 warnings looked clean."""
    from chalicelib import runview

    runs = _runs()
    lines = _shown(width)
    for run in runs:
        count = runview.warnings(run)
        line = next(line for line in lines if line.startswith(run.id))
        if count and "WARNINGS" not in lines[0]:
            assert f", {count} warning" in line, line
        elif count:
            assert line.rstrip().endswith(str(count)), line
    assert any(runview.warnings(run) for run in runs)


def test_a_narrow_terminal_gets_each_run_on_its_own_lines() -> None:
    lines = _shown(60)
    runs = _runs()
    assert not lines[0].startswith("RUN ")
    for run in runs:
        at = next(n for n, line in enumerate(lines) if line.startswith(run.id))
        assert run.status.replace("_", " ") in lines[at]
        assert run.site in lines[at + 1]
    assert any(" warning" in line for line in lines)


def test_piped_output_is_the_whole_table() -> None:
    lines = _shown(None)
    assert lines[0].split() == ["RUN", "SITE", "TRIGGER", "STATUS", "AGE", "TOOK", "WARNINGS"]
    assert len(lines) == len(_runs()) + 1


@pytest.mark.parametrize("width", [None, 60, 140])
def test_a_commit_message_cannot_drive_the_terminal(width: int | None) -> None:
    """A pushed commit's message `News \\x1b[31mRED` and an uploaded key's OSC title sequence reached
    the terminal raw from `runs` and `watch` (table cells never pass through the console's print)."""
    data = json.loads((RECORDS / "push-approved.json").read_text())
    data["trigger"]["message"] = data["trigger"]["summary"] = "News \x1b[31mRED\x1b]0;t\x07"
    console = Console(width=width or 400, force_terminal=True, color_system=None)
    with console.capture() as captured:
        console.print(runs_table([Run.from_dict(data)], NOW, width))
    assert "\x1b" not in captured.get() and "\x07" not in captured.get()
    assert "\\x1b[31mRED" in captured.get()
