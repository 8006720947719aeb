"""What the stack costs a month while nobody pushes: its resources billed by the hour or by the month,
priced from chalicelib/prices.toml. `make package` prints it and checks for hourly-billed resources.

A serverless stack should cost nothing idle: functions, queues, buckets, the table and storage are
billed by use. What is billed by the hour whether used or not (interface VPC endpoints in each of their
Availability Zones, NAT gateways, public IPv4 addresses, load balancers, provisioned concurrency ...)
is what this module finds; monthly charges (alarms, dashboards) are counted after the account's free
ones. Pure: reads a template dict (SAM or CloudFormation), never talks to AWS.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from chalicelib import prices
from chalicelib.prices import PriceTable

#: Fail `make package` when the template holds an hourly-billed resource (issue 20: the code-drop mount
#: function needs no interface endpoint, so nothing in the stack is billed by the hour).
FAIL_ON_HOURLY = True
#: Monthly-billed resource types and their price in `[monthly]`.
MONTHLY: dict[str, str] = {
    "AWS::CloudWatch::Alarm": "alarm",
    "AWS::CloudWatch::Dashboard": "dashboard",
    "AWS::KMS::Key": "kms_key",
    "AWS::SecretsManager::Secret": "secret",
    "AWS::Route53::HostedZone": "hosted_zone",
}
#: Resource types billed by the hour at a price that depends on their size or class: always flagged,
#: never priced (prices.toml has no one figure for them).
UNPRICED_HOURLY = frozenset(
    {
        "AWS::EC2::Instance",
        "AWS::EC2::TransitGatewayAttachment",
        "AWS::EC2::VPNConnection",
        "AWS::EC2::ClientVpnEndpoint",
        "AWS::RDS::DBInstance",
        "AWS::ElastiCache::CacheCluster",
        "AWS::ElastiCache::ReplicationGroup",
        "AWS::OpenSearchService::Domain",
        "AWS::Elasticsearch::Domain",
        "AWS::Redshift::Cluster",
        "AWS::MSK::Cluster",
        "AWS::DocDB::DBInstance",
        "AWS::Neptune::DBInstance",
        "AWS::NetworkFirewall::Firewall",
    }
)
_SIMPLE_HOURLY = {
    "AWS::EC2::NatGateway": "nat_gateway",
    "AWS::EC2::EIP": "public_ipv4",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "load_balancer",
    "AWS::ElasticLoadBalancing::LoadBalancer": "classic_load_balancer",
}
_PROVISIONED = ("AWS::Lambda::Alias", "AWS::Lambda::Version", "AWS::Serverless::Function")


@dataclass(frozen=True)
class Hourly:
    """One resource billed by the hour: `units` of its price (endpoint-AZs, gateways, ...)."""

    logical_id: str
    kind: str
    what: str
    units: int
    price: str | None  # the key in prices.toml's [hourly]; None when it has no single price
    condition: str | None

    def describe(self) -> str:
        where = f", if {self.condition}" if self.condition else ""
        return f"{self.logical_id} ({self.what}{where})"


@dataclass(frozen=True)
class Line:
    """One line of the breakdown: what, how it is priced, US dollars a month."""

    what: str
    reckoning: str
    usd: float


@dataclass(frozen=True)
class IdleCost:
    lines: tuple[Line, ...]
    hourly: tuple[Hourly, ...]
    table: PriceTable

    @property
    def usd(self) -> float:
        return sum(line.usd for line in self.lines)

    @property
    def unpriced(self) -> tuple[Hourly, ...]:
        return tuple(h for h in self.hourly if h.price is None)

    def summary(self) -> str:
        unknown = (
            f" plus {len(self.unpriced)} hourly resource(s) with no price in the table"
            if self.unpriced
            else ""
        )
        return (
            f"idle cost: {self.usd:.2f} {self.table.currency} a month{unknown} "
            f"({self.table.region} list prices read {self.table.read_on}, chalicelib/{prices.PRICES.name})"
        )

    def breakdown(self) -> list[str]:
        width = max((len(line.what) for line in self.lines), default=0)
        return [f"{line.what:<{width}}  {line.reckoning} = {line.usd:.2f}" for line in self.lines]


def _units(subnets: Any) -> int:
    # A list is counted; an intrinsic (a parameter's list) is at least one zone.
    return len(subnets) if isinstance(subnets, list) and subnets else 1


def _hourly(logical_id: str, resource: dict[str, Any]) -> Hourly | None:
    kind = str(resource.get("Type", ""))
    properties = resource.get("Properties") or {}
    condition = resource.get("Condition")
    if kind == "AWS::EC2::VPCEndpoint":
        endpoint_type = properties.get("VpcEndpointType", "Gateway")
        if endpoint_type == "Gateway":  # S3 and DynamoDB gateway endpoints are free
            return None
        units = _units(properties.get("SubnetIds"))
        price = (
            "gateway_load_balancer_endpoint"
            if endpoint_type == "GatewayLoadBalancer"
            else "interface_endpoint"
        )
        shown = endpoint_type if isinstance(endpoint_type, str) else "type from a parameter"
        return Hourly(logical_id, kind, f"{kind} {shown}, {units} subnet(s)", units, price, condition)
    if kind in _SIMPLE_HOURLY:
        return Hourly(logical_id, kind, kind, 1, _SIMPLE_HOURLY[kind], condition)
    if kind in _PROVISIONED and properties.get("ProvisionedConcurrencyConfig"):
        return Hourly(logical_id, kind, f"{kind} with provisioned concurrency", 1, None, condition)
    if kind in UNPRICED_HOURLY:
        return Hourly(logical_id, kind, kind, 1, None, condition)
    return None


def _resources(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = template.get("Resources")
    if not isinstance(found, dict):
        raise ValueError("the template has no Resources table")
    return {str(k): v for k, v in found.items() if isinstance(v, dict)}


def hourly_resources(template: dict[str, Any]) -> list[Hourly]:
    return [h for name, r in _resources(template).items() if (h := _hourly(name, r)) is not None]


def hourly_billed(template: dict[str, Any]) -> list[str]:
    """The resources of `template` billed for every hour they exist, used or not, one line each."""
    return [h.describe() for h in hourly_resources(template)]


def idle_cost(template: dict[str, Any], table: PriceTable | None = None) -> IdleCost:
    """The template's idle cost a month: hourly resources x units x hours, plus monthly charges after
    the free ones. A resource with a Condition is counted as if created (the dearer case)."""
    table = table or prices.load()
    hours = table.hours_per_month
    lines: list[Line] = []
    hourly = hourly_resources(template)
    for item in hourly:
        if item.price is None:
            continue
        price = table.price("hourly", item.price)
        lines.append(
            Line(
                item.describe(),
                f"{item.units} x {hours} h x {price.usd:g} {table.currency}",
                item.units * hours * price.usd,
            )
        )
    counts = Counter(MONTHLY[r["Type"]] for r in _resources(template).values() if r.get("Type") in MONTHLY)
    for key, count in sorted(counts.items()):
        price = table.price("monthly", key)
        billed = max(0, count - price.free_per_month)
        free = f", first {price.free_per_month} free a month per account" if price.free_per_month else ""
        lines.append(
            Line(
                f"{count} {key.replace('_', ' ')}(s)",
                f"{count} x {price.usd:g} {table.currency}{free}",
                billed * price.usd,
            )
        )
    return IdleCost(tuple(lines), tuple(hourly), table)


def findings(template: dict[str, Any], *, fail_on_hourly: bool = FAIL_ON_HOURLY) -> list[str]:
    """The hourly-billed resources as check findings when `fail_on_hourly`, else none (a warning)."""
    if not fail_on_hourly:
        return []
    return [f"{line}: billed every hour, used or not" for line in hourly_billed(template)]


def warning(template: dict[str, Any]) -> str | None:
    """One line naming the hourly-billed resources, or None when there are none."""
    found = hourly_billed(template)
    if not found:
        return None
    listed = "; ".join(found)
    return f"warning: {len(found)} hourly-billed resource(s), the stack is not free while idle: {listed}"
