"""The dashboard's page of one run: its story (stage timeline, times, durations, warnings named one by
one, logs as text, the push's commit and compare, the plan file by file, the pages that change).

`gather` reads what the run record points at (its logs and its conversion report) from the artifacts
bucket; `render` turns run and reads into HTML through `web.render` (Jinja2, autoescaped: a log line or
a warning is text, never markup). Reading never changes anything; the page carries no script and
refreshes itself (a meta refresh, which the dashboard's CSP allows) only while the run is running.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib import runview, web
from chalicelib.artifacts import ArtifactStore
from chalicelib.config import ApiLinks
from chalicelib.errors import PipelineError
from chalicelib.runs import Run

#: The tail of a log the page shows (a Hugo log can be megabytes); the raw link has all of it.
LOG_TAIL_CHARS = 64_000
#: Warnings listed on the page; the report (raw link) has every one.
WARNINGS_LISTED = 500
#: Seconds between reloads of an unfinished run's page.
REFRESH_SECONDS = 5


@dataclass(frozen=True)
class Log:
    name: str
    text: str
    truncated: bool = False


@dataclass(frozen=True)
class Warning:
    """One conversion warning: `code` (stable), what and where (`message`), and the item it concerns."""

    code: str
    message: str
    item: str = ""


@dataclass
class RunReads:
    """What the page shows beside the run record; `problems` says what could not be read, and why."""

    logs: list[Log] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    warnings_total: int = 0
    reports: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def log_names(run: Run) -> list[str]:
    """The run's logs and reports by file name, in stage order, each once."""
    names: list[str] = []
    for stage in run.stages:
        for key in ("log_key", "report_key"):
            value = stage.detail.get(key)
            if isinstance(value, str) and value:
                name = value.rsplit("/", 1)[-1]
                if name not in names:
                    names.append(name)
    return names


def gather(store: ArtifactStore, run: Run) -> RunReads:
    reads = RunReads()
    own = [Warning(w["code"], w["message"], w["item"]) for w in runview.stage_warning_list(run)]
    reads.warnings.extend(own[:WARNINGS_LISTED])
    reads.warnings_total += len(own)
    for name in log_names(run):
        try:
            text, _ = store.get_log(run.site, run.id, name)
        except PipelineError as exc:
            reads.problems.append(f"{name}: {exc}")
            continue
        if name.endswith(".json"):
            reads.reports.append(name)
            _read_report(reads, name, text)
        else:
            tail = text[-LOG_TAIL_CHARS:]
            reads.logs.append(Log(name, tail, truncated=len(tail) < len(text)))
    return reads


def _read_report(reads: RunReads, name: str, text: str) -> None:
    """A conversion report's warnings (see `wordpress.report`); one that is not such a report is noted."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        reads.problems.append(f"{name}: not JSON ({exc})")
        return
    items = data.get("warnings") if isinstance(data, dict) else None
    if not isinstance(items, list):
        reads.problems.append(f"{name}: has no list of warnings")
        return
    found = [
        Warning(str(item.get("code", "")), str(item.get("message", "")), str(item.get("item") or ""))
        for item in items
        if isinstance(item, dict)
    ]
    reads.warnings_total += len(found)
    reads.warnings.extend(found[: max(0, WARNINGS_LISTED - len(reads.warnings))])


def render(run: Run, reads: RunReads, *, links: ApiLinks, now: datetime) -> str:
    return web.render(
        "run.html",
        run=run,
        reads=reads,
        plans=runview.plans(run),
        push=runview.push_links(run),
        links=links,
        now=now,
        refresh=REFRESH_SECONDS if run.status == "running" else None,
    )
