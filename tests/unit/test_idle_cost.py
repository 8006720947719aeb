"""The stack's idle cost: hourly-billed resources found and priced per zone, monthly charges after the
free ones, and the check that fails `make package` on an hourly resource once it is switched on."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib import prices
from presslift.packaging import appmodel, idlecost, template
from presslift.packaging.stage import load_stage


def interface_endpoint(subnets: int = 2, **extra: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::EC2::VPCEndpoint",
        "Properties": {
            "VpcEndpointType": "Interface",
            "VpcId": {"Ref": "Vpc"},
            "ServiceName": "com.amazonaws.us-east-1.sqs",
            "SubnetIds": [{"Ref": f"Subnet{i}"} for i in range(subnets)],
        },
        **extra,
    }


def gateway_endpoint() -> dict[str, Any]:
    return {
        "Type": "AWS::EC2::VPCEndpoint",
        "Properties": {"VpcEndpointType": "Gateway", "ServiceName": "com.amazonaws.us-east-1.s3"},
    }


def alarms(count: int) -> dict[str, Any]:
    return {f"Alarm{i}": {"Type": "AWS::CloudWatch::Alarm", "Properties": {}} for i in range(count)}


def test_an_interface_endpoint_is_billed_per_hour_in_each_of_its_subnets() -> None:
    table = prices.load()
    cost = idlecost.idle_cost({"Resources": {"Sqs": interface_endpoint(subnets=3)}}, table)
    assert cost.usd == pytest.approx(
        3 * table.hours_per_month * table.price("hourly", "interface_endpoint").usd
    )
    assert idlecost.hourly_billed({"Resources": {"Sqs": interface_endpoint(subnets=3)}}) == [
        "Sqs (AWS::EC2::VPCEndpoint Interface, 3 subnet(s))"
    ]


def test_gateway_endpoints_functions_and_queues_cost_nothing_idle() -> None:
    resources = {
        "S3Gateway": gateway_endpoint(),
        "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"MemorySize": 1024}},
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
    }
    cost = idlecost.idle_cost({"Resources": resources})
    assert idlecost.hourly_billed({"Resources": resources}) == []
    assert cost.usd == 0
    assert cost.summary().startswith("idle cost: 0.00 USD a month")


@pytest.mark.parametrize(
    ("resource", "what"),
    [
        ({"Type": "AWS::EC2::NatGateway", "Properties": {}}, "AWS::EC2::NatGateway"),
        ({"Type": "AWS::EC2::EIP", "Properties": {}}, "AWS::EC2::EIP"),
        (
            {"Type": "AWS::Serverless::Function", "Properties": {"ProvisionedConcurrencyConfig": {"X": 1}}},
            "AWS::Serverless::Function with provisioned concurrency",
        ),
        ({"Type": "AWS::RDS::DBInstance", "Properties": {}}, "AWS::RDS::DBInstance"),
    ],
)
def test_other_resources_billed_while_idle_are_flagged(resource: dict[str, Any], what: str) -> None:
    assert idlecost.hourly_billed({"Resources": {"It": resource}}) == [f"It ({what})"]


def test_a_conditional_resource_is_counted_and_says_so() -> None:
    found = idlecost.hourly_billed(
        {"Resources": {"Nat": {"Type": "AWS::EC2::NatGateway", "Condition": "UseNat"}}}
    )
    assert found == ["Nat (AWS::EC2::NatGateway, if UseNat)"]


def test_alarms_beyond_the_free_ten_are_charged() -> None:
    table = prices.load()
    alarm = table.price("monthly", "alarm")
    assert idlecost.idle_cost({"Resources": alarms(alarm.free_per_month)}, table).usd == 0
    over = idlecost.idle_cost({"Resources": alarms(alarm.free_per_month + 3)}, table)
    assert over.usd == pytest.approx(3 * alarm.usd)
    assert over.breakdown() == [
        f"13 alarm(s)  13 x {alarm.usd:g} USD, first 10 free a month per account = 0.30"
    ]


def test_the_check_fails_on_an_endpoint_only_when_switched_on() -> None:
    with_endpoint = {"Resources": {"Sqs": interface_endpoint(), "S3": gateway_endpoint()}}
    without = {"Resources": {"S3": gateway_endpoint(), **alarms(2)}}
    assert idlecost.findings(with_endpoint, fail_on_hourly=True) == [
        "Sqs (AWS::EC2::VPCEndpoint Interface, 2 subnet(s)): billed every hour, used or not"
    ]
    assert idlecost.findings(without, fail_on_hourly=True) == []
    assert idlecost.findings(with_endpoint, fail_on_hourly=False) == []
    assert idlecost.warning(with_endpoint) is not None and "Sqs" in str(idlecost.warning(with_endpoint))
    assert idlecost.warning(without) is None


def test_a_template_without_resources_is_refused() -> None:
    with pytest.raises(ValueError, match="no Resources"):
        idlecost.hourly_billed({"Resource": {}})


def test_the_template_holds_nothing_billed_by_the_hour() -> None:
    stage = load_stage("prod")
    functions = appmodel.functions(appmodel.load_app(stage), stage)
    merged = template.merge_template(stage, functions, "./layer.zip")
    cost = idlecost.idle_cost(merged, prices.load())
    assert cost.hourly == ()
    assert idlecost.findings(merged, fail_on_hourly=True) == []
