"""What a run's use costs in US dollars at list prices (`prices.toml`: one region, with the date the
prices were read), item by item, and what a site's month of runs comes to.

A run is priced at list price with no free allowance: the allowances (CloudFront's first 1,000
invalidation paths, SQS's and SNS's first million requests) are per account and per month, so they are
applied only to a monthly estimate (`monthly`), and said so. Lambda's free tier is per account and is
never applied. What was not measured, or has no price in the table (Algolia's operations: billed by
Algolia's plan, not per operation here), is named, not counted.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chalicelib import prices
from chalicelib.prices import Price, PriceTable
from chalicelib.usage import Usage

#: Which price in the table's `[usage]` each figure is billed at, and the words a person reads.
PRICED = {
    "lambda_gb_seconds": ("lambda_gb_second_x86_64", "Lambda GB-seconds"),
    "lambda_requests": ("lambda_request", "Lambda requests"),
    "s3_puts": ("s3_put", "S3 PUTs"),
    "s3_lists": ("s3_put", "S3 LISTs"),
    "s3_gets": ("s3_get", "S3 GETs"),
    "bytes_stored": ("s3_storage_gb_month", "S3 storage (GB-month)"),
    "invalidation_paths": ("cloudfront_invalidation_path", "CloudFront invalidation paths"),
    "sqs_requests": ("sqs_request", "SQS requests"),
    "sqs_fifo_requests": ("sqs_fifo_request", "SQS FIFO requests"),
    "sns_requests": ("sns_request", "SNS requests"),
    "dynamodb_reads": ("dynamodb_read_request_unit", "DynamoDB reads"),
    "dynamodb_writes": ("dynamodb_write_request_unit", "DynamoDB writes"),
}
NOT_PRICED = {"algolia_operations": "Algolia operations (billed by the Algolia plan)"}
GB = 1024**3
LAMBDA_FREE_TIER = "Lambda's free tier is per account and not applied"


@dataclass(frozen=True)
class CostItem:
    figure: str  # the Usage field
    label: str
    quantity: float  # in the price's unit (bytes_stored: GB)
    usd: float
    free: float = 0.0  # of `quantity`, what a free allowance covered (monthly estimates only)


@dataclass(frozen=True)
class Cost:
    items: tuple[CostItem, ...]
    region: str
    read_on: str
    unmeasured: tuple[str, ...] = ()
    not_priced: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def total(self) -> float:
        return sum(item.usd for item in self.items)

    def biggest(self, count: int = 2) -> list[CostItem]:
        return sorted((i for i in self.items if i.usd > 0), key=lambda i: i.usd, reverse=True)[:count]

    def to_dict(self) -> dict[str, Any]:
        return {
            "usd": round(self.total, 8),
            "currency": "USD",
            "region": self.region,
            "prices_read_on": self.read_on,
            "items": [
                {
                    "figure": i.figure,
                    "label": i.label,
                    "quantity": i.quantity,
                    "usd": round(i.usd, 8),
                    **({"free": i.free} if i.free else {}),
                }
                for i in self.items
            ],
            "unmeasured": list(self.unmeasured),
            "not_priced": list(self.not_priced),
            "notes": list(self.notes),
        }


def _quantity(figure: str, value: float) -> float:
    return value / GB if figure == "bytes_stored" else value


def price(usage: Usage, table: PriceTable, *, free_allowances: bool = False) -> Cost:
    """`usage` at the table's list prices; `free_allowances`: take each price's `free_per_month` off
    first (for a month's use, never for one run's)."""
    items = []
    measured = usage.to_dict()
    for figure, (key, label) in PRICED.items():
        if figure not in measured:
            continue
        quantity = _quantity(figure, measured[figure])
        unit: Price = table.price("usage", key)
        free = min(quantity, float(unit.free_per_month)) if free_allowances else 0.0
        items.append(CostItem(figure, label, quantity, (quantity - free) * unit.usd, free))
    notes = ["free allowances applied per month" if free_allowances else "list prices, no free allowance"]
    if not free_allowances and "invalidation_paths" in measured:
        notes.append(
            "CloudFront's first 1,000 invalidation paths a month are free (see the monthly estimate)"
        )
    return Cost(
        tuple(items),
        table.region,
        table.read_on,
        tuple(f for f in usage.unmeasured() if f in PRICED),
        tuple(NOT_PRICED[f] for f in NOT_PRICED if f in measured),
        tuple(notes),
    )


def dollars(usd: float) -> str:
    """`$0.0123`: four decimals, enough for a run's fractions of a cent; `$12.34` from a dollar up."""
    return f"${usd:,.2f}" if usd >= 1 else f"${usd:.4f}"


def line(cost: Cost) -> str:
    """`$0.0012 (Lambda GB-seconds $0.0010, S3 PUTs $0.0002; us-east-1 list prices of 2026-11-30)`."""
    top = ", ".join(f"{i.label} {dollars(i.usd)}" for i in cost.biggest())
    text = f"{dollars(cost.total)} ({top + '; ' if top else ''}{cost.region} list prices of {cost.read_on})"
    if cost.unmeasured:
        text += f"; not measured: {', '.join(f.replace('_', ' ') for f in cost.unmeasured)}"
    return text


@functools.cache
def table() -> PriceTable:
    """The repository's price table, read once per process (a PriceTableError is not kept)."""
    return prices.load()


def total_usage(usages: Iterable[Usage]) -> Usage:
    summed = Usage()
    for one in usages:
        summed = summed + one
    return summed
