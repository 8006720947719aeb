"""The scheduled sweep fails runs whose message reached a dead-letter queue without an outcome (a
function killed by its timeout or out of memory records nothing), once, and clears what it settled."""

from __future__ import annotations

from chalicelib import events, pipeline
from chalicelib.resources import dead_letter_queue
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage, new_run_id
from chalicelib.services import Services


def build_run(svc: Services, trigger: str = "push") -> Run:
    return svc.runs.create(
        Run(
            id=new_run_id(),
            site="demo",
            kind="hugo",
            trigger=Trigger(trigger),
            stages=[Stage("fetch", "succeeded"), Stage("build", "running"), Stage("deploy-staging")],
        )
    )


def die_on_every_attempt(svc: Services, role: str, body: str) -> None:
    """What a function that Lambda kills does to its message: receives it and never answers. After
    maxReceiveCount receives, SQS moves it to the DLQ on the next receive."""
    url = svc.queue_url(role)
    svc.sqs.send_message(QueueUrl=url, MessageBody=body)
    for _ in range(svc.settings.max_receive_count):
        (received,) = svc.sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"]
        assert received["Body"] == body
    assert svc.sqs.receive_message(QueueUrl=url).get("Messages", []) == []  # moved to the DLQ


def dead_letters(svc: Services, role: str) -> int:
    """How many messages the DLQ of `role` holds, visible or not."""
    url = svc.sqs.get_queue_url(QueueName=dead_letter_queue(svc.settings.queues[role]))["QueueUrl"]
    counts = svc.sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return sum(int(value) for value in counts.values())


def test_a_run_whose_message_was_dead_lettered_without_an_outcome_is_failed_by_the_sweep(provisioned):
    run = build_run(provisioned)
    body = events.encode(events.BuildRequest(run.id, "demo", "sources/demo/x.tar.gz"))
    die_on_every_attempt(provisioned, "build", body)
    assert provisioned.runs.get(run.id).status == "running"  # nothing recorded it

    assert pipeline.fail_dead_lettered(provisioned) == [run.id]

    failed = provisioned.runs.get(run.id)
    assert failed.status == "failed"
    build = failed.stage("build")
    assert build.status == "failed"
    assert build.error == (
        "gave up after 3 attempts: the build function never recorded an outcome (it ran out of time or "
        "memory); fix the cause, then push again"
    )
    assert build.detail["dead_letter"]["body"] == body
    assert failed.stage("deploy-staging").status == "skipped"
    assert dead_letters(provisioned, "build") == 0  # settled: its run refuses it now
    assert pipeline.fail_dead_lettered(provisioned) == []  # a second sweep changes nothing


def test_a_run_that_recorded_its_own_failure_is_left_as_it_is(provisioned):
    run = build_run(provisioned, trigger="import")
    body = events.encode(events.BuildRequest(run.id, "demo", "sources/demo/x.tar.gz"))
    pipeline.give_up(provisioned, body, RuntimeError("disk full"))
    die_on_every_attempt(provisioned, "build", body)

    assert pipeline.fail_dead_lettered(provisioned) == []
    assert "disk full" in provisioned.runs.get(run.id).stage("build").error
    assert dead_letters(provisioned, "build") == 0


def test_a_dead_letter_that_names_no_known_run_stays_for_an_operator(provisioned):
    body = events.encode(
        events.DeployRequest(run_id="20990101-000000-000-abcdef", site="demo", stage="staging")
    )
    url = provisioned.sqs.get_queue_url(QueueName="presslift-deploy-dlq.fifo")["QueueUrl"]
    provisioned.sqs.send_message(
        QueueUrl=url, MessageBody=body, MessageGroupId="demo", MessageDeduplicationId="1"
    )

    assert pipeline.fail_dead_lettered(provisioned) == []
    assert dead_letters(provisioned, "deploy") == 1


def test_the_scheduled_function_runs_the_sweep(provisioned):
    import app
    from chalicelib.services import use_services
    from presslift.localcloud.dispatcher import scheduled_event

    run = build_run(provisioned)
    die_on_every_attempt(provisioned, "build", events.encode(events.BuildRequest(run.id, "demo", "s.tar.gz")))
    use_services(provisioned)
    try:
        result = app.expire_approvals(scheduled_event("expire_approvals", "us-east-1"), None)
    finally:
        use_services(None)
    assert result == {"expired": [], "dead_lettered": [run.id], "previews_to_remove": []}
