"""Creating every AWS resource of the pipeline in the local cloud (moto's server).

Names come from `chalicelib.resources` through `Settings`, the same source the Lambda code reads, so
the two can never disagree. Creating is idempotent: running it twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from chalicelib.config import Settings
from chalicelib.resources import dead_letter_queue, is_fifo
from chalicelib.runs import TTL_ATTRIBUTE, RunStore, table_definition

OUTBOX_QUEUE = "presslift-local-outbox"
VISIBILITY_TIMEOUT = 60


@dataclass
class Provisioned:
    """What was created, for the banner and for the dispatcher."""

    queue_urls: dict[str, str] = field(default_factory=dict)
    dead_letter_urls: dict[str, str] = field(default_factory=dict)
    outbox_url: str = ""
    distributions: dict[str, str] = field(default_factory=dict)
    distribution_domains: dict[str, str] = field(default_factory=dict)
    buckets: list[str] = field(default_factory=list)


def _queue(sqs: Any, name: str, max_receive_count: int) -> tuple[str, str]:
    fifo = {"FifoQueue": "true"} if is_fifo(name) else {}
    dlq_url = sqs.create_queue(QueueName=dead_letter_queue(name), Attributes=fifo)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive_count)})
    url = sqs.create_queue(
        QueueName=name,
        Attributes={"RedrivePolicy": redrive, "VisibilityTimeout": str(VISIBILITY_TIMEOUT), **fifo},
    )["QueueUrl"]
    return url, dlq_url


def _queue_arn(sqs: Any, url: str) -> str:
    return str(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])


def distribution_config(reference: str, bucket: str, origin_path: str = "") -> dict[str, Any]:
    """A CloudFront distribution in front of `bucket` (origin path `origin_path`), as moto takes it:
    the local cloud's, and the one publish tests and benchmarks invalidate."""
    origin_id = f"s3-{bucket}"
    origin = {
        "Id": origin_id,
        "DomainName": f"{bucket}.s3.amazonaws.com",
        "OriginPath": origin_path,
        "S3OriginConfig": {"OriginAccessIdentity": ""},
    }
    return {
        "CallerReference": reference,
        "Comment": reference,
        "Enabled": True,
        "DefaultRootObject": "index.html",
        "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": {
            "TargetOriginId": origin_id,
            "ViewerProtocolPolicy": "redirect-to-https",
            "MinTTL": 0,
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
        },
    }


def _distribution(cloudfront: Any, stage: str, bucket: str) -> tuple[str, str]:
    reference = f"presslift-{stage}"
    for summary in cloudfront.list_distributions().get("DistributionList", {}).get("Items", []) or []:
        if summary.get("Comment") == reference:
            return summary["Id"], summary["DomainName"]
    created = cloudfront.create_distribution(DistributionConfig=distribution_config(reference, bucket))
    return created["Distribution"]["Id"], created["Distribution"]["DomainName"]


def provision(
    settings: Settings, clients: dict[str, Any], *, secrets: dict[str, str] | None = None
) -> Provisioned:
    """Create buckets, queues (with DLQs), the topic and its local outbox, the table, distributions,
    and the SSM parameters in `secrets` (name -> value)."""
    s3, sqs, sns, dynamodb, cloudfront = (
        clients[name] for name in ("s3", "sqs", "sns", "dynamodb", "cloudfront")
    )
    done = Provisioned()
    for bucket in [settings.ingest_bucket, settings.artifacts_bucket, *settings.site_buckets.values()]:
        s3.create_bucket(Bucket=bucket)
        done.buckets.append(bucket)
    for role, name in settings.queues.items():
        done.queue_urls[role], done.dead_letter_urls[role] = _queue(sqs, name, settings.max_receive_count)

    s3.put_bucket_notification_configuration(
        Bucket=settings.ingest_bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "Id": "exports-to-ingest-queue",
                    "QueueArn": _queue_arn(sqs, done.queue_urls["ingest"]),
                    # Every object, not only imports/: one dropped at the root must not vanish unseen.
                    "Events": ["s3:ObjectCreated:*"],
                }
            ]
        },
    )

    topic_name = settings.approvals_topic_arn.rsplit(":", 1)[-1]
    topic_arn = sns.create_topic(Name=topic_name)["TopicArn"]
    if topic_arn != settings.approvals_topic_arn:
        raise RuntimeError(
            f"the approvals topic is {topic_arn}, but the settings say {settings.approvals_topic_arn}"
        )
    done.outbox_url = sqs.create_queue(QueueName=OUTBOX_QUEUE)["QueueUrl"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=_queue_arn(sqs, done.outbox_url))

    existing = dynamodb.list_tables()["TableNames"]
    if settings.table not in existing:
        dynamodb.create_table(**table_definition(settings.table))
        dynamodb.update_time_to_live(
            TableName=settings.table,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )
        RunStore(dynamodb, settings.table).index_open_runs()  # a new table: nothing stored to index
    for name, value in (secrets or {}).items():
        clients["ssm"].put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)

    for stage, bucket in settings.site_buckets.items():
        done.distributions[stage], done.distribution_domains[stage] = _distribution(cloudfront, stage, bucket)
    return done
