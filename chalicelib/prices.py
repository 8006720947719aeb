"""AWS list prices for one region, read from `prices.toml` beside this module.

Three kinds: what is billed for every hour a resource exists (`hourly`), for every month it exists
(`monthly`), and per unit of use (`usage`: GB-seconds, requests, GB stored). Each price carries the
page it comes from and how it was checked, so a figure shown to an operator can be traced. Pure: reads
one file, calls nothing; in `chalicelib` so the functions can price a run's use with the same table.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.tomltable import Invalid, describe, read_dataclass, string, table, whole

PRICES = Path(__file__).with_name("prices.toml")
KINDS = ("hourly", "monthly", "usage")


class PriceTableError(ValueError):
    """The price table is missing, not TOML, or has a wrong or missing value (the message says where)."""


@dataclass(frozen=True)
class Price:
    usd: float
    per: str
    source: str
    checked: str
    resource: str = ""
    free_per_month: int = 0


@dataclass(frozen=True)
class PriceTable:
    region: str
    currency: str
    read_on: str
    hours_per_month: int
    hourly: Mapping[str, Price]
    monthly: Mapping[str, Price]
    usage: Mapping[str, Price]

    def price(self, kind: str, key: str) -> Price:
        """The price `kind`.`key`; a name the table lacks is a PriceTableError naming the file."""
        section: Mapping[str, Price] = getattr(self, kind) if kind in KINDS else {}
        found = section.get(key)
        if found is None:
            raise PriceTableError(f"{PRICES.name}: no price {kind}.{key}")
        return found


def _amount(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(key, f"must be a number of US dollars, not {describe(value)}")
    if not math.isfinite(value) or value < 0:
        raise Invalid(key, f"must be a finite amount of 0 or more, not {value!r}")
    return float(value)


def _url(key: str, value: Any) -> str:
    text = string(key, value)
    if not text.startswith("https://"):
        raise Invalid(key, f"must be an https:// address of the pricing page, not {text!r}")
    return text


def _date(key: str, value: Any) -> str:
    from datetime import date

    text = str(value) if isinstance(value, date) else string(key, value)
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise Invalid(key, f"must be a date (YYYY-MM-DD), not {text!r}") from None


_PRICE = {
    "usd": _amount,
    "per": string,
    "source": _url,
    "checked": string,
    "resource": string,
    "free_per_month": whole(0, 10**12),
}


def _prices(data: Mapping[str, Any], kind: str) -> dict[str, Price]:
    section = table(kind, data.get(kind, {}))
    return {
        name: read_dataclass(Price, table(f"{kind}.{name}", item), f"{kind}.{name}", _PRICE)
        for name, item in section.items()
    }


def parse(text: str, name: str = PRICES.name) -> PriceTable:
    """The price table in `text` (TOML); every error names `name` and the key."""
    try:
        data = tomllib.loads(text)
        return read_dataclass(
            PriceTable,
            data,
            "",
            {
                "region": string,
                "currency": string,
                "read_on": _date,
                "hours_per_month": whole(672, 744),  # 28 to 31 days
            },
            **{kind: _prices(data, kind) for kind in KINDS},
        )
    except tomllib.TOMLDecodeError as exc:
        raise PriceTableError(f"{name}: not valid TOML: {exc}") from None
    except Invalid as exc:
        raise PriceTableError(f"{name}: {exc}") from None


def load(path: Path = PRICES) -> PriceTable:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PriceTableError(f"{path}: cannot read the price table: {exc.strerror}") from None
    return parse(text, path.name)
