"""The price table in the repository reads, names its sources, and refuses a wrong value by its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib import prices

GOOD = """
region = "us-east-1"
currency = "USD"
read_on = 2026-11-30
hours_per_month = 730
[hourly.nat_gateway]
usd = 0.045
per = "gateway"
source = "https://aws.amazon.com/vpc/pricing/"
checked = "not confirmed"
"""


def test_the_repository_table_has_every_price_with_a_source() -> None:
    table = prices.load()
    assert table.region == "us-east-1"
    for kind in prices.KINDS:
        for price in getattr(table, kind).values():
            assert price.source.startswith("https://aws.amazon.com/")
            assert price.checked == "not confirmed" or price.checked.startswith("corpus: https://")
    for key in ("interface_endpoint", "nat_gateway"):
        assert table.price("hourly", key).usd > 0
    for key in ("lambda_gb_second_x86_64", "lambda_gb_second_arm64", "s3_put", "s3_get", "sqs_request"):
        assert table.price("usage", key).usd > 0


def test_a_table_reads_with_a_toml_date() -> None:
    table = prices.parse(GOOD)
    assert table.read_on == "2026-11-30"
    assert table.price("hourly", "nat_gateway").usd == 0.045


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("usd = 0.045", "usd = -1"), r"prices.toml: hourly.nat_gateway.usd must be a finite amount"),
        (("usd = 0.045", 'usd = "cheap"'), r"hourly.nat_gateway.usd must be a number of US dollars"),
        (
            ('source = "https://aws.amazon.com/vpc/pricing/"', 'source = "http://x"'),
            r"hourly.nat_gateway.source",
        ),
        (("hours_per_month = 730", "hours_per_month = 1000"), r"hours_per_month must be between"),
        (("read_on = 2026-11-30", 'read_on = "yesterday"'), r"read_on must be a date"),
        (('per = "gateway"', 'pre = "gateway"'), r"hourly.nat_gateway.pre is not a known key"),
        (("[hourly.nat_gateway]", "[hourly.nat_gateway"), r"prices.toml: not valid TOML"),
    ],
)
def test_a_wrong_value_is_named_by_its_key(change: tuple[str, str], message: str) -> None:
    with pytest.raises(prices.PriceTableError, match=message):
        prices.parse(GOOD.replace(*change))


def test_a_price_the_table_lacks_is_an_error_not_zero() -> None:
    with pytest.raises(prices.PriceTableError, match=r"no price hourly\.nothing"):
        prices.parse(GOOD).price("hourly", "nothing")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(prices.PriceTableError, match="cannot read the price table"):
        prices.load(tmp_path / "prices.toml")
