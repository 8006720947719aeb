"""The operator's signals in the template: alarms on failed runs, on approvals that expired (a run
waited longer than the approval expiry) and on the age of each queue's oldest message, mailed to the
same SNS topic as the dead-letter alarms, and one CloudWatch dashboard of stage durations, outcomes,
queue ages and the alarms. Metric names come from chalicelib/metrics.py, which the functions emit
with; queue metrics are SQS's own. Pure: builds template pieces.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib import metrics, resources
from presslift.packaging import logical
from presslift.packaging.logical import ref, sub

#: The namespace the functions' PRESSLIFT_METRICS_NAMESPACE carries (metrics.NAMESPACE): one per stack.
NAMESPACE = f"{metrics.NAMESPACE_PREFIX}/${{AWS::StackName}}"
#: A message waits for its turn (FIFO: behind its site's earlier ones), a backoff (at most 270 s) and a
#: stage's run (at most the 900 s Lambda timeout); one an hour old means the queue is not being drained.
QUEUE_AGE_SECONDS = 3600
PERIOD = 300
FAILED_RUNS_ALARM = "FailedRunsAlarm"
EXPIRED_APPROVALS_ALARM = "ExpiredApprovalsAlarm"
DASHBOARD = "Dashboard"


def namespace() -> dict[str, Any]:
    return sub(NAMESPACE)


def queue_age_alarm(role: str) -> str:
    return f"{logical.queue(role)}AgeAlarm"


def _alarm(description: str, **metric: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": description,
            "Period": PERIOD,
            "EvaluationPeriods": 1,
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [ref(logical.ALARMS_TOPIC)],
            **metric,
        },
    }


def _stage_count(**dimensions: str) -> dict[str, Any]:
    return {
        "Namespace": namespace(),
        "MetricName": metrics.STAGE_COUNT,
        "Dimensions": [{"Name": name, "Value": value} for name, value in dimensions.items()],
        "Statistic": "Sum",
        "Threshold": 0,
    }


def alarms() -> dict[str, Any]:
    """Failed runs, expired approvals and each queue's oldest message: what an operator acts on."""
    found = {
        FAILED_RUNS_ALARM: _alarm(
            "A run failed: a stage gave up (presslift runs shows which and why)",
            **_stage_count(**{metrics.OUTCOME: metrics.FAILED}),
        ),
        EXPIRED_APPROVALS_ALARM: _alarm(
            "A run waited for approval longer than the approval expiry and expired",
            **_stage_count(**{metrics.STAGE: metrics.APPROVAL_STAGE, metrics.OUTCOME: metrics.EXPIRED}),
        ),
    }
    for role in resources.QUEUE_ROLES:
        found[queue_age_alarm(role)] = _alarm(
            f"The oldest message on the {role} queue is over {QUEUE_AGE_SECONDS // 60} minutes old: "
            "its function is not draining it",
            Namespace=metrics.SQS_NAMESPACE,
            MetricName=metrics.QUEUE_AGE,
            Dimensions=[
                {"Name": metrics.QUEUE_NAME, "Value": {"Fn::GetAtt": [logical.queue(role), "QueueName"]}}
            ],
            Statistic="Maximum",
            Threshold=QUEUE_AGE_SECONDS,
        )
    return found


def _search(metric: str, dimensions: tuple[str, ...], statistic: str) -> str:
    keys = ",".join((f'"{NAMESPACE}"', *dimensions))
    return f"SEARCH('{{{keys}}} MetricName=\"{metric}\"', '{statistic}', {PERIOD})"


def _graph(title: str, metric_rows: list[list[Any]], x: int, y: int, **extra: Any) -> dict[str, Any]:
    return {
        "type": "metric",
        "x": x,
        "y": y,
        "width": 12,
        "height": 6,
        "properties": {
            "title": title,
            "region": "${AWS::Region}",
            "period": PERIOD,
            "view": "timeSeries",
            "metrics": metric_rows,
            **extra,
        },
    }


def dashboard_body(alarm_ids: list[str]) -> str:
    """The dashboard's JSON, with `${...}` references for Fn::Sub (the stack, region, queue names)."""
    stage_dimensions = tuple(metrics.DIMENSION_SETS[0])
    widgets = [
        _graph(
            "Stage durations (average seconds, by stage and outcome)",
            [
                [
                    {
                        "expression": _search(metrics.STAGE_SECONDS, stage_dimensions, "Average"),
                        "id": "durations",
                    }
                ]
            ],
            0,
            0,
        ),
        _graph(
            "Stage outcomes (count, by stage and outcome)",
            [[{"expression": _search(metrics.STAGE_COUNT, stage_dimensions, "Sum"), "id": "outcomes"}]],
            12,
            0,
            stacked=True,
        ),
        _graph(
            "Oldest message on each queue (seconds)",
            [
                [
                    metrics.SQS_NAMESPACE,
                    metrics.QUEUE_AGE,
                    metrics.QUEUE_NAME,
                    f"${{{logical.queue(role)}.QueueName}}",
                    {"stat": "Maximum", "label": role},
                ]
                for role in resources.QUEUE_ROLES
            ],
            0,
            6,
        ),
        {
            "type": "alarm",
            "x": 12,
            "y": 6,
            "width": 12,
            "height": 6,
            "properties": {"title": "Alarms", "alarms": [f"${{{alarm}.Arn}}" for alarm in alarm_ids]},
        },
    ]
    return json.dumps({"widgets": widgets}, separators=(",", ":"))


def dashboard(alarm_ids: list[str]) -> dict[str, Any]:
    return {
        DASHBOARD: {
            "Type": "AWS::CloudWatch::Dashboard",
            "Properties": {
                # Dashboard names are global to the account: the region keeps two regions' stacks apart.
                "DashboardName": sub("${AWS::StackName}-${AWS::Region}"),
                "DashboardBody": sub(dashboard_body(alarm_ids)),
            },
        }
    }


def signals(dead_letter_alarms: list[str]) -> dict[str, Any]:
    """The alarms and the dashboard; `dead_letter_alarms` (the DLQ alarms' ids) join the alarm widget."""
    found = alarms()
    return {**found, **dashboard([*dead_letter_alarms, *found])}
