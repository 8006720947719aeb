"""The Lambda functions a Chalice app registers, read off the app object: a handler added to `app.py`
later is packaged, granted and checked without anyone editing a second list.

Each function gets the logical id Chalice gives it in the template, its trigger, and (for SQS
handlers) the queue role from `chalicelib/resources.py`. Never edits the app; importing it only
reads the environment it is given.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalice import app as chalice_app
from chalice.config import Config
from chalice.utils import to_cfn_resource_name

from presslift.packaging.stage import PROJECT_ROOT, Stage, StageError

API_HANDLER = "api_handler"  # Chalice's name for the one function behind every route


@dataclass(frozen=True)
class Function:
    """One Lambda function of the app, as the template names it."""

    name: str  # Chalice's function name: the handler's name, or api_handler
    trigger: str  # "api", "sqs", "schedule", "event" (CloudWatch Events) or "invoke"
    queue: str = ""  # the queue an SQS handler consumes
    role: str = ""  # that queue's role in resources.QUEUE_ROLES
    event: str = ""  # logical name of its event in the function's Events
    timeout: int = 60
    memory: int = 128
    ephemeral_storage: int = 512  # MB of /tmp; Lambda's default

    @property
    def logical_id(self) -> str:
        return "APIHandler" if self.name == API_HANDLER else to_cfn_resource_name(self.name)


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def load_app(stage: Stage, app_file: Path = PROJECT_ROOT / "app.py") -> chalice_app.Chalice:
    """Import `app_file` afresh with the stage's names in the environment, as Chalice does to package."""
    spec = importlib.util.spec_from_file_location(f"_presslift_app_{stage.name}", app_file)
    assert spec and spec.loader, f"cannot import {app_file}"
    module = importlib.util.module_from_spec(spec)
    if str(app_file.parent) not in sys.path:
        sys.path.insert(0, str(app_file.parent))
    with _environment(stage.names):
        spec.loader.exec_module(module)
    app = getattr(module, "app", None)
    if not isinstance(app, chalice_app.Chalice):
        raise StageError(f"{app_file} defines no Chalice `app`")
    return app


def _settings(stage: Stage, name: str) -> tuple[int, int]:
    config = Config(chalice_stage=stage.name, config_from_disk=dict(stage.config)).scope(stage.name, name)
    return int(config.lambda_timeout or 60), int(config.lambda_memory_size or 128)


#: Lambda's bounds for a function's /tmp, in MB.
EPHEMERAL_STORAGE_RANGE = (512, 10240)


def _ephemeral_storage(stage: Stage, name: str) -> int:
    """`ephemeral_storage` (MB of /tmp) beside the function's memory and timeout in .chalice/config.json.

    Chalice has no such setting, so it is read here and written by the merge template. The sizes there
    follow what each stage holds in /tmp at once (artifacts stream through files, see artifacts.py):
    convert: the export (up to about 1 GB), uploads.zip, the converted site and its source tarball,
    about 1 GB + 3x the media: 10,240. build: the source, Hugo's cache, one tree per stage and one
    tarball, about 4.5x the site, so 10,240 builds sites up to about 2 GB. deploy: one stage's tarball
    and its unpacked tree, 2x such a site plus slack: 5,120. codedrop_mount: a bundle's tarball and its
    unpacked tree, from sources of at most 512 MB (fetch's cap) plus wheels: 2,048. The rest keep the
    default 512.
    Past 512 MB, /tmp costs about 0.03 USD per million GB-seconds: a 15-minute convert with 10 GB, 0.03
    cents.
    """
    functions = stage.config.get("stages", {}).get(stage.name, {}).get("lambda_functions", {})
    size = int(functions.get(name, {}).get("ephemeral_storage", EPHEMERAL_STORAGE_RANGE[0]))
    low, high = EPHEMERAL_STORAGE_RANGE
    if not low <= size <= high:
        raise StageError(
            f".chalice/config.json: {name}'s ephemeral_storage is {size} MB; Lambda allows {low} to {high}"
        )
    return size


def functions(app: chalice_app.Chalice, stage: Stage) -> list[Function]:
    """Every function Chalice will package for `app`, in the order Chalice registers them."""
    found: list[Function] = []
    roles = stage.queue_roles()

    def add(name: str, trigger: str, **extra: str) -> None:
        timeout, memory = _settings(stage, name)
        storage = _ephemeral_storage(stage, name)
        found.append(
            Function(name, trigger, timeout=timeout, memory=memory, ephemeral_storage=storage, **extra)
        )

    for source in app.event_sources:
        event = to_cfn_resource_name(f"{source.name}-event")
        if isinstance(source, chalice_app.SQSEventConfig):
            queue = source.queue or (source.queue_arn or "").rsplit(":", 1)[-1]
            if queue not in roles:
                raise StageError(
                    f"handler {source.name} consumes queue {queue!r}, which chalicelib/resources.py does not "
                    f"name for stage {stage.name} (queues: {', '.join(sorted(roles))})"
                )
            sqs_event = to_cfn_resource_name(f"{source.name}-sqs-event-source")
            add(source.name, "sqs", queue=queue, role=roles[queue], event=sqs_event)
        elif isinstance(source, chalice_app.ScheduledEventConfig):
            add(source.name, "schedule", event=event)
        elif isinstance(source, chalice_app.CloudWatchEventConfig):
            add(source.name, "event", event=event)
        else:
            raise StageError(
                f"handler {source.name}: {type(source).__name__} is not packaged; Presslift routes S3 and "
                "SNS through SQS (see DESIGN.md)"
            )
    for function in app.pure_lambda_functions:
        add(function.name, "invoke")
    if app.routes:
        add(API_HANDLER, "api")
    return found


def describe(functions_: list[Function]) -> list[dict[str, Any]]:
    """Plain data for logs and the benchmark."""
    return [
        {"function": f.logical_id, "trigger": f.trigger, "queue": f.queue, "timeout": f.timeout}
        for f in functions_
    ]
