"""Stage metrics: one embedded-metric-format line per finished stage on Lambda, valid by the spec's
rules; off Lambda the figures are collected for the local cloud's summary; wrong figures are refused."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import pytest

from chalicelib import metrics

#: MetricDatum units CloudWatch accepts (the EMF spec's MetricDefinition.Unit).
UNITS = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
    "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
    "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
    "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second",
    "Count/Second", "None",
}  # fmt: skip


def assert_emf(line: str) -> dict[str, Any]:
    """The spec's rules: one JSON object with nothing around it; `_aws` with a millisecond Timestamp and
    MetricDirectives (Namespace, Dimensions of at most 30 keys each, Metrics of at most 100, no other
    members); every dimension a string member of the root, every metric a number member."""
    assert line.endswith("\n") and line.count("\n") == 1
    root = json.loads(line)
    assert isinstance(root, dict)
    meta = root["_aws"]
    assert set(meta) == {"Timestamp", "CloudWatchMetrics"}
    assert isinstance(meta["Timestamp"], int) and meta["Timestamp"] > 10**12  # milliseconds, not seconds
    assert isinstance(meta["CloudWatchMetrics"], list) and meta["CloudWatchMetrics"]
    for directive in meta["CloudWatchMetrics"]:
        assert set(directive) == {"Namespace", "Dimensions", "Metrics"}
        assert isinstance(directive["Namespace"], str) and 1 <= len(directive["Namespace"]) <= 255
        for dimension_set in directive["Dimensions"]:
            assert isinstance(dimension_set, list) and 1 <= len(dimension_set) <= 30
            for key in dimension_set:
                value = root[key]
                assert isinstance(value, str) and 1 <= len(value) <= 1024
        assert 1 <= len(directive["Metrics"]) <= 100
        for definition in directive["Metrics"]:
            assert set(definition) <= {"Name", "Unit", "StorageResolution"}
            assert definition.get("Unit", "None") in UNITS
            value = root[definition["Name"]]
            assert isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return root


@pytest.fixture
def on_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "presslift-prod-build")
    monkeypatch.setenv(metrics.NAMESPACE.name, "Presslift/presslift-prod")


@pytest.fixture(autouse=True)
def empty_collector() -> None:
    metrics.COLLECTOR.clear()


def test_on_lambda_a_stage_is_one_emf_line_on_stdout(on_lambda: None) -> None:
    out = io.StringIO()
    metrics.emit(
        "build", "succeeded", 12.3456, "blog", run_id="r-1", attempt=2, out=out, clock=lambda: 1_700_000_000.5
    )
    root = assert_emf(out.getvalue())
    assert root["_aws"]["Timestamp"] == 1_700_000_000_500
    directive = root["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "Presslift/presslift-prod"
    assert directive["Dimensions"] == [["Stage", "Outcome"], ["Outcome"]]
    assert {m["Name"]: m["Unit"] for m in directive["Metrics"]} == {
        "StageSeconds": "Seconds",
        "StageCount": "Count",
    }
    assert (root["Stage"], root["Outcome"], root["StageSeconds"], root["StageCount"]) == (
        "build",
        "succeeded",
        12.346,
        1,
    )
    assert (root["site"], root["run_id"], root["attempt"]) == ("blog", "r-1", 2)
    assert metrics.COLLECTOR.figures() == []


def test_the_namespace_falls_back_to_the_default(on_lambda: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(metrics.NAMESPACE.name)
    out = io.StringIO()
    metrics.emit("deploy-prod", "failed", 0, "blog", out=out)
    assert (
        assert_emf(out.getvalue())["_aws"]["CloudWatchMetrics"][0]["Namespace"] == metrics.NAMESPACE.default
    )


def test_off_lambda_nothing_is_printed_and_the_summary_has_the_figures(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    metrics.emit("build", "succeeded", 2.0, "blog")
    metrics.emit("build", "succeeded", 4.5, "shop")
    metrics.emit("approval", "expired", 90_000, "blog")
    assert capsys.readouterr().out == ""
    assert metrics.COLLECTOR.summary() == [
        "build succeeded   2 x, 6.5 s in all, longest 4.5 s",
        "approval expired  1 x, 90000.0 s in all, longest 90000.0 s",
    ]


def test_an_empty_collector_has_no_summary() -> None:
    assert metrics.COLLECTOR.summary() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("build", "done", 1.0, "blog"), "outcome must be one of"),
        (("build", "failed", -1.0, "blog"), "seconds must be a finite number"),
        (("build", "failed", math.nan, "blog"), "seconds must be a finite number"),
        (("build", "failed", math.inf, "blog"), "seconds must be a finite number"),
        (("", "failed", 1.0, "blog"), "stage must be a name"),
        (("x" * 1025, "failed", 1.0, "blog"), "stage must be a name"),
        (("bu\nild", "failed", 1.0, "blog"), "control character"),
    ],
)
def test_a_wrong_figure_is_refused(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        metrics.emit(*args)
    assert metrics.COLLECTOR.figures() == []


def test_a_wrong_attempt_is_refused() -> None:
    with pytest.raises(ValueError, match="attempt must be a whole number"):
        metrics.emit("build", "failed", 1.0, "blog", attempt=0)


def test_the_demo_prints_the_collected_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    from presslift.demo import print_metrics

    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    out = io.StringIO()
    print_metrics(Console(file=out, width=120))
    assert out.getvalue() == ""  # nothing emitted: no heading either
    metrics.emit("deploy-prod", "succeeded", 1.25, "sample")
    print_metrics(Console(file=out, width=120))
    assert out.getvalue().splitlines()[1:] == [
        "Stage metrics (on AWS: CloudWatch, namespace Presslift/<stack>):",
        "  deploy-prod succeeded  1 x, 1.2 s in all, longest 1.2 s",
    ]
