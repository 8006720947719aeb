"""A run as people read it: times, durations, the status line with its warnings, tones, push links."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib import runview
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage
from chalicelib.units import stopwatch

NOW = datetime(2026, 11, 30, 14, 10, 0, tzinfo=UTC)


def a_run(status: str = "succeeded", **trigger: str) -> Run:
    return Run(
        id="20261130-140500-000-abcdef",
        site="demo",
        kind="hugo",
        trigger=Trigger(**{"type": "import", "summary": "import of demo.xml", **trigger}),  # type: ignore[arg-type]
        status=status,
        stages=[
            Stage(
                "convert",
                "succeeded",
                "2026-11-30T14:05:00.000Z",
                "2026-11-30T14:05:40.500Z",
                detail={"warnings": 39},
            ),
            Stage("build", "succeeded", "2026-11-30T14:05:41.000Z", "2026-11-30T14:06:12.000Z"),
            Stage("deploy-staging", "succeeded", "2026-11-30T14:06:12.000Z", "2026-11-30T14:06:53.000Z"),
        ],
    )


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0 s"), (45.9, "45 s"), (72, "1 m 12 s"), (3600, "1 h 0 m"), (7500, "2 h 5 m"), (-3, "0 s")],
)
def test_stopwatch(seconds: float, shown: str) -> None:
    assert stopwatch(seconds) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-11-30T14:05:00.123Z", "2026-11-30 14:05 UTC"),
        ("2026-11-30T15:05:00+01:00", "2026-11-30 14:05 UTC"),
        ("2026-11-30T14:05:00", "2026-11-30 14:05 UTC"),
        ("yesterday", ""),
        (None, ""),
        (17, ""),
    ],
)
def test_when_is_utc_to_the_minute_and_blank_for_no_time(value: object, shown: str) -> None:
    assert runview.when(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-11-30T14:09:55Z", "just now"),
        ("2026-11-30T14:07:00Z", "3 min ago"),
        ("2026-11-30T11:00:00Z", "3 h ago"),
        ("2026-11-28T14:10:00Z", "2 days ago"),
        ("2026-11-30T14:15:00Z", "in 5 min"),
        ("", ""),
    ],
)
def test_ago(value: str, shown: str) -> None:
    assert runview.ago(value, NOW) == shown


def test_durations_of_a_finished_and_a_running_stage() -> None:
    assert runview.took("2026-11-30T14:05:00Z", "2026-11-30T14:06:12.900Z", NOW) == "1 m 12 s"
    assert runview.took("2026-11-30T14:09:00Z", None, NOW) == "1 m 0 s so far"
    assert runview.took(None, None, NOW) == ""


def test_a_run_took_from_its_first_start_to_its_last_finish() -> None:
    assert runview.run_took(a_run(), NOW) == "1 m 53 s"
    running = a_run("running")
    assert runview.run_took(running, NOW) == "5 m 0 s so far"


def test_a_run_waiting_for_a_person_took_what_it_took_to_get_there() -> None:
    run = a_run("awaiting_approval")
    run.stages.append(Stage("approval", "waiting", "2026-11-30T14:06:53.000Z"))
    assert runview.run_took(run, NOW) == "1 m 53 s to reach approval"


def test_the_status_line_counts_warnings() -> None:
    assert runview.status_line(a_run()) == "succeeded, 39 warnings"
    run = a_run("awaiting_approval")
    run.stages[0].detail["warnings"] = 1
    assert runview.status_line(run) == "awaiting approval, 1 warning"
    run.stages[0].detail["warnings"] = "lots"  # a hand-edited record counts nothing
    assert runview.status_line(run) == "awaiting approval"


@pytest.mark.parametrize(
    ("status", "tone"),
    [
        ("superseded", "neutral"),
        ("skipped", "neutral"),
        ("failed", "bad"),
        ("succeeded", "ok"),
        ("running", "active"),
        ("something-new", "neutral"),
    ],
)
def test_superseded_and_skipped_are_drawn_neutrally(status: str, tone: str) -> None:
    assert runview.tone(status) == tone


def test_a_push_links_its_commit_and_githubs_compare_view() -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    compare = "https://github.com/acme/blog/compare/aaaaaaaaaaaa...0123456789ab"
    links = runview.push_links(a_run(type="push", repository="acme/blog", sha=sha, compare=compare))
    assert links == runview.PushLinks(f"https://github.com/acme/blog/commit/{sha}", compare, "0123456")


@pytest.mark.parametrize(
    ("repository", "sha", "compare", "commit", "shown_compare"),
    [
        ("acme/blog", "abc123", "javascript:alert(1)", "https://github.com/acme/blog/commit/abc123", ""),
        (
            "acme/blog",
            "abc123",
            "https://ghe.example/x",
            "https://ghe.example/acme/blog/commit/abc123",
            "https://ghe.example/x",
        ),
        ("../../evil", "abc123", "", "", ""),
        ("acme/blog", 'abc"><x', "", "", ""),
    ],
)
def test_push_links_from_a_hostile_payload_are_not_links(
    repository: str, sha: str, compare: str, commit: str, shown_compare: str
) -> None:
    links = runview.push_links(a_run(type="push", repository=repository, sha=sha, compare=compare))
    assert (links.commit, links.compare) == (commit, shown_compare)


def test_runs_of_other_triggers_have_no_push_links() -> None:
    assert runview.push_links(a_run()) == runview.PushLinks()


def test_a_failed_run_says_where() -> None:
    run = a_run("failed")
    run.stages[1].status = "failed"
    assert runview.status_line(run) == "failed at build, 39 warnings"


def test_the_trigger_reads_as_its_first_line() -> None:
    assert runview.trigger_text(a_run(summary="push a1b2c3d to main by ana: Fix typo\nmore")) == (
        "push a1b2c3d to main by ana: Fix typo"
    )
    assert runview.trigger_text(Run("r", "s", "hugo", Trigger("import", " \n"), [])) == "-"


def test_the_json_of_a_run_adds_what_people_read() -> None:
    data = runview.as_json(a_run(), NOW)
    assert (data["status_line"], data["warnings"], data["took"]) == ("succeeded, 39 warnings", 39, "1 m 53 s")
    assert data["started"] == "2026-11-30 14:05 UTC"
    assert data["id"] == "20261130-140500-000-abcdef"
