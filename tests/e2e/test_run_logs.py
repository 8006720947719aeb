"""A run's log lines answer questions: every line a stage logs carries the run's id, and the local
cloud keeps them for `presslift logs RUN`, named by the function that wrote them."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from presslift.api_client import ApiClient
from presslift.functionlogs import print_function_lines
from presslift.localcloud import LocalCloud
from presslift.localcloud.functionlogs import LocalFunctionLogs
from tests.e2e import logsecrets
from tests.e2e.conftest import sample_awaiting_approval

pytestmark = pytest.mark.e2e


def test_every_line_a_stage_of_the_sample_import_logs_carries_its_run_id(
    cloud: LocalCloud, api: ApiClient, captured_logs: logsecrets.LogCapture
) -> None:
    start = len(captured_logs.lines)
    run = sample_awaiting_approval(cloud, api, "logged")

    in_stages = [(line, context) for line, context in captured_logs.lines[start:] if context.get("stage")]
    assert {context["stage"] for _, context in in_stages} >= {"convert", "build", "deploy-staging"}
    assert [line for line, context in in_stages if context.get("run_id") != run["id"]] == []
    assert all(context.get("site") == "logged" for _, context in in_stages)

    kept = LocalFunctionLogs(cloud.state_dir, run["id"]).new_lines()
    assert {line["stage"] for line in kept if line.get("stage")} >= {"convert", "build", "deploy-staging"}
    functions = {line["function"] for line in kept}
    assert functions and not any(name.startswith("poll-") for name in functions), functions

    assert cloud.services is not None
    out = io.StringIO()
    shown, stored = LocalFunctionLogs(cloud.state_dir, run["id"]), cloud.services.runs.get(run["id"])
    print_function_lines(shown, stored, "build", Console(file=out, width=200), False)
    assert "build INFO stage build succeeded" in out.getvalue()
    assert " convert " not in out.getvalue()


def test_a_leak_is_reported_by_the_secret_name_and_where_never_by_its_value() -> None:
    logsecrets.remember("the webhook secret of site probe", "probe-webhook-secret-value")
    leaks = logsecrets.leaks_in(["fine", "x probe-webhook-secret-value y"], "somewhere")
    assert leaks == ["the webhook secret of site probe appeared in somewhere, line 2"]
    assert logsecrets.leaks_in(["x [redacted] y"], "somewhere") == []
