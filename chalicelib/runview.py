"""A run as people read it: its status line (warnings included), its age and duration in words, and each
stage's times. One source for the terminal (`presslift runs`), the dashboard and the emails.

Pure: it reads a `Run` and a clock, and never stores, fetches or formats HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib.runs import Run, Stage

#: Statuses that end a run without anything having gone wrong: drawn neutrally, never as errors.
NEUTRAL = frozenset({"superseded", "skipped", "expired", "rejected"})
#: Runs whose record will change without anyone doing anything (not those waiting for a person).
ACTIVE = frozenset({"running"})


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 time as the run records write it (always UTC); None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def when(value: str | None) -> str:
    """`2026-11-30 14:05 UTC`: a time people read, in the one zone every record uses."""
    parsed = parse_time(value)
    return parsed.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if parsed else "-"


def duration(seconds: float | None) -> str:
    """`45 s`, `1 m 12 s`, `2 h 5 m`; `-` when unknown."""
    if seconds is None or seconds < 0:
        return "-"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} m {secs} s" if secs else f"{minutes} m"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} m" if minutes else f"{hours} h"


def ago(value: str | None, now: datetime) -> str:
    """`just now`, `3 min ago`, `2 h ago`, `4 days ago`."""
    parsed = parse_time(value)
    if parsed is None:
        return "-"
    seconds = (now - parsed).total_seconds()
    if seconds < 45:
        return "just now"
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min ago"
    if seconds < 86400:
        return f"{round(seconds / 3600)} h ago"
    days = round(seconds / 86400)
    return f"{days} day{'s' if days != 1 else ''} ago"


def between(start: str | None, end: str | None, now: datetime | None = None) -> float | None:
    """Seconds from `start` to `end` (to `now` while it has not ended)."""
    began, ended = parse_time(start), parse_time(end) or now
    if began is None or ended is None:
        return None
    return max(0.0, (ended - began).total_seconds())


def warnings_of(stage: Stage) -> int:
    """How many warnings a stage recorded (its `warnings` detail: a count, or the list itself)."""
    found = stage.detail.get("warnings", 0)
    if isinstance(found, list):
        return len(found)
    return found if isinstance(found, int) else 0


def warning_count(run: Run) -> int:
    return sum(warnings_of(stage) for stage in run.stages)


def status_line(run: Run) -> str:
    """`succeeded`, `succeeded, 39 warnings`, `failed at build`, `awaiting approval`."""
    words = run.status.replace("_", " ")
    if run.status == "failed":
        failed = next((s.name for s in run.stages if s.status == "failed"), "")
        words += f" at {failed}" if failed else ""
    count = warning_count(run)
    if count:
        words += f", {count} warning{'s' if count != 1 else ''}"
    return words


def run_seconds(run: Run, now: datetime) -> float | None:
    """From the run's creation to its last stage's end (to now while it is active)."""
    ends = [s.finished_at for s in run.stages if s.finished_at]
    end = None if not run.finished else (max(ends) if ends else run.updated_at)
    return between(run.created_at, end, now)


def trigger_text(run: Run) -> str:
    """What started the run, in a few words: `push a1b2c3d to main by ana`, `import of blog.xml`."""
    summary = str(run.trigger.get("summary") or run.trigger.get("type") or "")
    return summary.splitlines()[0] if summary else "-"


@dataclass(frozen=True)
class StageRow:
    name: str
    status: str
    started: str
    took: str
    warnings: int
    error: str
    summary: str
    neutral: bool


def stage_rows(run: Run, now: datetime) -> list[StageRow]:
    rows = []
    for stage in run.stages:
        took = None if stage.status == "pending" else between(stage.started_at, stage.finished_at, now)
        rows.append(
            StageRow(
                name=stage.name,
                status=stage.status,
                started=when(stage.started_at),
                took=duration(took),
                warnings=warnings_of(stage),
                error=stage.error or "",
                summary=str(stage.detail.get("summary", "")),
                neutral=stage.status in NEUTRAL,
            )
        )
    return rows


def as_json(run: Run, now: datetime) -> dict[str, Any]:
    """The run's record with what people read added (`--json` output)."""
    return {
        **run.to_dict(),
        "status_line": status_line(run),
        "warnings": warning_count(run),
        "seconds": run_seconds(run, now),
    }
