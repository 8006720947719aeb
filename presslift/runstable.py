"""The list of runs as `presslift runs` and `watch` show it: a line per run, fitted to the terminal.

Rich shares a width that is too narrow among all the columns: at 60 columns each run was folded over
a dozen lines (`TR`, `IG`, `GE`, `R`), and at 100 its status was cut to `su…`. Here every column but
the trigger keeps the width its cells need, the trigger takes what is left and is cut with an
ellipsis, and a terminal too narrow even for that gets each run on three lines instead. Piped or
logged output (no width) is the whole table, a line per run, as scripts read it.
"""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from chalicelib import runview
from chalicelib.runs import Run
from presslift.terminal import visible

COLUMNS = ("RUN", "SITE", "TRIGGER", "STATUS", "AGE", "TOOK", "WARNINGS")
#: Blank cells between two columns (rich's padding on a table without a box).
GAP = 2
#: The narrowest trigger worth a column; below it, each run gets its own lines.
NARROWEST_TRIGGER = 16
#: The longest trigger shown in a column, when nothing narrower asks for less.
LONGEST_TRIGGER = 60
#: The columns left out, in this order, until the trigger has room (a blank WARNINGS goes first).
LEAST_NEEDED = ("TOOK", "AGE", "WARNINGS")
#: How each tone of `runview.tone` is drawn on a terminal.
STYLES = {"ok": "green", "bad": "red", "active": "yellow", "neutral": "dim"}


def run_cells(run: Run, now: datetime) -> tuple[str, ...]:
    """A run's cells, in `COLUMNS` order, as plain text."""
    return (
        run.id,
        run.site,
        runview.trigger_text(run),
        runview.status_line(run).split(",")[0],
        runview.ago(runview.run_started(run), now) or "-",
        runview.run_took(run, now) or "-",
        str(runview.warnings(run) or ""),
    )


def runs_table(runs: list[Run], now: datetime, width: int | None = None) -> RenderableType:
    """The runs, a line each within `width` cells (a terminal's), or as wide as they need (None)."""
    rows = [run_cells(run, now) for run in runs]
    styles = [STYLES[runview.tone(run.status)] for run in runs]
    if width is None:
        return _table(rows, styles, COLUMNS, LONGEST_TRIGGER)
    shown = list(COLUMNS)
    blank = not any(row[COLUMNS.index("WARNINGS")] for row in rows)
    for dropped in (None, *(["WARNINGS"] if blank else []), *LEAST_NEEDED):
        if dropped in shown:
            shown.remove(dropped)
        # Without their column, the warnings ride with the status: at 80 columns a run with 60 looked clean.
        cells = rows if "WARNINGS" in shown else _warnings_in_status(rows)
        fixed = sum(_column_width(cells, name) for name in shown if name != "TRIGGER")
        room = width - fixed - GAP * (len(shown) - 1)
        if room >= NARROWEST_TRIGGER:
            return _table(cells, styles, tuple(shown), min(room, LONGEST_TRIGGER))
    return _stacked(rows, styles)


def _warnings_in_status(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The rows with each run's warnings said in its status cell ("awaiting approval, 60 warnings")."""
    status, warnings = COLUMNS.index("STATUS"), COLUMNS.index("WARNINGS")
    folded = []
    for row in rows:
        count = row[warnings]
        said = f"{row[status]}, {count} warning{'' if count == '1' else 's'}" if count else row[status]
        folded.append((*row[:status], said, *row[status + 1 :]))
    return folded


def _column_width(rows: list[tuple[str, ...]], name: str) -> int:
    column = COLUMNS.index(name)
    return max([cell_len(name), *(cell_len(row[column]) for row in rows)])


def _table(rows: list[tuple[str, ...]], styles: list[str], shown: tuple[str, ...], trigger: int) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for name in shown:
        if name == "TRIGGER":
            table.add_column(name, no_wrap=True, overflow="ellipsis", max_width=trigger)
        else:
            table.add_column(name, no_wrap=True)
    for row, style in zip(rows, styles, strict=True):
        cells = {name: Text(visible(cell)) for name, cell in zip(COLUMNS, row, strict=True)}
        cells["STATUS"].stylize(style)
        table.add_row(*(cells[name] for name in shown))
    return table


def _stacked(rows: list[tuple[str, ...]], styles: list[str]) -> Group:
    """Each run on three lines: its id and status; site, age, time taken, warnings; its trigger."""
    lines: list[Text] = []
    for (run_id, site, trigger, status, age, took, warnings), style in zip(rows, styles, strict=True):
        lines.append(Text.assemble(run_id, "  ", (visible(status), style)))
        facts = [site, age, f"took {took}"]
        if warnings:
            facts.append(f"{warnings} warning{'' if warnings == '1' else 's'}")
        lines.append(Text("  " + visible(" · ".join(facts))))
        lines.append(Text("  " + visible(trigger), style="dim"))
    return Group(*lines)
