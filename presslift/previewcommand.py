"""`presslift previews SITE [--all] [--json]`: a site's previews, the most recently changed first (the
same listing as `GET /sites/{site}/previews`, `chalicelib.previews.listing`). Read-only."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from chalicelib import runview
from chalicelib.previews import listing
from chalicelib.previews.registry import Preview
from chalicelib.services import Services
from presslift.runlog import _print_json, _print_table
from presslift.terminal import shown

#: How each preview status is drawn on a terminal.
STYLES = {"live": "green", "failed": "red", "building": "yellow", "not built": "dim", "removed": "dim"}
KINDS = {"pull_request": "pull request", "branch": "branch"}


def previews_table(previews: list[Preview], now: datetime) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("PATH", "KIND", "FOR", "STATUS", "HEAD", "UPDATED", "URL"):
        table.add_column(column, overflow="fold", no_wrap=column in ("PATH", "STATUS", "HEAD"))
    for preview in previews:
        style = STYLES.get(preview.status, "dim")
        table.add_row(
            preview.path,
            KINDS.get(preview.kind, preview.kind),
            shown(f"#{preview.number}" if preview.number is not None else preview.branch),
            f"[{style}]{shown(preview.status)}[/]",
            shown(preview.short_sha) or "-",
            runview.ago(preview.updated_at, now) or "-",
            shown(preview.url),
        )
    return table


def cmd_previews(args: argparse.Namespace, svc: Services, console: Console) -> int:
    previews = listing.site_previews(svc, args.site, include_removed=args.all)
    if args.json:
        _print_json(console, listing.previews_json(args.site, previews))
        return 0
    if not previews:
        console.print(f"no {'' if args.all else 'live '}previews of {escape(args.site)}", highlight=False)
        return 0
    _print_table(console, previews_table(previews, datetime.now(UTC)))
    return 0


def add_parsers(sub: Any, add_target_options: Callable[[argparse.ArgumentParser], None]) -> None:
    parser = sub.add_parser("previews", help="a site's pull-request and branch previews, newest first")
    parser.add_argument("site", help="the registered site")
    parser.add_argument("--all", action="store_true", help="removed previews too")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_target_options(parser)
    parser.set_defaults(read=cmd_previews)
