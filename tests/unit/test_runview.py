"""How a run reads: status lines with warnings, ages, durations, stage rows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib import runview
from chalicelib.runs import Run, Stage

NOW = datetime(2026, 11, 30, 15, 0, 0, tzinfo=UTC)


def run(status: str = "succeeded", **stage_detail: object) -> Run:
    return Run(
        id="r1",
        site="blog",
        kind="hugo",
        trigger={"type": "push", "summary": "push a1b2c3d to main by ana: Fix typo\nmore"},
        stages=[
            Stage(
                "convert", "succeeded", "2026-11-30T14:50:00Z", "2026-11-30T14:50:20Z", detail=stage_detail
            ),
            Stage(
                "build",
                "failed" if status == "failed" else "succeeded",
                "2026-11-30T14:50:20Z",
                "2026-11-30T14:51:32Z",
                error="hugo failed" if status == "failed" else None,
            ),
            Stage("approval", "skipped"),
        ],
        status=status,
        created_at="2026-11-30T14:50:00Z",
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "-"),
        (-1, "-"),
        (0.4, "0 s"),
        (45, "45 s"),
        (72, "1 m 12 s"),
        (120, "2 m"),
        (7500, "2 h 5 m"),
        (7200, "2 h"),
    ],
)
def test_durations(seconds, text) -> None:
    assert runview.duration(seconds) == text


@pytest.mark.parametrize(
    ("at", "text"),
    [
        ("2026-11-30T14:59:50Z", "just now"),
        ("2026-11-30T14:57:00Z", "3 min ago"),
        ("2026-11-30T12:00:00+00:00", "3 h ago"),
        ("2026-11-29T15:00:00Z", "1 day ago"),
        ("2026-11-20T15:00:00Z", "10 days ago"),
        ("", "-"),
        ("not a time", "-"),
    ],
)
def test_ages(at, text) -> None:
    assert runview.ago(at, NOW) == text


def test_times_read_in_utc() -> None:
    assert runview.when("2026-11-30T14:05:09.123456+00:00") == "2026-11-30 14:05 UTC"
    assert runview.when(None) == "-"


@pytest.mark.parametrize(
    ("status", "detail", "line"),
    [
        ("succeeded", {}, "succeeded"),
        ("succeeded", {"warnings": 39}, "succeeded, 39 warnings"),
        ("succeeded", {"warnings": [{"code": "missing-media"}]}, "succeeded, 1 warning"),
        ("awaiting_approval", {"warnings": 2}, "awaiting approval, 2 warnings"),
        ("failed", {}, "failed at build"),
        ("superseded", {"warnings": "many"}, "superseded"),
    ],
)
def test_status_lines_say_warnings_and_where_it_failed(status, detail, line) -> None:
    assert runview.status_line(run(status, **detail)) == line


def test_a_finished_run_took_from_its_creation_to_its_last_stage() -> None:
    assert runview.run_seconds(run(), NOW) == 92
    active = run("running")
    active.stages[1].finished_at = None
    assert runview.run_seconds(active, NOW) == 600


def test_stage_rows_draw_skipped_neutrally() -> None:
    rows = runview.stage_rows(run("failed", warnings=3), NOW)
    assert [(r.name, r.took, r.warnings, r.neutral) for r in rows] == [
        ("convert", "20 s", 3, False),
        ("build", "1 m 12 s", 0, False),
        ("approval", "-", 0, True),
    ]
    assert rows[1].error == "hugo failed"


def test_the_trigger_reads_as_its_first_line() -> None:
    assert runview.trigger_text(run()) == "push a1b2c3d to main by ana: Fix typo"
    assert runview.trigger_text(Run("r", "s", "hugo", {}, [])) == "-"
