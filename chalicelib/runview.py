"""A run as a person reads it: times in UTC and "3 min ago", durations, a status line that counts the
warnings, the tone a status is drawn in, the commit and compare links of a push, and its plans file by
file with the pages they change.

Pure: the dashboard, its run page and the emails all describe runs through these functions, so a run
reads the same everywhere. Nothing here talks to AWS or renders HTML, and nothing here decides.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from chalicelib import cost, prices
from chalicelib.runs import Run, Stage
from chalicelib.units import human_duration, stopwatch
from chalicelib.usage import Usage

log = logging.getLogger(__name__)

#: How a status is drawn: a superseded run or a skipped stage is no error, so it is drawn neutrally.
TONES = {
    "succeeded": "ok",
    "failed": "bad",
    "rejected": "bad",
    "expired": "bad",
    "running": "active",
    "waiting": "active",
    "awaiting_approval": "active",
    "superseded": "neutral",
    "skipped": "neutral",
    "pending": "neutral",
}

REPOSITORY = re.compile(r"[A-Za-z0-9-]+/[A-Za-z0-9_.-]+")
SHA = re.compile(r"[0-9a-fA-F]{4,64}")
#: GitHub (or GitHub Enterprise) pages that a push may link to; anything else is not made a link.
LINK_SCHEMES = ("https", "http")


def parse_time(value: object) -> datetime | None:
    """A stored ISO 8601 time (`...Z` or with an offset) as an aware UTC datetime; None when absent or
    not a time (a hand-edited record must not break a page)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def when(value: object) -> str:
    """`2026-11-30 14:05 UTC`; empty for no time."""
    moment = parse_time(value)
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else ""


def ago(value: object, now: datetime) -> str:
    """`just now`, `3 min ago`, `2 h ago`, `in 5 min` (a time ahead of `now`); empty for no time."""
    moment = parse_time(value)
    if moment is None:
        return ""
    seconds = (now - moment).total_seconds()
    if abs(seconds) < 10:
        return "just now"
    span = human_duration(abs(seconds))
    return f"{span} ago" if seconds > 0 else f"in {span}"


def took(started: object, finished: object, now: datetime) -> str:
    """`1 m 12 s` from start to finish; `1 m 12 s so far` while it runs; empty when it never started."""
    start = parse_time(started)
    if start is None:
        return ""
    end = parse_time(finished)
    if end is None:
        return f"{stopwatch((now - start).total_seconds())} so far"
    return stopwatch((end - start).total_seconds())


def run_started(run: Run) -> str:
    return next((s.started_at for s in run.stages if s.started_at), None) or run.created_at


def run_finished(run: Run) -> str | None:
    """When a finished run ended (its last stage's finish, else its last write); None while it runs."""
    if not run.finished:
        return None
    ends = [stage.finished_at for stage in run.stages if stage.finished_at]
    return max(ends, key=lambda end: parse_time(end) or datetime.min.replace(tzinfo=UTC), default=None) or (
        run.updated_at
    )


def run_took(run: Run, now: datetime) -> str:
    """How long the run took; while it waits for a person, how long it took to get there (the wait is
    the approver's, shown by its expiry, not the pipeline's)."""
    if run.status == "awaiting_approval":
        asked = next((s.started_at for s in run.stages if s.status == "waiting" and s.started_at), None)
        if asked:
            return f"{took(run_started(run), asked, now)} to reach approval"
    return took(run_started(run), run_finished(run), now)


def stage_warnings(stage: Stage) -> int:
    count = stage.detail.get("warnings")
    return count if isinstance(count, int) and not isinstance(count, bool) and count > 0 else 0


def warnings(run: Run) -> int:
    return sum(stage_warnings(stage) for stage in run.stages)


def warning_brief(run: Run, listed: int = 5) -> list[str]:
    """What an approver reads of the run's warnings before deciding: how many by stage, the conversion's
    summary, and the first warnings kept on the run ([] for none). The approval email and page said
    nothing of 60 warnings (images still on the old site, a post not published); the approver is often
    no operator, who would read them with `presslift show`."""
    total = warnings(run)
    if not total:
        return []
    by_stage = ", ".join(
        f"{stage.name} {stage_warnings(stage)}" for stage in run.stages if stage_warnings(stage)
    )
    lines = [f"{plural(total, 'warning')} ({by_stage}); the run's page lists them all:"]
    for stage in run.stages:
        summary = stage.detail.get("summary")
        if stage.name == "convert" and stage_warnings(stage) and isinstance(summary, str):
            lines.append(f"convert: {summary}")
    kept = stage_warning_list(run)
    lines += [f"{w['code']}: {w['message'][:300]}" for w in kept[:listed]]
    if len(kept) > listed:
        lines.append(f"and {len(kept) - listed} more")
    return lines


def stage_warning_list(run: Run) -> list[dict[str, str]]:
    """Warnings a stage keeps on the run itself (`warning_list` in its detail: code, message, item),
    for the views to name one by one beside the conversion report's."""
    found: list[dict[str, str]] = []
    for stage in run.stages:
        listed = stage.detail.get("warning_list")
        for entry in listed if isinstance(listed, list) else []:
            if isinstance(entry, dict):
                found.append(
                    {
                        "stage": stage.name,
                        "code": str(entry.get("code", "")),
                        "message": str(entry.get("message", "")),
                        "item": str(entry.get("item") or ""),
                    }
                )
    return found


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def status_line(run: Run) -> str:
    """`succeeded`, `succeeded, 39 warnings`, `awaiting approval, 1 warning`, `failed at build`."""
    status = run.status.replace("_", " ")
    failed = next((stage.name for stage in run.stages if stage.status == "failed"), "")
    if run.status == "failed" and failed:
        status += f" at {failed}"
    count = warnings(run)
    return f"{status}, {plural(count, 'warning')}" if count else status


def tone(status: str) -> str:
    return TONES.get(status, "neutral")


@dataclass(frozen=True)
class PushLinks:
    """Where a push run's commit and its compare view live on GitHub (either may be empty)."""

    commit: str = ""
    compare: str = ""
    short_sha: str = ""


def push_links(run: Run) -> PushLinks:
    """The commit and compare URLs of a push run, from what its trigger kept of the push payload
    (`repository` as `owner/name`, `sha`, and GitHub's own `compare` URL); empty for other runs.

    The compare URL is the payload's, so it is shown only when it is an http(s) URL on the same host as
    the commit link (its host, or github.com): a payload is input, and a page must not turn it into a
    `javascript:` link.
    """
    repository, sha, compare = run.trigger.repository, run.trigger.sha, run.trigger.compare
    if not repository or not sha:
        return PushLinks()
    origin = _origin(compare)
    commit = ""
    if REPOSITORY.fullmatch(repository) and ".." not in repository and SHA.fullmatch(sha):
        commit = f"{origin or 'https://github.com'}/{repository}/commit/{sha}"
    return PushLinks(commit, compare if origin else "", sha[:7])


def _origin(url: str) -> str:
    """`https://github.com` of an http(s) URL; empty for anything else."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in LINK_SCHEMES and parts.netloc else ""


def changed_pages(site_url: str, files: list[dict[str, Any]]) -> list[str]:
    """The URLs of the HTML pages a plan uploads (`posts/x/index.html` -> `{site_url}posts/x/`); an
    alias's redirect object is no page."""
    pages = []
    for entry in files:
        path = str(entry.get("path", ""))
        if entry.get("reason") == "delete" or entry.get("redirect") or not path.endswith((".html", ".htm")):
            continue
        pages.append(site_url + (path.removesuffix("index.html") if path.endswith("index.html") else path))
    return pages


@dataclass(frozen=True)
class Plan:
    """One deploy's plan as the page lists it."""

    title: str
    text: str
    files: list[dict[str, Any]]
    more: int
    pages: list[str]


def plans(run: Run) -> list[Plan]:
    """The plans a run carries: each deploy stage's, then prod's at approval time (while it waits)."""
    found = []
    for stage in run.stages:
        detail = stage.detail
        if "plan_text" in detail:
            found.append(
                _plan(
                    stage.name,
                    detail.get("plan_text"),
                    detail.get("plan_files"),
                    str(detail.get("url") or ""),
                )
            )
    planned = approval_plan(run)
    if planned and not any(p.title == "deploy-prod" for p in found):
        found.append(planned)
    return found


def approval_plan(run: Run) -> Plan | None:
    """Prod's plan as the approval showed it; None for a run that never asked for one."""
    approval = run.approval
    if approval is None or not approval.plan_text:
        return None
    return _plan(
        "prod, as planned for the approval", approval.plan_text, approval.plan_files, run.urls.get("prod", "")
    )


def _plan(title: str, text: object, found: object, site_url: str) -> Plan:
    listed: dict[str, Any] = found if isinstance(found, dict) else {}
    files = [entry for entry in listed.get("files", []) if isinstance(entry, dict)]
    more = listed.get("more", 0) if isinstance(listed.get("more"), int) else 0
    return Plan(title, str(text or ""), files, more, changed_pages(site_url, files))


def trigger_text(run: Run) -> str:
    """What started the run, in a line: `push a1b2c3d to main by ana: Fix typo`, `import of blog.xml`."""
    summary = run.trigger.text
    return summary.splitlines()[0] if summary.strip() else "-"


def run_usage(run: Run) -> Usage | None:
    """What the run's stages used, summed; None when no stage recorded any (a run from before)."""
    found = [Usage.from_dict(stage.detail["usage"]) for stage in run.stages if "usage" in stage.detail]
    return cost.total_usage(found) if found else None


def run_cost(run: Run) -> cost.Cost | None:
    """The run's cost at the price table's list prices; None when nothing was recorded, or the table
    does not load (its one-line error is in the log)."""
    return _priced(run_usage(run), f"run {run.id}")


def stage_cost(stage: Stage) -> cost.Cost | None:
    """One stage's cost, as `run_cost`; None for a stage that recorded no usage."""
    recorded = Usage.from_dict(stage.detail["usage"]) if "usage" in stage.detail else None
    return _priced(recorded, f"stage {stage.name}")


def _priced(used: Usage | None, where: str) -> cost.Cost | None:
    if used is None:
        return None
    try:
        return cost.price(used, cost.table())
    except prices.PriceTableError as exc:
        log.warning("%s: no cost: %s", where, exc)
        return None


def cost_line(run: Run) -> str:
    """`$0.0012 (Lambda GB-seconds $0.0010, S3 PUTs $0.0002; us-east-1 list prices of 2026-11-30)`;
    empty when the run recorded no usage."""
    priced = run_cost(run)
    return cost.line(priced) if priced is not None else ""


def as_json(run: Run, now: datetime) -> dict[str, Any]:
    """The run's record with what people read added (the terminal's `--json`)."""
    priced = run_cost(run)
    return {
        **run.to_dict(),
        "status_line": status_line(run),
        "warnings": warnings(run),
        "started": when(run_started(run)),
        "took": run_took(run, now),
        "cost": priced.to_dict() if priced is not None else None,
        "cost_line": cost.line(priced) if priced is not None else "",
    }
