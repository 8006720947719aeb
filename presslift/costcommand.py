"""`presslift cost [SITE] [--month YYYY-MM] [--json]`: what each site's runs cost in a month (or the
last 30 days) at list prices, with a monthly estimate (see `chalicelib.sitecost`). Read-only."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from chalicelib import cost, sitecost
from chalicelib.errors import InputError
from chalicelib.knownsites import check_known_site
from chalicelib.runs import Run
from chalicelib.runview import parse_time
from chalicelib.services import Services


def _runs(svc: Services, site: str | None, within: sitecost.Period) -> Iterator[Run]:
    """The runs created in `within`; the listing is newest first, so it stops at the first older one."""
    for run in svc.runs.each(site=site):
        created = parse_time(run.created_at)
        if created is not None and created < within.start:
            return
        yield run


def cmd_cost(args: argparse.Namespace, svc: Services, console: Console) -> int:
    try:
        within = sitecost.period(args.month, datetime.now(UTC))
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if args.site:
        check_known_site(svc, args.site)
    found = sitecost.report(_runs(svc, args.site, within), within, cost.table())
    if args.json:
        print(json.dumps(found.to_dict(), indent=2))
        return 0
    if not found.sites:
        console.print(f"No runs in {within.name}{' for ' + args.site if args.site else ''}.")
        return 0
    table = Table(box=None, pad_edge=False, header_style="bold", title=f"Cost of runs in {within.name}")
    for column in ("SITE", "RUNS", "PRICED", "COST", "AVERAGE RUN", "MONTHLY ESTIMATE"):
        table.add_column(column, justify="left" if column == "SITE" else "right")
    for site in found.sites:
        table.add_row(
            site.site,
            str(site.runs),
            str(site.priced_runs),
            cost.dollars(site.measured.total),
            cost.dollars(site.average),
            cost.dollars(site.estimate.total),
        )
    table.add_row("total", "", "", "", "", cost.dollars(found.total.total), style="bold")
    console.print(table)
    console.print(
        f"With the month's free allowances (per account; CloudFront's first 1,000 invalidation paths, SQS's "
        f"and SNS's first million requests): {cost.dollars(found.allowed.total)}. {cost.LAMBDA_FREE_TIER}. "
        f"{found.total.region} list prices read on {found.total.read_on}; a run that recorded no use "
        "counts at the site's average.",
        highlight=False,
    )
    return 0


def add_parsers(sub: Any, add_target_options: Callable[[argparse.ArgumentParser], None]) -> None:
    parser = sub.add_parser(
        "cost", help="what each site's runs cost (the last 30 days, or --month), with a monthly estimate"
    )
    parser.add_argument("site", nargs="?", help="only this site")
    parser.add_argument("--month", help="a calendar month, YYYY-MM (UTC); default: the last 30 days")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_target_options(parser)
    parser.set_defaults(read=cmd_cost)
