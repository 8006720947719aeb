"""The terminal as a deploy log: `presslift runs`, `runs RUN` (or `show RUN`), `logs RUN [STAGE]
[--follow]` and `watch`. Read-only: these commands never change a run, and every one has `--json`.

How a run reads (status line, ages, durations) comes from `chalicelib.runview`, as on the dashboard.
"""

from __future__ import annotations

import argparse
import io
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from rich.console import Console, RenderableType
from rich.markup import escape
from rich.table import Table

from chalicelib import runview
from chalicelib.artifacts import ArtifactStore
from chalicelib.errors import NotFoundError
from chalicelib.knownsites import check_known_site
from chalicelib.runs import Run
from chalicelib.services import Services
from presslift.functionlogs import function_logs, print_function_lines
from presslift.runstable import STYLES, runs_table
from presslift.terminal import shown

#: Which logs belong to which stage, for `presslift logs RUN STAGE`.
STAGE_LOGS = {
    "convert": ("conversion-report.json",),
    "build": ("build.log",),
    "build-prod": ("build-prod.log",),
    "review": ("review-build.log",),
}
#: Seconds between looks while following a run or watching.
POLL_SECONDS = 2.0
#: Width of a table when the output is not a terminal: as wide as its rows need.
UNFOLDED_WIDTH = 1000


def _now() -> datetime:
    return datetime.now(UTC)


def _style(status: str) -> str:
    return STYLES[runview.tone(status)]


def _fitted_width(console: Console) -> int | None:
    """The width a list is fitted to: the terminal's; piped or logged, none (whole lines)."""
    return console.width if console.is_terminal else None


def _print_json(console: Console, data: Any) -> None:
    console.print_json(json.dumps(data, default=str)) if console.is_terminal else print(
        json.dumps(data, default=str, indent=2)
    )


def _print_table(console: Console, table: RenderableType) -> None:
    """On a terminal, fitted to it; piped or logged, never folded (a line per row, whole ids and URLs)
    and without the padding that would fill every row out to the longest one (a stage's error can be
    a thousand characters wide)."""
    if console.is_terminal:
        console.print(table)
        return
    plain = Console(file=io.StringIO(), width=UNFOLDED_WIDTH, color_system=None)
    with plain.capture() as captured:
        plain.print(table)
    console.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def cmd_runs(args: argparse.Namespace, svc: Services, console: Console) -> int:
    if getattr(args, "run", None):
        try:
            return cmd_show(args, svc, console)
        except NotFoundError:
            # `presslift runs SITE`, as people type it: no run has that id, and a site has that name
            known = svc.runs.list(site=args.run, limit=1) or args.run in {s.name for s in svc.sites.list()}
            if args.site or not known:
                raise
            args.site = args.run
    if args.site:
        check_known_site(svc, args.site)
    runs = svc.runs.list(limit=args.limit, site=args.site)
    now = _now()
    if args.json:
        _print_json(console, [runview.as_json(run, now) for run in runs])
        return 0
    if not runs:
        console.print(f"No runs yet{' for ' + args.site if args.site else ''}.")
        return 0
    _print_table(console, runs_table(runs, now, _fitted_width(console)))
    return 0


def _warnings(svc: Services, run: Run) -> list[dict[str, str]]:
    """The warnings a run names one by one: its stages' own (a submodule not fetched), then its
    reports' (the conversion report's)."""
    store = ArtifactStore(svc.s3, svc.settings.artifacts_bucket)
    found: list[dict[str, str]] = runview.stage_warning_list(run)
    for stage, names in STAGE_LOGS.items():
        if not any(runview.stage_warnings(s) for s in run.stages if s.name == stage):
            continue
        for name in names:
            if not name.endswith(".json"):
                continue
            try:
                body, _ = store.get_log(run.site, run.id, name)
                report = json.loads(body)
            except (NotFoundError, ValueError):
                continue
            found.extend({"stage": stage, **w} for w in report.get("warnings", []))
    return found


def cmd_show(args: argparse.Namespace, svc: Services, console: Console) -> int:
    run = svc.runs.get(args.run)
    now = _now()
    warnings = _warnings(svc, run)
    if args.json:
        _print_json(console, {**runview.as_json(run, now), "warning_list": warnings})
        return 0
    status = f"[{_style(run.status)}]{escape(runview.status_line(run))}[/]"
    console.print(f"[bold]Run {run.id}[/bold] of {run.site}: {status}")
    console.print(f"  {escape(runview.trigger_text(run))}", highlight=False)
    started = runview.run_started(run)
    console.print(
        f"  started {runview.when(started)} ({runview.ago(started, now)}), took {runview.run_took(run, now)}",
        highlight=False,
    )
    cost = runview.cost_line(run)
    if cost:
        console.print(f"  cost {escape(cost)}", highlight=False, soft_wrap=True)
    for where, url in run.urls.items():
        console.print(f"  {where}: {url}", highlight=False, soft_wrap=True)
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("STAGE", "STATUS", "STARTED", "TOOK", "WARNINGS", "WHAT HAPPENED"):
        table.add_column(column, overflow="fold")
    for stage in run.stages:
        what = stage.error or str(stage.detail.get("summary", ""))
        table.add_row(
            stage.name,
            f"[{_style(stage.status)}]{stage.status}[/]",
            runview.when(stage.started_at) or "-",
            runview.took(stage.started_at, stage.finished_at, now) or "-",
            str(runview.stage_warnings(stage) or ""),
            shown(what),  # a build's error quotes a pushed file's name
        )
    _print_table(console, table)
    if warnings:
        console.print(f"[bold]{len(warnings)} warning(s)[/bold]")
        for warning in warnings:
            where = f" ({warning['item']})" if warning.get("item") else ""
            console.print(
                f"  {warning.get('code', '')}: {escape(warning.get('message', ''))}{escape(where)}",
                highlight=False,
                soft_wrap=True,
            )
    return 0


def cmd_logs(args: argparse.Namespace, svc: Services, console: Console) -> int:
    run = svc.runs.get(args.run)
    if args.stage and args.stage not in {s.name for s in run.stages}:
        stages = ", ".join(s.name for s in run.stages)
        raise NotFoundError(f"run {run.id} has no stage {args.stage!r}: its stages are {stages}")
    store = ArtifactStore(svc.s3, svc.settings.artifacts_bucket)
    shown: dict[str, int] = {}
    seen_stages: dict[str, str] = {}
    lines = function_logs(args, run, console)
    while True:
        run = svc.runs.get(args.run)
        _print_stage_changes(run, args.stage, seen_stages, console, args.json)
        if lines is not None:
            print_function_lines(lines, run, args.stage, console, args.json)
        for name in store.list_logs(run.site, run.id):
            if args.stage and name not in STAGE_LOGS.get(args.stage, ()):
                continue
            body, _ = store.get_log(run.site, run.id, name)
            if len(body) > shown.get(name, 0):
                new = body[shown.get(name, 0) :]
                if args.json:
                    print(json.dumps({"log": name, "text": new}))
                else:
                    console.rule(name) if name not in shown else None
                    console.out(new.rstrip("\n"), highlight=False)
                shown[name] = len(body)
        if not args.follow or run.finished:
            return 0
        if run.status == "awaiting_approval":  # nothing more until a person decides (up to 72 h)
            if not args.json:
                console.print(
                    f"Run {run.id} waits for approval: `presslift approve {run.id}` (or reject); "
                    f"`presslift logs {run.id} -f` follows it again after that.",
                    highlight=False,
                )
            return 0
        time.sleep(POLL_SECONDS)


def _print_stage_changes(
    run: Run, only: str | None, seen: dict[str, str], console: Console, as_json: bool
) -> None:
    for stage in run.stages:
        if (only and stage.name != only) or seen.get(stage.name) == stage.status:
            continue
        seen[stage.name] = stage.status
        if stage.status == "pending":
            continue
        what = stage.error or stage.detail.get("summary", "")
        if as_json:
            print(json.dumps({"stage": stage.name, "status": stage.status, "what": what}))
        else:
            console.print(
                f"[bold]{stage.name}[/bold] {stage.status}" + (f": {escape(str(what))}" if what else ""),
                highlight=False,
                soft_wrap=True,
            )


def cmd_watch(
    args: argparse.Namespace, svc: Services, console: Console, *, rounds: Callable[[], bool] | None = None
) -> int:
    """Live runs, refreshed until Ctrl-C (or, with `--until-idle`, until none is active)."""
    from rich.live import Live

    keep_going = rounds or (lambda: True)
    if args.site:  # a typo'd name would watch an empty table forever
        check_known_site(svc, args.site)
    if args.json or not console.is_terminal:
        # Piped or asked for JSON: one document (a line of JSON, or the unfolded table) per round, as
        # `runs` prints them; a live view there printed the folded text table, whatever --json said.
        while keep_going():
            runs = svc.runs.list(limit=args.limit, site=args.site)
            if args.json:
                console.file.write(json.dumps([runview.as_json(r, _now()) for r in runs], default=str) + "\n")
                console.file.flush()
            else:
                _print_table(console, runs_table(runs, _now()))  # piped: whole lines
            if args.until_idle and not any(r.status == "running" for r in runs):
                return 0
            time.sleep(POLL_SECONDS)
        return 0
    with Live(console=console, auto_refresh=False) as live:
        while keep_going():
            runs = svc.runs.list(limit=args.limit, site=args.site)
            live.update(runs_table(runs, _now(), console.width), refresh=True)
            if args.until_idle and not any(r.status == "running" for r in runs):
                return 0
            time.sleep(POLL_SECONDS)
    return 0


def how_many(value: str) -> int:
    """A count of at least 1 (`--limit 0` showed one run)."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a count of 1 or more")
    return number


def add_parsers(sub: Any, add_target_options: Callable[[argparse.ArgumentParser], None]) -> None:
    runs = sub.add_parser("runs", help="list runs, newest first; `runs RUN` shows one run's story")
    runs.add_argument(
        "run", nargs="?", help="a run id: show its stages, times, errors and warnings (a site name: its runs)"
    )
    runs.add_argument("--site", help="only this site's runs")
    runs.add_argument("--limit", type=how_many, default=20, help="how many runs to list, newest first (20)")
    show = sub.add_parser("show", help="one run's story: every stage, its times, error and warnings")
    show.add_argument("run", help="the run id (see `presslift runs`)")
    logs = sub.add_parser(
        "logs",
        help="a run's function log lines (CloudWatch on AWS), logs and reports; --follow until it ends",
    )
    logs.add_argument("run", help="the run id")
    logs.add_argument("stage", nargs="?", help="only this stage's logs (convert, build, ...)")
    logs.add_argument("-f", "--follow", action="store_true", help="keep printing until the run ends")
    watch = sub.add_parser("watch", help="live runs, refreshed every two seconds, until Ctrl-C")
    watch.add_argument("--site", help="only this site's runs")
    watch.add_argument("--limit", type=how_many, default=15, help="how many runs to show (15)")
    watch.add_argument("--until-idle", action="store_true", help="stop when no run is active")
    for parser, handler in ((runs, cmd_runs), (show, cmd_show), (logs, cmd_logs), (watch, cmd_watch)):
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")
        add_target_options(parser)
        parser.set_defaults(read=handler)
