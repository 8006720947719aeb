"""Tables piped or logged (`presslift show RUN | less`, a CI log): one line per row, nothing folded,
and no padding out to the widest row."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from presslift.runlog import _print_table


def test_a_piped_table_keeps_each_row_on_one_line_without_trailing_padding() -> None:
    error = "Hugo failed (exit 1): " + "a long reason, " * 60 + "the end"
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("STAGE", "STATUS", "WHAT HAPPENED"):
        table.add_column(column, overflow="fold")
    table.add_row("fetch", "succeeded", "local/site@54bd01b: 745 files")
    table.add_row("build", "failed", error)
    out = io.StringIO()
    _print_table(Console(file=out, width=80), table)
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == ["STAGE", "fetch", "build"]
    assert lines[1].endswith("local/site@54bd01b: 745 files")
    assert lines[2].endswith(error)
    assert all(line == line.rstrip() for line in lines)
    assert out.getvalue().endswith("the end\n")
