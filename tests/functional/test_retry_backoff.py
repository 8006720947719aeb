"""A failed record comes back after the function's backoff, through the local dispatcher as Lambda runs
it (which itself leaves failed records alone), and a FIFO group moves on once its failing message has
gone to the dead-letter queue."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
from chalice import Chalice

from chalicelib import queues
from chalicelib.services import Services, use_services
from presslift.localcloud.dispatcher import QueuePoller, sqs_wiring
from presslift.localcloud.provision import VISIBILITY_TIMEOUT


@pytest.fixture
def fast_retries(provisioned: Services):
    """The pipeline's services with a one-second backoff, as the local cloud may configure."""
    svc = Services(replace(provisioned.settings, retry_backoff=(1,)))
    use_services(svc)
    yield svc
    use_services(None)


def poller_for(svc: Services, role: str, seen: list[str], *, fail_on: str) -> QueuePoller:
    """The real `queues.batch` on the pipeline's queue, with a handler that records and fails `fail_on`."""
    demo = Chalice(app_name="retry-test")

    def handle(body: str, final_attempt: bool, budget: object) -> None:
        seen.append(body)
        if body == fail_on:
            raise RuntimeError("a fault that retrying does not cure")

    @demo.on_sqs_message(queue=svc.settings.queues[role], batch_size=1)
    def work(event):
        return queues.batch(event.to_dict(), handle, event.context)

    (wiring,) = sqs_wiring(demo)
    return QueuePoller(svc.sqs, wiring, threading.Event())


def test_a_failed_record_is_visible_again_after_its_backoff_not_the_queues_timeout(fast_retries):
    svc = fast_retries
    url = svc.queue_url("build")
    svc.sqs.send_message(QueueUrl=url, MessageBody="flaky")
    seen: list[str] = []
    assert poller_for(svc, "build", seen, fail_on="flaky").poll_once() == 1

    # The queue would hide it for VISIBILITY_TIMEOUT s; the function's backoff brings it back in 1 s.
    again = svc.sqs.receive_message(
        QueueUrl=url, WaitTimeSeconds=VISIBILITY_TIMEOUT // 4, AttributeNames=["ApproximateReceiveCount"]
    )["Messages"]
    assert [m["Body"] for m in again] == ["flaky"]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"


def test_a_fifo_groups_next_message_follows_once_the_failing_one_is_dead_lettered(fast_retries):
    svc = fast_retries
    url = svc.queue_url("deploy")
    for n, body in enumerate(("broken deploy", "next deploy")):
        svc.sqs.send_message(
            QueueUrl=url, MessageBody=body, MessageGroupId="demo", MessageDeduplicationId=str(n)
        )
    seen: list[str] = []
    poller = poller_for(svc, "deploy", seen, fail_on="broken deploy")
    deadline = time.monotonic() + 60
    while "next deploy" not in seen and time.monotonic() < deadline:
        poller.poll_once(wait_seconds=1)

    max_receive = svc.settings.max_receive_count
    assert seen == ["broken deploy"] * max_receive + ["next deploy"]
    dlq = svc.sqs.get_queue_url(QueueName="presslift-deploy-dlq.fifo")["QueueUrl"]
    dead = svc.sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in dead] == ["broken deploy"]
