"""A run's use priced at the table's list prices: by hand, item by item; free allowances only for a
month; what was not measured is named, not guessed; and the cost line a person reads."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib import cost, prices, runview, sitecost
from chalicelib.buildrunner import render
from chalicelib.buildrunner.job import BuildJob, RunnerResult
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage
from chalicelib.usage import Usage, function_for, lambda_usage, memory_mb
from chalicelib.work.build import runner_usage

TABLE = prices.parse(
    """
region = "us-east-1"
currency = "USD"
read_on = 2026-11-30
hours_per_month = 730
"""
    + "".join(
        f"""
[usage.{key}]
usd = {usd}
per = "unit"
free_per_month = {free}
source = "https://aws.amazon.com/pricing/"
checked = "not confirmed"
"""
        for key, usd, free in (
            ("lambda_gb_second_x86_64", 0.0000166667, 0),
            ("lambda_request", 0.0000002, 0),
            ("s3_put", 0.000005, 0),
            ("s3_get", 0.0000004, 0),
            ("s3_storage_gb_month", 0.023, 0),
            ("cloudfront_invalidation_path", 0.005, 1000),
            ("sqs_request", 0.0000004, 1000000),
            ("sns_request", 0.0000005, 1000000),
            ("dynamodb_read_request_unit", 0.000000125, 0),
            ("dynamodb_write_request_unit", 0.000000625, 0),
        )
    )
)


def test_a_run_is_priced_item_by_item_at_list_price() -> None:
    used = Usage(
        lambda_gb_seconds=10.0,
        lambda_requests=2,
        s3_puts=1000,
        s3_gets=1000,
        bytes_stored=2 * 1024**3,
        invalidation_paths=3,
        algolia_operations=5,
    )
    priced = cost.price(used, TABLE)
    by_figure = {item.figure: item.usd for item in priced.items}
    # 10 GB-s x 0.0000166667 + 2 x 0.0000002 + 1000 x 0.000005 + 1000 x 0.0000004 + 2 GB x 0.023 + 3 x 0.005
    assert by_figure == pytest.approx(
        {
            "lambda_gb_seconds": 0.000166667,
            "lambda_requests": 0.0000004,
            "s3_puts": 0.005,
            "s3_gets": 0.0004,
            "bytes_stored": 0.046,
            "invalidation_paths": 0.015,
        }
    )
    assert priced.total == pytest.approx(0.066567067)
    assert (priced.region, priced.read_on) == ("us-east-1", "2026-11-30")
    assert priced.not_priced == ("Algolia operations (billed by the Algolia plan)",)
    assert set(priced.unmeasured) == {
        "s3_lists",
        "sqs_requests",
        "sqs_fifo_requests",
        "sns_requests",
        "dynamodb_reads",
        "dynamodb_writes",
    }
    assert [item.figure for item in priced.biggest()] == ["bytes_stored", "invalidation_paths"]


def test_free_allowances_apply_to_a_month_never_to_one_run() -> None:
    used = Usage(invalidation_paths=1500, sqs_requests=10)
    one_run = cost.price(used, TABLE)
    month = cost.price(used, TABLE, free_allowances=True)
    assert one_run.total == pytest.approx(1500 * 0.005 + 10 * 0.0000004)
    assert month.total == pytest.approx(500 * 0.005)  # 1,000 paths and a million requests are free
    assert any("1,000 invalidation paths a month are free" in note for note in one_run.notes)


def test_the_repository_table_prices_every_figure() -> None:
    table = prices.load()
    for key, _ in cost.PRICED.values():
        assert table.price("usage", key).usd > 0


def test_usages_add_up_and_an_unknown_figure_stays_unknown() -> None:
    summed = Usage(s3_puts=2, lambda_requests=1) + Usage(s3_puts=3, bytes_stored=10)
    assert summed.to_dict() == {"lambda_requests": 1, "s3_puts": 5, "bytes_stored": 10}
    assert "s3_gets" in summed.unmeasured()
    assert Usage.from_dict(summed.to_dict()) == summed


def test_a_hand_edited_usage_drops_what_is_no_figure() -> None:
    read = Usage.from_dict(
        {"s3_puts": "many", "s3_gets": -1, "bytes_stored": True, "sqs_requests": 4, "new": 1}
    )
    assert read == Usage(sqs_requests=4)
    assert Usage.from_dict(["not", "a", "dict"]) == Usage()


def test_each_stage_is_priced_with_its_own_function_memory() -> None:
    assert [
        function_for(s)
        for s in (
            "convert",
            "fetch",
            "build",
            "deploy-prod",
            "codedrop-dev",
            "approval",
            "review",
            "api",
            "nope",
        )
    ] == ["convert", "build", "build", "deploy", "codedrop", "deploy", "build", "api_handler", None]
    assert memory_mb("build") == 3008 and memory_mb("deploy-staging") == 1024  # .chalice/config.json
    assert lambda_usage("deploy-staging", 2.0, memory=1024) == Usage(lambda_gb_seconds=2.0, lambda_requests=1)
    assert lambda_usage("nope", 2.0) == Usage(lambda_requests=1)  # memory unknown: no GB-seconds


def test_on_lambda_the_running_function_memory_counts(monkeypatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
    assert memory_mb("build") == 512


def run_with(
    *details: dict[str, object], created: str = "2026-11-20T10:00:00.000Z", site: str = "blog"
) -> Run:
    stages = [Stage(f"stage{i}", "succeeded", detail=dict(d)) for i, d in enumerate(details)]
    return Run(f"r-{created}-{site}", site, "hugo", Trigger("import"), stages, created_at=created)


def test_the_cost_line_names_the_total_the_biggest_items_and_the_prices() -> None:
    run = run_with(
        {"usage": {"lambda_gb_seconds": 30.0, "lambda_requests": 1}},
        {"usage": {"lambda_gb_seconds": 3.0, "lambda_requests": 1, "s3_puts": 20}},
        {"summary": "no usage recorded"},
    )
    line = runview.cost_line(run)
    repository = prices.load()
    total = 33 * repository.price("usage", "lambda_gb_second_x86_64").usd + 2 * 0.0000002 + 20 * 0.000005
    assert line.startswith(f"{cost.dollars(total)} (Lambda GB-seconds ")
    assert f"us-east-1 list prices of {repository.read_on}" in line
    assert "not measured: s3 gets" in line
    shown = runview.as_json(run, datetime(2026, 11, 21, tzinfo=UTC))
    assert shown["cost"]["usd"] == pytest.approx(total, abs=1e-8) and shown["cost_line"] == line


def test_a_run_from_before_has_no_cost_line() -> None:
    run = run_with({"summary": "old"})
    assert runview.cost_line(run) == ""
    assert runview.as_json(run, datetime(2026, 11, 21, tzinfo=UTC))["cost"] is None


def test_a_month_of_runs_is_estimated_per_site_with_the_allowances_on_the_total() -> None:
    runs = [
        run_with({"usage": {"invalidation_paths": 600, "lambda_requests": 1}}),
        run_with({"summary": "recorded nothing"}, created="2026-11-21T10:00:00Z"),
        run_with({"usage": {"invalidation_paths": 100}}, site="docs"),
        run_with({"usage": {"invalidation_paths": 900}}, created="2026-10-31T23:59:59Z"),  # October
    ]
    found = sitecost.report(runs, sitecost.period("2026-11", datetime(2026, 12, 5, tzinfo=UTC)), TABLE)
    blog, docs = found.sites
    assert (blog.site, blog.runs, blog.priced_runs) == ("blog", 2, 1)
    assert blog.estimate_usage == Usage(invalidation_paths=1200, lambda_requests=2)  # 2 runs x the average
    assert docs.estimate.total == pytest.approx(0.5)
    assert found.total.total == pytest.approx(1300 * 0.005 + 2 * 0.0000002)
    assert found.allowed.total == pytest.approx(300 * 0.005 + 2 * 0.0000002)  # 1,000 paths free, once


@pytest.mark.parametrize("month", ["2026-13", "26-11", "november", "2026-1"])
def test_a_wrong_month_is_refused_saying_how_to_write_it(month: str) -> None:
    with pytest.raises(ValueError, match="give a month as YYYY-MM"):
        sitecost.period(month, datetime(2026, 12, 5, tzinfo=UTC))


def test_a_month_ends_where_the_next_begins() -> None:
    december = sitecost.period("2026-12", datetime(2026, 12, 5, tzinfo=UTC))
    assert (december.start.isoformat(), december.end.isoformat()) == (
        "2026-12-01T00:00:00+00:00",
        "2027-01-01T00:00:00+00:00",
    )


def test_the_runner_function_says_its_memory_and_its_time_counts_at_it(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "3008")  # as Lambda sets it from MemorySize
    missing = (tmp_path / "source.tar.gz").as_uri()
    job = BuildJob(missing, (tmp_path / "out.tgz").as_uri(), (tmp_path / "log").as_uri(), (), seconds=30)
    answer = render.handle(json.loads(job.to_json()))  # the runner function's real handler
    result = RunnerResult.from_json(json.dumps(answer))
    assert not result.ok and result.memory_mb == 3008
    waited = replace(result, seconds=10.0)  # FunctionRunner.run sets how long it waited
    assert runner_usage(waited) == Usage(lambda_gb_seconds=10.0 * 3008 / 1024, lambda_requests=1)
    assert runner_usage(result) == Usage()  # a child process: its time is the stage function's own
    # A build in three segments: four invocations (three segments, one index), their times summed.
    split = replace(result, seconds=25.0, invocations=4)
    assert runner_usage(split) == Usage(lambda_gb_seconds=25.0 * 3008 / 1024, lambda_requests=4)


@pytest.mark.parametrize("reported", [64, 20000, "3008", True, None])
def test_a_runner_memory_lambda_does_not_allow_is_unknown(reported: object) -> None:
    result = RunnerResult.from_json(json.dumps({"ok": True, "memory_mb": reported}))
    assert result.memory_mb == 0
    assert runner_usage(replace(result, seconds=2.0)) == Usage(lambda_requests=1)
