"""Feeding SQS messages to the Chalice app's handlers, as Lambda's event source mappings would.

The wiring (which queue goes to which handler, with what batch size) is read from the handlers the
app registers (`app.event_sources`), never from a table of our own. Each queue gets a poller thread
that long-polls, builds a real-shaped SQS event, calls the handler and deletes what succeeded; records
named in `batchItemFailures` (or all of them, if the handler raised) are left alone, as Lambda leaves
them: they come back when their visibility ends (the function's own backoff, or the queue's timeout),
and SQS moves them to the dead-letter queue after `maxReceiveCount`.

Each call gets a Lambda context whose remaining time counts down from the function's configured
timeout (`.chalice/config.json`), so time budgets behave as they do in Lambda.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalice.app import Chalice, CloudWatchEventConfig, ScheduledEventConfig, SQSEventConfig
from chalice.config import Config
from chalice.local import LambdaContext

from presslift.packaging.stage import read_config

log = logging.getLogger(__name__)

#: The Chalice stage whose function settings (timeout, memory) the local cloud runs with.
LOCAL_STAGE = "dev"


@dataclass(frozen=True)
class Wiring:
    """One event source mapping: a queue and the handler Lambda would invoke for it."""

    function: str
    queue: str
    batch_size: int
    handler: Callable[[dict[str, Any], Any], Any]
    timeout: int = 900  # seconds, as configured for the function
    memory: int = 1024  # MB

    def context(self) -> LambdaContext:
        """A fresh invocation's context: its remaining time counts down from the function's timeout."""
        return LambdaContext(self.function, memory_size=self.memory, max_runtime_ms=self.timeout * 1000)


def function_settings(name: str, config: dict[str, Any] | None = None) -> tuple[int, int]:
    """(timeout s, memory MB) of function `name` in the local stage of `.chalice/config.json`."""
    try:
        loaded = read_config() if config is None else config
    except (OSError, ValueError):
        loaded = {}  # an app outside this project (tests' own apps): Chalice's defaults
    scoped = Config(chalice_stage=LOCAL_STAGE, config_from_disk=loaded).scope(LOCAL_STAGE, name)
    return int(scoped.lambda_timeout or 60), int(scoped.lambda_memory_size or 128)


def sqs_wiring(app: Chalice) -> list[Wiring]:
    wiring = []
    for source in app.event_sources:
        if isinstance(source, SQSEventConfig):
            queue = source.queue or (source.queue_arn or "").rsplit(":", 1)[-1]
            timeout, memory = function_settings(source.name)
            wiring.append(
                Wiring(
                    source.name,
                    queue,
                    min(source.batch_size, 10),
                    app.handler_map[source.name],
                    timeout=timeout,
                    memory=memory,
                )
            )
    return wiring


def lambda_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """The event Lambda passes to a function for a batch of SQS messages."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": message.get("MessageAttributes", {}),
                "md5OfBody": message.get("MD5OfBody") or hashlib.md5(message["Body"].encode()).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


class QueuePoller(threading.Thread):
    def __init__(self, sqs: Any, wiring: Wiring, stop: threading.Event, *, region: str = "us-east-1") -> None:
        super().__init__(name=f"poll-{wiring.queue}", daemon=True)
        self._sqs = sqs
        self.wiring = wiring
        self._halt = stop
        self._region = region
        self.url = sqs.get_queue_url(QueueName=wiring.queue)["QueueUrl"]
        self.arn = sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        self.busy = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                self.poll_once(wait_seconds=1)
            except Exception:  # the local cloud must survive a handler's or moto's hiccup
                if not self._halt.is_set():
                    log.exception("poller for %s failed; continuing", self.wiring.queue)
                    self._halt.wait(1)

    def poll_once(self, wait_seconds: int = 0) -> int:
        """Receive one batch and hand it to the function; the number of messages handled."""
        response = self._sqs.receive_message(
            QueueUrl=self.url,
            MaxNumberOfMessages=self.wiring.batch_size,
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = response.get("Messages", [])
        if not messages:
            return 0
        self.busy.set()
        try:
            failed = self._invoke(messages)
        finally:
            self.busy.clear()
        for message in messages:
            # Lambda deletes what succeeded and leaves the failed alone: their backoff is the function's.
            if message["MessageId"] not in failed:
                self._sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def _invoke(self, messages: list[dict[str, Any]]) -> set[str]:
        event = lambda_event(messages, self.arn, self._region)
        try:
            result = self.wiring.handler(event, self.wiring.context())
        except Exception:
            log.exception("function %s raised; the whole batch will be retried", self.wiring.function)
            return {message["MessageId"] for message in messages}
        failures = (result or {}).get("batchItemFailures", []) if isinstance(result, dict) else []
        return {failure["itemIdentifier"] for failure in failures}


def scheduled_wiring(app: Chalice) -> list[Wiring]:
    """The app's scheduled functions (`@app.schedule`); `queue` holds the schedule expression."""
    return [
        Wiring(
            source.name,
            _expression(getattr(source, "schedule_expression", "")),
            1,
            app.handler_map[source.name],
            *function_settings(source.name),
        )
        for source in app.event_sources
        if isinstance(source, ScheduledEventConfig | CloudWatchEventConfig)
    ]


def _expression(schedule: Any) -> str:
    return str(schedule.to_string()) if hasattr(schedule, "to_string") else str(schedule)


def scheduled_event(function: str, region: str) -> dict[str, Any]:
    """The event EventBridge sends a function on its schedule."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": now,
        "region": region,
        "resources": [f"arn:aws:events:{region}:123456789012:rule/{function}"],
        "detail": {},
    }


class Schedule(threading.Thread):
    """Runs one scheduled function every `seconds` (locally faster than its real rate, so it is seen)."""

    def __init__(
        self, wiring: Wiring, stop: threading.Event, seconds: float, *, region: str = "us-east-1"
    ) -> None:
        super().__init__(name=f"schedule-{wiring.function}", daemon=True)
        self.wiring = wiring
        self._halt = stop
        self._seconds = seconds
        self._region = region

    def run(self) -> None:
        while not self._halt.wait(self._seconds):
            self.fire()

    def fire(self) -> Any:
        try:
            return self.wiring.handler(
                scheduled_event(self.wiring.function, self._region), self.wiring.context()
            )
        except Exception:
            log.exception("scheduled function %s failed", self.wiring.function)
            return None
