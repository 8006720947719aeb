"""What the emails say about a run (moto's SNS, read through an SQS subscription as a mailbox would):
UTC times, durations, the status line with its warnings, and the link to the run's dashboard page."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage
from chalicelib.services import Services

NOW = datetime(2026, 11, 30, 14, 10, tzinfo=UTC)


def mailbox(svc: Services) -> str:
    url = svc.sqs.create_queue(QueueName="mailbox")["QueueUrl"]
    arn = svc.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    svc.sns.subscribe(TopicArn=svc.settings.approvals_topic_arn, Protocol="sqs", Endpoint=arn)
    return str(url)


def received(svc: Services, url: str) -> tuple[str, str]:
    (message,) = svc.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    body = json.loads(message["Body"])
    return body["Subject"], body["Message"]


def finished_run(status: str, failed_stage: str | None = None) -> Run:
    deploy = Stage(
        "deploy-staging",
        "failed" if failed_stage else "succeeded",
        "2026-11-30T14:06:00Z",
        "2026-11-30T14:06:12Z",
        error="S3 refused the upload" if failed_stage else None,
    )
    return Run(
        id="r1",
        site="demo",
        kind="hugo",
        trigger=Trigger("import", summary="import of demo.xml"),
        status=status,
        stages=[
            Stage(
                "convert",
                "succeeded",
                "2026-11-30T14:05:00Z",
                "2026-11-30T14:05:30Z",
                detail={"warnings": 39},
            ),
            deploy,
        ],
    )


def test_the_deployed_email_tells_when_how_long_and_links_the_run_page(provisioned: Services) -> None:
    svc = Services(provisioned.settings, clock=lambda: NOW)
    url = mailbox(svc)
    svc.notifier.deployed(finished_run("succeeded"), "staging")
    subject, body = received(svc, url)
    assert subject == "[Presslift] demo deployed to staging"
    assert "Status:       succeeded, 39 warnings" in body
    assert "Started:      2026-11-30 14:05 UTC (5 min ago)" in body
    assert "Took:         1 m 12 s" in body
    assert f"Details:      {svc.settings.api_url}/runs/r1/page" in body


def test_the_failure_email_names_the_stage_and_its_error(provisioned: Services) -> None:
    svc = Services(provisioned.settings, clock=lambda: NOW)
    url = mailbox(svc)
    svc.notifier.run_failed(finished_run("failed", "deploy-staging"))
    subject, body = received(svc, url)
    assert subject == "[Presslift] demo: deploy-staging failed"
    assert (
        "Error: S3 refused the upload" in body
        and "Status:       failed at deploy-staging, 39 warnings" in body
    )
    assert f"{svc.settings.api_url}/runs/r1/page" in body and "Took:         1 m 12 s" in body


def test_a_subject_sns_would_refuse_is_made_one_it_takes(provisioned: Services) -> None:
    """SNS refuses a subject of 100 characters or more, or with a control character: a commit message's
    first line with a tab or an escape character would have cost the run its approval email."""
    from chalicelib.notify import sns_subject

    svc = Services(provisioned.settings, clock=lambda: NOW)
    url = mailbox(svc)
    run = finished_run("failed", "deploy-staging")
    run.site = "demo\tsite\x1b[31m"
    svc.notifier.run_failed(run)
    subject, _ = received(svc, url)
    assert subject == "[Presslift] demo site [31m: deploy-staging failed"
    assert len(sns_subject("x" * 300)) == 99 and sns_subject("a\u2028b\r\nc") == "a b c"
