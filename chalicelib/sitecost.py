"""What each site's runs cost over a month (or the last 30 days), with a monthly estimate: the runs
times the average run, priced at list prices; the month's free allowances are applied to the total
only, since they are the account's, not a site's (and Lambda's free tier is never applied).

Pure: it is given the runs; `presslift cost` reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import cost
from chalicelib.prices import PriceTable
from chalicelib.runs import Run
from chalicelib.runview import parse_time, run_usage
from chalicelib.usage import Usage

MONTH = re.compile(r"(\d{4})-(\d{2})")
LAST_DAYS = 30


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    name: str

    def holds(self, run: Run) -> bool:
        created = parse_time(run.created_at)
        return created is not None and self.start <= created < self.end


def period(month: str | None, now: datetime) -> Period:
    """The calendar month `YYYY-MM` (UTC), or the last 30 days; a wrong month is a ValueError saying so."""
    if month is None:
        return Period(now - timedelta(days=LAST_DAYS), now, f"the last {LAST_DAYS} days")
    found = MONTH.fullmatch(month.strip())
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1970:
        raise ValueError(f"--month {month!r}: give a month as YYYY-MM, e.g. 2026-11")
    year, number = int(found.group(1)), int(found.group(2))
    start = datetime(year, number, 1, tzinfo=UTC)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    return Period(start, end, f"{year:04d}-{number:02d}")


@dataclass(frozen=True)
class SiteCost:
    """One site's runs in the period: how many, how many recorded their use, what those cost, and the
    month estimated as every run at the average one's cost."""

    site: str
    runs: int
    priced_runs: int
    used: Usage
    measured: cost.Cost
    estimate_usage: Usage
    estimate: cost.Cost

    @property
    def average(self) -> float:
        return self.measured.total / self.priced_runs if self.priced_runs else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "runs": self.runs,
            "priced_runs": self.priced_runs,
            "usd": round(self.measured.total, 8),
            "average_usd": round(self.average, 8),
            "estimate_usd": round(self.estimate.total, 8),
            "usage": self.used.to_dict(),
            "cost": self.measured.to_dict(),
        }


@dataclass(frozen=True)
class CostReport:
    period: Period
    sites: tuple[SiteCost, ...]
    total: cost.Cost  # the estimates summed, at list price
    allowed: cost.Cost  # the same, with the month's free allowances taken off

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.name,
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "sites": [site.to_dict() for site in self.sites],
            "estimate_usd": round(self.total.total, 8),
            "estimate_with_free_allowances_usd": round(self.allowed.total, 8),
            "region": self.total.region,
            "prices_read_on": self.total.read_on,
            "notes": [
                "free allowances are per account and month: applied to the total only",
                cost.LAMBDA_FREE_TIER,
            ],
            "total": self.allowed.to_dict(),
        }


def site_cost(site: str, runs: list[Run], table: PriceTable) -> SiteCost:
    used_each = [used for used in (run_usage(run) for run in runs) if used is not None]
    used = cost.total_usage(used_each)
    estimate = used.times(len(runs) / len(used_each)) if used_each else Usage()
    return SiteCost(
        site,
        len(runs),
        len(used_each),
        used,
        cost.price(used, table),
        estimate,
        cost.price(estimate, table),
    )


def report(runs: Iterable[Run], within: Period, table: PriceTable) -> CostReport:
    """Every site's cost over `within` from `runs` (any order; those outside the period are left out)."""
    by_site: dict[str, list[Run]] = {}
    for run in runs:
        if within.holds(run):
            by_site.setdefault(run.site, []).append(run)
    sites = tuple(site_cost(site, found, table) for site, found in sorted(by_site.items()))
    estimate = cost.total_usage(site.estimate_usage for site in sites)
    return CostReport(
        within, sites, cost.price(estimate, table), cost.price(estimate, table, free_allowances=True)
    )
