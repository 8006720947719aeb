"""`presslift logs RUN` shows the functions' log lines for the run: from CloudWatch Logs (moto) on AWS,
from the local cloud's file locally."""

from __future__ import annotations

import io
import json
import logging
import threading
from argparse import Namespace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from rich.console import Console

from chalicelib.logs import log_context
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage, new_run_id
from chalicelib.services import Services
from presslift import runlog
from presslift.functionlogs import CloudWatchFunctionLogs, filter_pattern, readable
from presslift.localcloud.functionlogs import FunctionLogCapture, FunctionLogFile, LocalFunctionLogs

FUNCTIONS = ("presslift-dev-import-export", "presslift-dev-build-site")

#: A stack with the two functions as CloudFormation names them, and a role they run as.
TEMPLATE = {
    "Resources": {
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}},
        },
        **{
            f"Function{i}": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "FunctionName": name,
                    "Runtime": "python3.12",
                    "Handler": "app.handler",
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Code": {"ZipFile": "def handler(event, context): pass"},
                },
            }
            for i, name in enumerate(FUNCTIONS)
        },
    }
}


def _run(svc: Services) -> Run:
    run = Run(new_run_id(), "blog", "hugo", Trigger("import"), [Stage("convert"), Stage("build")])
    svc.runs.create(run)
    return svc.runs.get(run.id)


def _args(run: Run, **extra: Any) -> Namespace:
    values = {
        "run": run.id,
        "stage": None,
        "follow": False,
        "json": False,
        "aws_stage": None,
        "profile": None,
    }
    return Namespace(**{**values, **extra})


def _line(run_id: str, stage: str, message: str, at: datetime, level: str = "INFO") -> str:
    return json.dumps(
        {
            "timestamp": at.isoformat(timespec="milliseconds"),
            "level": level,
            "logger": "chalicelib.stages",
            "message": message,
            "run_id": run_id,
            "site": "blog",
            "stage": stage,
            "attempt": 1,
        }
    )


def _put(logs: Any, function: str, messages: list[tuple[datetime, str]]) -> None:
    group = f"/aws/lambda/{function}"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="2026/11/30/[$LATEST]abc")
    logs.put_log_events(
        logGroupName=group,
        logStreamName="2026/11/30/[$LATEST]abc",
        logEvents=[{"timestamp": int(at.timestamp() * 1000), "message": m} for at, m in messages],
    )


@pytest.fixture
def stack(provisioned: Services, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("PRESSLIFT_STACK", raising=False)
    boto3.setup_default_session(region_name="us-east-1")
    cloudformation = boto3.client("cloudformation")
    cloudformation.create_stack(
        StackName="presslift-dev", TemplateBody=json.dumps(TEMPLATE), Capabilities=["CAPABILITY_IAM"]
    )
    return boto3.client("logs")


def test_on_aws_the_run_lines_of_every_function_are_merged_by_time(provisioned: Services, stack: Any) -> None:
    run = _run(provisioned)
    other = new_run_id()
    now = datetime.now(UTC)
    at = [datetime.fromtimestamp(now.timestamp() + i, UTC) for i in range(4)]
    _put(
        stack,
        FUNCTIONS[0],
        [
            (at[0], _line(run.id, "convert", "converted 3 posts", at[0])),
            (at[1], _line(other, "convert", "another run's line", at[1])),
            (at[2], "START RequestId: 1 Version: $LATEST"),  # the runtime's own lines are not JSON
        ],
    )
    _put(stack, FUNCTIONS[1], [(at[3], _line(run.id, "build", "hugo built 12 pages", at[3], "WARNING"))])
    sent: list[dict[str, Any]] = []
    boto3.DEFAULT_SESSION.events.register(  # type: ignore[union-attr]
        "before-parameter-build.cloudwatch-logs.FilterLogEvents",
        lambda params, **_: sent.append(dict(params)),
    )
    out = io.StringIO()
    runlog.cmd_logs(_args(run, aws_stage="dev"), provisioned, Console(file=out, width=200))

    lines = [line for line in out.getvalue().splitlines() if " INFO " in line or " WARNING " in line]
    assert lines == [
        f"{at[0]:%H:%M:%S}.{at[0].microsecond // 1000:03d} {FUNCTIONS[0]} convert INFO converted 3 posts",
        f"{at[3]:%H:%M:%S}.{at[3].microsecond // 1000:03d} {FUNCTIONS[1]} build WARNING hugo built 12 pages",
    ]
    assert sorted(call["logGroupName"] for call in sent) == sorted(f"/aws/lambda/{f}" for f in FUNCTIONS)
    assert {call["filterPattern"] for call in sent} == {f'{{ $.run_id = "{run.id}" }}'}
    created = datetime.fromisoformat(run.created_at.replace("Z", "+00:00"))
    assert all(call["startTime"] == int(created.timestamp() * 1000) - 60_000 for call in sent)


def test_on_aws_json_prints_each_line_raw_with_its_function(
    provisioned: Services, stack: Any, capsys
) -> None:
    run = _run(provisioned)
    now = datetime.now(UTC)
    _put(stack, FUNCTIONS[0], [(now, _line(run.id, "convert", "converted", now))])
    runlog.cmd_logs(_args(run, aws_stage="dev", json=True), provisioned, Console(file=io.StringIO()))
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (line,) = [p for p in printed if "message" in p]
    assert line["function"] == FUNCTIONS[0] and line["run_id"] == run.id and line["stage"] == "convert"


def test_every_page_of_a_group_is_read(provisioned: Services, stack: Any) -> None:
    run = _run(provisioned)
    now = datetime.now(UTC)
    _put(stack, FUNCTIONS[0], [(now, _line(run.id, "convert", f"line {i}", now)) for i in range(5)])
    reader = CloudWatchFunctionLogs(stack, [FUNCTIONS[0]], run)
    reader.page_size = 2
    assert [line["message"] for line in reader.new_lines()] == [f"line {i}" for i in range(5)]
    assert reader.new_lines() == []  # read once: following does not print a line twice


def test_a_run_id_that_could_change_the_filter_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match="characters a run id never has"):
        filter_pattern('x" || $.level = "INFO')


def test_locally_the_function_lines_of_the_run_are_kept_in_a_file_and_shown(
    provisioned: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = _run(provisioned)
    handler = FunctionLogFile(tmp_path / ".presslift", {"poll-imports": "import_export"})
    log = logging.getLogger("chalicelib.test_function_logs")
    log.addHandler(handler)
    log.setLevel(logging.INFO)

    def function() -> None:
        with log_context(run_id=run.id, site="blog", stage="convert", attempt=2):
            log.info("converted %d posts", 3)
        with log_context(run_id="20261130-000000-000-aaaaaa", site="other"):
            log.info("another run")
        log.info("no run at all")

    try:
        thread = threading.Thread(target=function, name="poll-imports")
        thread.start()
        thread.join()
    finally:
        log.removeHandler(handler)
        handler.close()

    stored = LocalFunctionLogs(tmp_path / ".presslift", run.id).new_lines()
    assert [(line["function"], line["stage"], line["message"]) for line in stored] == [
        ("import_export", "convert", "converted 3 posts")
    ]
    out = io.StringIO()
    runlog.cmd_logs(_args(run), provisioned, Console(file=out, width=200))
    assert readable(stored[0]) in out.getvalue()
    assert "import_export convert attempt 2 INFO converted 3 posts" in out.getvalue()
    assert "another run" not in out.getvalue() and "no run at all" not in out.getvalue()

    only_build = io.StringIO()
    runlog.cmd_logs(_args(run, stage="build"), provisioned, Console(file=only_build, width=200))
    assert "converted 3 posts" not in only_build.getvalue()


def test_the_local_file_gets_the_pipeline_info_lines_while_the_terminal_keeps_showing_warnings(
    tmp_path: Path,
) -> None:
    root, pipeline = logging.getLogger(), logging.getLogger("chalicelib")
    terminal_text = io.StringIO()
    terminal = logging.StreamHandler(terminal_text)
    saved = root.level, pipeline.level
    root.setLevel(logging.WARNING)
    pipeline.setLevel(logging.NOTSET)
    root.addHandler(terminal)
    capture = FunctionLogCapture(tmp_path, {})
    try:
        capture.start()
        with log_context(run_id="20261130-000000-000-bbbbbb", stage="build"):
            logging.getLogger("chalicelib.stages").info("stage build started")
            logging.getLogger("chalicelib.stages").warning("hugo warned")
        capture.stop()
        assert pipeline.level == logging.NOTSET and not terminal.filters
    finally:
        root.removeHandler(terminal)
        root.setLevel(saved[0])
        pipeline.setLevel(saved[1])
    kept = LocalFunctionLogs(tmp_path, "20261130-000000-000-bbbbbb").new_lines()
    assert [line["message"] for line in kept] == ["stage build started", "hugo warned"]
    assert "hugo warned" in terminal_text.getvalue() and "started" not in terminal_text.getvalue()


def test_a_function_log_that_cannot_be_written_is_said_once_in_one_line(tmp_path: Path, capsys) -> None:
    """With the state dir's disk full, logging printed a traceback for every line a function logged."""
    import errno

    class Full(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    handler = FunctionLogFile(tmp_path / ".presslift", {})
    handler.stream = Full()
    log = logging.getLogger("chalicelib.test_function_logs_full")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        with log_context(run_id="20261130-000000-000-cccccc", site="blog"):
            log.info("one")
            log.info("two")
    finally:
        log.removeHandler(handler)
    err = capsys.readouterr().err
    assert err.count("presslift: cannot write the function log") == 1 and "Traceback" not in err
    assert "No space left on device" in err
