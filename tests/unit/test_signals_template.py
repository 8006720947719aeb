"""The template's operator signals: the opt-in Tracing parameter and its conditional X-Ray grant, the
alarms on failed runs, expired approvals and queue ages mailing the DLQ alarms' topic, and a dashboard
whose every reference resolves. Metric names are the emitter's (chalicelib/metrics.py)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from chalicelib import metrics, resources
from presslift.packaging import alarms, appmodel, checks, logical, template, tracing
from presslift.packaging.appmodel import Function
from presslift.packaging.stage import load_stage


@pytest.fixture(scope="module")
def functions() -> list[Function]:
    stage = load_stage("prod")
    return appmodel.functions(appmodel.load_app(stage), stage)


@pytest.fixture(scope="module")
def merged(functions: list[Function]) -> dict[str, Any]:
    return template.merge_template(load_stage("prod"), functions, "./layer.zip")


def of_type(merged: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in merged["Resources"].items() if r.get("Type") == kind}


def test_tracing_is_a_parameter_off_by_default(merged: dict[str, Any]) -> None:
    parameter = merged["Parameters"]["Tracing"]
    assert parameter["Default"] == "PassThrough"
    assert parameter["AllowedValues"] == ["PassThrough", "Active"]
    assert merged["Conditions"]["TracingActive"] == {"Fn::Equals": [{"Ref": "Tracing"}, "Active"]}


def test_every_function_traces_by_the_parameter_and_its_role_gets_x_ray_only_when_active(
    merged: dict[str, Any], functions: list[Function]
) -> None:
    for function in functions:
        assert merged["Resources"][function.logical_id]["Properties"]["Tracing"] == {"Ref": "Tracing"}
        policies = merged["Resources"][logical.role(function.logical_id)]["Properties"]["Policies"]
        conditional = [p for p in policies if "Fn::If" in p]
        assert len(conditional) == 1
        condition, granted, otherwise = conditional[0]["Fn::If"]
        assert (condition, otherwise) == ("TracingActive", {"Ref": "AWS::NoValue"})
        assert granted["PolicyDocument"]["Statement"] == [
            {
                "Effect": "Allow",
                "Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
                "Resource": "*",
            }
        ]
        # No unconditional policy grants X-Ray.
        assert "xray" not in json.dumps([p for p in policies if "Fn::If" not in p])


def test_the_sam_transform_passes_the_mode_on_as_tracing_config() -> None:
    sam = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Parameters": tracing.parameters()[0],
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Handler": "app.handler",
                    "Runtime": template.RUNTIME,
                    "CodeUri": "./deployment.zip",
                    "Role": "arn:aws:iam::123456789012:role/fn",
                    **tracing.function_properties(),
                },
            }
        },
    }
    cfn = checks.sam_transform(sam)
    assert cfn["Resources"]["Fn"]["Properties"]["TracingConfig"] == {"Mode": {"Ref": "Tracing"}}


def test_the_least_privilege_check_reads_both_branches_of_a_conditional_policy(
    merged: dict[str, Any],
) -> None:
    assert checks.wildcard_grants(merged) == []
    role = json.loads(json.dumps(merged["Resources"][logical.role("APIHandler")]))
    statement = role["Properties"]["Policies"][-1]["Fn::If"][1]["PolicyDocument"]["Statement"][0]
    statement["Action"].append("s3:GetObject")
    found = checks.wildcard_grants({"Resources": {"Role": role}})
    assert found == [
        "Role/APIHandlerTracing statement 0: "
        "xray:PutTelemetryRecords, xray:PutTraceSegments, s3:GetObject on Resource '*'"
    ]


def test_run_alarms_count_the_emitters_metric_and_mail_the_dlq_alarms_topic(merged: dict[str, Any]) -> None:
    found = of_type(merged, "AWS::CloudWatch::Alarm")
    dlq_topic = found[f"{logical.dead_letter_queue('build')}Alarm"]["Properties"]["AlarmActions"]
    failed = found[alarms.FAILED_RUNS_ALARM]["Properties"]
    expired = found[alarms.EXPIRED_APPROVALS_ALARM]["Properties"]
    for alarm in (failed, expired):
        assert alarm["AlarmActions"] == dlq_topic == [{"Ref": logical.ALARMS_TOPIC}]
        assert alarm["Namespace"] == {"Fn::Sub": f"{metrics.NAMESPACE_PREFIX}/${{AWS::StackName}}"}
        assert alarm["MetricName"] == metrics.STAGE_COUNT
        assert (alarm["Statistic"], alarm["Threshold"], alarm["ComparisonOperator"]) == (
            "Sum",
            0,
            "GreaterThanThreshold",
        )
        assert alarm["TreatMissingData"] == "notBreaching"
        # Each alarm's dimensions are one of the sets the emitter writes.
        assert tuple(d["Name"] for d in alarm["Dimensions"]) in metrics.DIMENSION_SETS
    assert failed["Dimensions"] == [{"Name": "Outcome", "Value": "failed"}]
    assert expired["Dimensions"] == [
        {"Name": "Stage", "Value": "approval"},
        {"Name": "Outcome", "Value": "expired"},
    ]


def test_every_queue_has_an_age_alarm_on_its_oldest_message(merged: dict[str, Any]) -> None:
    found = of_type(merged, "AWS::CloudWatch::Alarm")
    for role in resources.QUEUE_ROLES:
        alarm = found[alarms.queue_age_alarm(role)]["Properties"]
        assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == (
            "AWS/SQS",
            "ApproximateAgeOfOldestMessage",
            "Maximum",
        )
        assert alarm["Dimensions"] == [
            {"Name": "QueueName", "Value": {"Fn::GetAtt": [logical.queue(role), "QueueName"]}}
        ]
        assert alarm["Threshold"] == alarms.QUEUE_AGE_SECONDS
        assert alarm["AlarmActions"] == [{"Ref": logical.ALARMS_TOPIC}]


def test_the_functions_emit_into_the_namespace_the_alarms_watch(
    merged: dict[str, Any], functions: list[Function]
) -> None:
    for function in functions:
        variables = merged["Resources"][function.logical_id]["Properties"]["Environment"]["Variables"]
        if function.trigger == "invoke":  # the build runner gets no environment and emits nothing
            assert metrics.NAMESPACE.name not in variables
        else:
            assert variables[metrics.NAMESPACE.name] == alarms.namespace()


def test_the_dashboard_shows_durations_outcomes_queue_ages_and_alarms(merged: dict[str, Any]) -> None:
    (dashboard,) = of_type(merged, "AWS::CloudWatch::Dashboard").values()
    body = dashboard["Properties"]["DashboardBody"]["Fn::Sub"]
    for reference in re.findall(r"\$\{([^}]+)\}", body):
        name = reference.split(".")[0]
        assert name.startswith("AWS::") or name in merged["Resources"], reference
    widgets = json.loads(body)["widgets"]
    titles = [w["properties"]["title"] for w in widgets]
    assert [t.split(" (")[0] for t in titles] == [
        "Stage durations",
        "Stage outcomes",
        "Oldest message on each queue",
        "Alarms",
    ]
    assert metrics.STAGE_SECONDS in json.dumps(widgets[0]) and metrics.STAGE_COUNT in json.dumps(widgets[1])
    assert [row[3] for row in widgets[2]["properties"]["metrics"]] == [
        f"${{{logical.queue(role)}.QueueName}}" for role in resources.QUEUE_ROLES
    ]
    alarm_ids = {a[2:-5] for a in widgets[3]["properties"]["alarms"]}
    assert alarm_ids == set(of_type(merged, "AWS::CloudWatch::Alarm"))
