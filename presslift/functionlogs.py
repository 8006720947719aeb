"""A run's function log lines for `presslift logs RUN`: from CloudWatch Logs on AWS, from the local
cloud's file locally, printed one readable line each (time, function, stage, level, message).

On AWS the functions are the deployed stack's `AWS::Lambda::Function` resources, each logging to
`/aws/lambda/<function name>`; every group is searched with `{ $.run_id = "<RUN>" }` over the run's
lifetime (a minute before it was created to `AFTER_MINUTES` after its last change), page by page, and
the lines are merged by time across groups.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from datetime import datetime
from typing import Any, Protocol

from rich.console import Console

from chalicelib.runs import Run

#: Minutes after a run's last change still searched (a retry's lines, a late stage's last words).
AFTER_MINUTES = 15
LAMBDA_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")
#: A run id as the pipeline makes them; anything else is refused before it reaches a filter pattern.
_RUN_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


class FunctionLogs(Protocol):
    def new_lines(self) -> list[dict[str, Any]]: ...


def filter_pattern(run_id: str) -> str:
    if not _RUN_ID.match(run_id):
        raise ValueError(f"run id {run_id!r} has characters a run id never has")
    return f'{{ $.run_id = "{run_id}" }}'


def _millis(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000)


def stack_functions(cloudformation: Any, stack: str) -> list[str]:
    """The names of the stack's Lambda functions, from its resources (every page)."""
    names = []
    for page in cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack):
        for resource in page["StackResourceSummaries"]:
            if resource["ResourceType"] in LAMBDA_TYPES and resource.get("PhysicalResourceId"):
                names.append(resource["PhysicalResourceId"])
    return sorted(names)


class CloudWatchFunctionLogs:
    """A run's lines from each function's log group; `new_lines()` gives only events not given before."""

    def __init__(self, logs: Any, functions: list[str], run: Run) -> None:
        self.logs = logs
        self.functions = functions
        self.run_id = run.id
        self.pattern = filter_pattern(run.id)
        self.start = _millis(run.created_at) - 60_000
        self._seen: set[str] = set()
        self.end_after = AFTER_MINUTES * 60_000
        self.updated = _millis(run.updated_at)
        #: Events per request (None: CloudWatch's own page size, up to 1 MB or 10,000 events).
        self.page_size: int | None = None

    def follow(self, run: Run) -> None:
        self.updated = _millis(run.updated_at)

    def new_lines(self) -> list[dict[str, Any]]:
        lines = []
        for function in self.functions:
            for event in self._events(f"/aws/lambda/{function}"):
                if event["eventId"] in self._seen:
                    continue
                self._seen.add(event["eventId"])
                line = _parsed(event["message"])
                # moto (the tests' CloudWatch) does not evaluate JSON filter patterns and returns every
                # event: the run id is checked here too, which costs nothing on AWS.
                if line is None or line.get("run_id") != self.run_id:
                    continue
                lines.append({"function": function, "ingested": event["timestamp"], **line})
        return sorted(lines, key=lambda line: (str(line.get("timestamp", "")), line["ingested"]))

    def _events(self, group: str) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        request = {
            "logGroupName": group,
            "filterPattern": self.pattern,
            "startTime": self.start,
            "endTime": self.updated + self.end_after,
        }
        if self.page_size:
            request["limit"] = self.page_size
        while True:
            try:
                page = self.logs.filter_log_events(**request)
            except self.logs.exceptions.ResourceNotFoundException:
                return events  # a function that never ran has no group yet
            events.extend(page.get("events", []))
            token = page.get("nextToken")
            if not token or token == request.get("nextToken"):
                return events
            request["nextToken"] = token


def _parsed(message: str) -> dict[str, Any] | None:
    try:
        line = json.loads(message)
    except ValueError:
        return None
    return line if isinstance(line, dict) else None


def readable(line: dict[str, Any]) -> str:
    """time function stage LEVEL message, as one line (a traceback follows on its own lines)."""
    stamp = str(line.get("timestamp", ""))
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00")).strftime("%H:%M:%S.%f")[:-3]
    except ValueError:
        when = stamp or "-"
    attempt = f" attempt {line['attempt']}" if line.get("attempt") not in (None, "", 1, "1") else ""
    text = (
        f"{when} {line.get('function') or '-'} {line.get('stage') or '-'}{attempt} "
        f"{line.get('level', '')} {line.get('message', '')}"
    )
    return text + ("\n" + str(line["exception"]) if line.get("exception") else "")


def function_logs(args: argparse.Namespace, run: Run, console: Console) -> FunctionLogs | None:
    """Where `presslift logs` reads the run's function lines: the stack's log groups with `--stage`
    (or `--profile` and `PRESSLIFT_STACK`), else the local cloud's file. None, saying why, when no
    stack is named."""
    if not (getattr(args, "aws_stage", None) or getattr(args, "profile", None)):
        from presslift.localcloud.functionlogs import LocalFunctionLogs
        from presslift.localoptions import LocalCloudOptions

        return LocalFunctionLogs(LocalCloudOptions().state_dir, run.id)
    stack = os.environ.get("PRESSLIFT_STACK") or (f"presslift-{args.aws_stage}" if args.aws_stage else "")
    if not stack:
        console.print("function logs: no stack to read them from (give --stage or set PRESSLIFT_STACK)")
        return None
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        functions = stack_functions(boto3.client("cloudformation"), stack)
    except (BotoCoreError, ClientError) as exc:
        console.print(f"function logs: cannot list the functions of stack {stack}: {exc}", highlight=False)
        return None
    return CloudWatchFunctionLogs(boto3.client("logs"), functions, run)


def print_function_lines(
    source: FunctionLogs, run: Run, stage: str | None, console: Console, as_json: bool
) -> None:
    """The run's function lines not printed before (only `stage`'s, if given)."""
    if isinstance(source, CloudWatchFunctionLogs):
        source.follow(run)
    for line in source.new_lines():
        if stage and line.get("stage") != stage:
            continue
        if as_json:
            print(json.dumps(line, ensure_ascii=False, default=str))
        else:
            console.out(readable(line), highlight=False)
