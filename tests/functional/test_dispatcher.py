import json
import threading

from chalice import Chalice

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


def make_app(seen: list[str], fail_on: str) -> Chalice:
    demo = Chalice(app_name="dispatch-test")

    @demo.on_sqs_message(queue="work", batch_size=10)
    def work(event):
        failures = []
        for record in event:
            raw = record.to_dict()
            seen.append(record.body)
            assert raw["eventSource"] == "aws:sqs" and raw["eventSourceARN"].endswith(":work")
            if record.body == fail_on:
                failures.append({"itemIdentifier": raw["messageId"]})
        return {"batchItemFailures": failures}

    return demo


def test_failed_records_are_retried_then_dead_lettered(aws, monkeypatch):
    monkeypatch.setattr("presslift.localcloud.dispatcher.RETRY_BACKOFF_SECONDS", 0)
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
    (wiring,) = sqs_wiring(make_app(seen, fail_on="bad"))
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
