"""What each Lambda function may do: one IAM role per function, every action named, every resource
one of the stack's own ARNs.

A function's grants follow from what it is (its trigger, and for SQS handlers its queue's role),
not from its name, so a new handler on a known queue is granted correctly without an edit here; a
handler on a queue this module does not know gets the base grants only (its logs, its queue, the run
table) and the checks say so. The only `Resource: "*"` is the one AWS requires for Lambda's VPC
networking (`ec2:DescribeNetworkInterfaces` has no resource-level permissions).
"""

from __future__ import annotations

from typing import Any

from chalicelib import resources
from presslift.packaging import logical
from presslift.packaging.appmodel import Function
from presslift.packaging.logical import arn, ref, sub

Statement = dict[str, Any]

#: What the pipeline's stages do, in the DESIGN's words, by trigger and queue role. Every stage may
#: fail a run, which mails the approvals topic and posts a GitHub status (hence approvals, github).
CAPABILITIES: dict[tuple[str, str], frozenset[str]] = {
    ("sqs", "ingest"): frozenset({"runs", "ingest", "artifacts", "approvals", "github", "send:build"}),
    ("sqs", "build"): frozenset({"runs", "artifacts", "approvals", "github", "hugo", "send:deploy"}),
    ("sqs", "deploy"): frozenset(
        {
            "runs",
            "artifacts",
            "sites",
            "cdn",
            "approvals",
            "github",
            "search-keys",
            # prod follows staging at once when a site needs no approval; code runs go to EFS
            "send:deploy",
            "send:codedrop",
        }
    ),
    ("sqs", "codedrop"): frozenset({"runs", "artifacts", "efs", "approvals", "github", "send:codedrop"}),
    ("api", ""): frozenset(
        {"runs", "artifacts-read", "webhook", "github", *(f"send:{role}" for role in resources.QUEUE_ROLES)}
    ),
    # The sweep: approvals expire; runs whose message reached a DLQ fail (chalicelib/deadletters.py).
    ("schedule", ""): frozenset({"runs", "approvals", "github", "dead-letters"}),
}
BASE: frozenset[str] = frozenset({"runs"})
#: Actions AWS grants only on Resource "*"; the least-privilege check allows exactly these.
UNSCOPED_ACTIONS: frozenset[str] = frozenset({"ec2:DescribeNetworkInterfaces"})


def capabilities(function: Function) -> frozenset[str]:
    return CAPABILITIES.get((function.trigger, function.role), BASE)


def _allow(actions: list[str], resources_: list[Any], **extra: Any) -> Statement:
    return {"Effect": "Allow", "Action": sorted(actions), "Resource": resources_, **extra}


def _bucket(logical_id: str, *, write: bool) -> list[Statement]:
    objects = sub(f"${{{logical_id}.Arn}}/*")
    actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] if write else ["s3:GetObject"]
    return [_allow(actions, [objects]), _allow(["s3:ListBucket"], [arn(logical_id)])]


def _queue_send(role: str) -> list[Statement]:
    if role not in resources.QUEUE_ROLES:
        return []
    return [_allow(["sqs:GetQueueUrl", "sqs:SendMessage"], [arn(logical.queue(role))])]


def _parameter(parameter: str, suffix: str = "") -> Any:
    # Parameter names start with "/", so `parameter${Name}` is the ARN's form.
    return sub(
        f"arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter${{{parameter}}}{suffix}"
    )


def _capability(name: str, site_stages: tuple[str, ...]) -> list[Statement]:
    if name.startswith("send:"):
        return _queue_send(name.removeprefix("send:"))
    table = arn(logical.TABLE)
    statements: dict[str, list[Statement]] = {
        "runs": [
            _allow(
                [
                    "dynamodb:ConditionCheckItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:Query",
                    "dynamodb:UpdateItem",
                ],
                [table, sub(f"${{{logical.TABLE}.Arn}}/index/*")],
            )
        ],
        "ingest": _bucket(logical.INGEST_BUCKET, write=True),
        "artifacts": _bucket(logical.ARTIFACTS_BUCKET, write=True),
        "artifacts-read": _bucket(logical.ARTIFACTS_BUCKET, write=False),
        "sites": [s for stage in site_stages for s in _bucket(logical.site_bucket(stage), write=True)],
        "cdn": [
            _allow(
                ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"],
                [
                    sub(
                        f"arn:${{AWS::Partition}}:cloudfront::${{AWS::AccountId}}:distribution/"
                        f"${{{logical.distribution(stage)}}}"
                    )
                    for stage in site_stages
                ],
            )
        ],
        "approvals": [_allow(["sns:Publish"], [ref(logical.APPROVALS_TOPIC)])],
        "webhook": [_allow(["ssm:GetParameter"], [_parameter("WebhookSecretParameter")])],
        "github": [_allow(["ssm:GetParameter"], [_parameter("GitHubTokenParameter")])],
        "search-keys": [_allow(["ssm:GetParameter"], [_parameter("SearchKeysPath", "/*")])],
        "dead-letters": [
            _allow(
                ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
                [arn(logical.dead_letter_queue(role)) for role in resources.QUEUE_ROLES],
            )
        ],
        "hugo": [],  # the layer needs no permission; listed so the capability is explicit
        "efs": [
            _allow(
                ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                [arn(logical.FILE_SYSTEM)],
                Condition={"StringEquals": {"elasticfilesystem:AccessPointArn": arn(logical.ACCESS_POINT)}},
            ),
            _allow(
                ["ec2:CreateNetworkInterface"],
                [
                    sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-interface/*"),
                    *(
                        sub(
                            f"arn:${{AWS::Partition}}:ec2:${{AWS::Region}}:${{AWS::AccountId}}:subnet/${{{s}}}"
                        )
                        for s in logical.SUBNETS
                    ),
                    sub(
                        "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/"
                        f"${{{logical.FUNCTION_SECURITY_GROUP}}}"
                    ),
                ],
            ),
            _allow(
                [
                    "ec2:AssignPrivateIpAddresses",
                    "ec2:DeleteNetworkInterface",
                    "ec2:UnassignPrivateIpAddresses",
                ],
                [sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-interface/*")],
            ),
            _allow(sorted(UNSCOPED_ACTIONS), ["*"]),
        ],
    }
    return statements[name]


def policy(function: Function, site_stages: tuple[str, ...] = resources.SITE_STAGES) -> list[Statement]:
    """The statements of `function`'s role: its own log group, its own queue, then its capabilities."""
    found: list[Statement] = [
        _allow(
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            [arn(logical.log_group(function.logical_id))],
        )
    ]
    if function.trigger == "sqs":
        found.append(
            _allow(
                [
                    "sqs:ChangeMessageVisibility",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes",
                    "sqs:ReceiveMessage",
                ],
                [arn(logical.queue(function.role))],
            )
        )
    for name in sorted(capabilities(function)):
        found.extend(_capability(name, site_stages))
    return found


def role(function: Function, site_stages: tuple[str, ...] = resources.SITE_STAGES) -> dict[str, Any]:
    """The function's own IAM role resource."""
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
            "Policies": [
                {
                    "PolicyName": f"{function.logical_id}Policy",
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": policy(function, site_stages)},
                }
            ],
        },
    }
