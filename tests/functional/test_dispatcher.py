import json
import threading

from chalice import Chalice

from chalicelib.batch import Backoff, hide_with, process_batch
from presslift.localcloud.dispatcher import QueuePoller, sqs_wiring


def test_the_wiring_comes_from_the_app_handlers():
    import app

    wiring = {w.function: w.queue for w in sqs_wiring(app.app)}
    assert wiring == {
        "convert": "presslift-ingest",
        "build": "presslift-build",
        "deploy": "presslift-deploy.fifo",
        "codedrop": "presslift-codedrop.fifo",
    }


def make_app(seen: list[str], fail_on: str, sqs) -> Chalice:
    """A function that backs off its failures itself, as Presslift's do (Lambda would not)."""
    demo = Chalice(app_name="dispatch-test")

    @demo.on_sqs_message(queue="work", batch_size=10)
    def work(event):
        def handle(body: str, final: bool) -> None:
            seen.append(body)
            if body == fail_on:
                raise RuntimeError(body)

        raw = event.to_dict()
        assert all(
            r["eventSource"] == "aws:sqs" and r["eventSourceARN"].endswith(":work") for r in raw["Records"]
        )
        return process_batch(
            raw, handle, max_receive_count=2, backoff=Backoff((0,)), retry_later=hide_with(sqs)
        )

    return demo


def test_failed_records_are_retried_then_dead_lettered(aws):
    sqs = aws["sqs"]
    dlq = sqs.create_queue(QueueName="work-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(
        QueueName="work",
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"})},
    )["QueueUrl"]
    for body in ("ok-1", "bad", "ok-2"):
        sqs.send_message(QueueUrl=url, MessageBody=body)

    seen: list[str] = []
    (wiring,) = sqs_wiring(make_app(seen, "bad", sqs))
    poller = QueuePoller(sqs, wiring, threading.Event())
    for _ in range(5):
        poller.poll_once()

    assert seen.count("ok-1") == 1 and seen.count("ok-2") == 1
    assert seen.count("bad") == 2  # maxReceiveCount attempts, then the dead-letter queue
    dead = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages", [])
    assert [m["Body"] for m in dead] == ["bad"]


def test_scheduled_functions_come_from_the_app_and_get_a_scheduled_event():
    import app
    from presslift.localcloud.dispatcher import Schedule, scheduled_wiring

    (wiring,) = scheduled_wiring(app.app)
    assert wiring.function == "expire_approvals" and wiring.queue.startswith("rate(15 minutes")
    seen = []
    fake = type(wiring)(
        wiring.function, wiring.queue, 1, lambda event, context: seen.append(event) or {"ok": 1}
    )
    assert Schedule(fake, threading.Event(), 3600).fire() == {"ok": 1}
    assert seen[0]["detail-type"] == "Scheduled Event" and seen[0]["source"] == "aws.events"


def test_a_failed_record_is_left_alone_as_lambda_leaves_it(aws):
    """Lambda's event source mapping does not shorten a failed record's wait: only the function can."""
    sqs = aws["sqs"]
    url = sqs.create_queue(QueueName="work", Attributes={"VisibilityTimeout": "600"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="bad")
    demo = Chalice(app_name="dispatch-test")

    @demo.on_sqs_message(queue="work", batch_size=1)
    def work(event):
        return {"batchItemFailures": [{"itemIdentifier": r.to_dict()["messageId"]} for r in event]}

    (wiring,) = sqs_wiring(demo)
    poller = QueuePoller(sqs, wiring, threading.Event())
    assert poller.poll_once() == 1
    assert poller.poll_once(wait_seconds=2) == 0  # still hidden: the queue's 600 s apply


def test_each_function_gets_a_context_counting_down_from_its_configured_timeout():
    import app

    wiring = {w.function: w for w in sqs_wiring(app.app)}
    context = wiring["build"].context()
    assert wiring["build"].timeout == 900 and context.memory_limit_in_mb == 3008
    assert 890_000 < context.get_remaining_time_in_millis() <= 900_000
