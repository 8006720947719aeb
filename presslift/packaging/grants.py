"""What each Lambda function may do: one IAM role per function, every action named, every resource
one of the stack's own ARNs (or one the operator allowed through a stack parameter).

The actions come from the code (`calls.py`: the AWS operations each handler can reach); the
resources from `RESOURCES`, which says which of the stack's resources each service's actions apply
to, selected by the setting a function's code reads to find them (a function that never reads
`artifacts_bucket` gets no grant on the artifacts bucket, whatever it calls). Each call selects from
the names that concern it (`_selecting_names`): an S3 call from the buckets its module works on
(`BUCKETS_OF_MODULE`), an SSM call from the names read on the way to it. Nothing here says which
actions a function has. What Lambda itself does for a function follows from its trigger and
placement: its log group, polling its own queue, and for the code-drop mount function mounting EFS in
the VPC. The only `Resource: "*"` grants are the ones AWS requires: for Lambda's VPC networking
(`ec2:DescribeNetworkInterfaces` has no resource-level permissions) and, only while the stack's
Tracing parameter is Active, X-Ray's two write actions (tracing.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib import buildrunner, codemount, resources
from presslift.packaging import calls, logical, tracing
from presslift.packaging.appmodel import Function
from presslift.packaging.awscalls import Call, Reach
from presslift.packaging.logical import arn, ref, sub

Statement = dict[str, Any]
Resource = Any  # a CloudFormation value: an ARN string or an intrinsic

#: Where a function runs, beyond its code: the Hugo layer for the build runner (the only function that
#: runs Hugo), EFS in the VPC for the code-drop mount function (the only one in the VPC). Keyed by
#: trigger and queue role (a directly invoked function: its name). Configuration, not grants: the EFS
#: and network grants follow from it because Lambda mounts for it.
PLACEMENT: dict[tuple[str, str], frozenset[str]] = {
    ("invoke", buildrunner.FUNCTION): frozenset({"hugo"}),
    ("invoke", codemount.FUNCTION): frozenset({"efs"}),
}
#: What Lambda's VPC networking needs on Resource "*" (it has no resource-level permissions).
VPC_UNSCOPED_ACTIONS: tuple[str, ...] = ("ec2:DescribeNetworkInterfaces",)
#: Actions AWS grants only on Resource "*"; the least-privilege check allows exactly these. The X-Ray
#: ones are granted only while the stack's Tracing parameter is Active (see tracing.py).
UNSCOPED_ACTIONS: frozenset[str] = frozenset({*VPC_UNSCOPED_ACTIONS, *tracing.ACTIONS})
#: What Lambda's SQS poller does with the function's credentials on its own queue.
POLLER_ACTIONS: tuple[str, ...] = (
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ReceiveMessage",
)
#: Bucket-level S3 actions (on the bucket's ARN); every other S3 action is on its objects (`/*`).
BUCKET_ACTIONS: frozenset[str] = frozenset({"s3:ListBucket", "s3:ListBucketMultipartUploads"})
#: SQS actions that send; the others (read, delete, change visibility, attributes) consume.
SEND_ACTIONS: frozenset[str] = frozenset({"sqs:SendMessage", "sqs:GetQueueUrl"})
#: Stack parameters (comma-delimited lists, empty by default) of buckets and distributions that sites
#: own and the deploy function may publish to; see README "Stack parameters".
SITE_OWNED_BUCKETS = "SiteOwnedBuckets"
SITE_OWNED_DISTRIBUTIONS = "SiteOwnedDistributions"
HAS_SITE_OWNED_BUCKETS = "HasSiteOwnedBuckets"
HAS_SITE_OWNED_DISTRIBUTIONS = "HasSiteOwnedDistributions"


def capabilities(function: Function) -> frozenset[str]:
    """Where the function runs beyond its code ("hugo": the layer; "efs": the VPC and file system)."""
    return PLACEMENT.get((function.trigger, function.role or function.name), frozenset())


def _allow(actions: list[str], resources_: list[Any], **extra: Any) -> Statement:
    return {"Effect": "Allow", "Action": sorted(actions), "Resource": resources_, **extra}


def _parameter(parameter: str, suffix: str = "") -> Any:
    # Parameter names start with "/", so `parameter${Name}` is the ARN's form.
    return sub(
        f"arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter${{{parameter}}}{suffix}"
    )


def _distribution_arn(distribution: Any) -> Any:
    return {
        "Fn::Sub": [
            "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Id}",
            {"Id": distribution},
        ]
    }


@dataclass(frozen=True)
class SiteOwned:
    """The entries of a comma-delimited list parameter as ARNs (`prefix + entry + suffix`)."""

    parameter: str
    condition: str
    prefix: str
    suffix: str = ""

    def resource(self) -> Any:
        # CloudFormation has no map: joining with `suffix,prefix` and splitting again is the idiom. A
        # Join's delimiter cannot hold `${AWS::Partition}` or the account, hence the commercial
        # partition, and `*` for the account of a distribution (its id is globally unique anyway).
        joined = {
            "Fn::Join": [
                "",
                [
                    self.prefix,
                    {"Fn::Join": [f"{self.suffix},{self.prefix}", ref(self.parameter)]},
                    self.suffix,
                ],
            ]
        }
        return {"Fn::Split": [",", joined]}


def site_owned_parameters() -> tuple[dict[str, Any], dict[str, Any]]:
    """The stack parameters that let the deploy function publish to sites' own buckets and
    distributions, and the conditions that leave the grant out while they are empty."""
    parameters = {
        SITE_OWNED_BUCKETS: {
            "Type": "CommaDelimitedList",
            "Default": "",
            "Description": "S3 buckets that sites own and the deploy function may publish to (names, "
            "comma-separated; presslift site add refuses any other)",
        },
        SITE_OWNED_DISTRIBUTIONS: {
            "Type": "CommaDelimitedList",
            "Default": "",
            "Description": "CloudFront distribution ids in front of those buckets that the deploy function "
            "may invalidate (comma-separated)",
        },
    }
    conditions = {
        condition: {"Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", ref(parameter)]}, ""]}]}
        for parameter, condition in (
            (SITE_OWNED_BUCKETS, HAS_SITE_OWNED_BUCKETS),
            (SITE_OWNED_DISTRIBUTIONS, HAS_SITE_OWNED_DISTRIBUTIONS),
        )
    }
    return parameters, conditions


def _buckets(names: frozenset[str]) -> list[tuple[Any, bool]]:
    """(bucket logical id or site-owned marker, site-owned?) for the buckets the code names."""
    found: list[tuple[Any, bool]] = []
    # The ingest bucket is named by the S3 notification, which the code reads with parse_export_key.
    if "ingest_bucket" in names or "parse_export_key" in names:
        found.append((logical.INGEST_BUCKET, False))
    if "artifacts_bucket" in names:
        found.append((logical.ARTIFACTS_BUCKET, False))
    if "site_buckets" in names:
        found.extend((logical.site_bucket(stage), False) for stage in resources.SITE_STAGES)
        found.append((SITE_OWNED_BUCKETS, True))
    return found


#: The buckets each module's S3 calls work on, by the settings that name them (a package: its modules).
#: A function's code may name a bucket for other reasons (a site's URL names its stage's bucket): only
#: the buckets of the module that sends a call are granted for it, so the build function, which
#: reads the site buckets' names and stores artifacts, may not write to a site.
BUCKETS_OF_MODULE: dict[str, frozenset[str]] = {
    "chalicelib.artifacts": frozenset({"artifacts_bucket"}),
    "chalicelib.ingest": frozenset({"ingest_bucket", "parse_export_key"}),
    "chalicelib.work.convert": frozenset({"ingest_bucket", "parse_export_key"}),
    "chalicelib.publish": frozenset({"site_buckets"}),
}


def buckets_of_module(call: Call) -> frozenset[str]:
    """The settings naming the buckets `call`'s module works on (GrantError for an unlisted module)."""
    module = call.where.split(":", 1)[0]
    for prefix in sorted(BUCKETS_OF_MODULE, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return BUCKETS_OF_MODULE[prefix]
    raise GrantError(
        f"{module} calls s3:{call.operation} at {call.where}, but grants.py BUCKETS_OF_MODULE does not "
        "say which buckets its S3 calls work on"
    )


def _s3(names: frozenset[str], function: Function, action: str) -> list[Resource]:
    found: list[Resource] = []
    for bucket, owned in _buckets(names):
        if owned:
            suffix = "" if action in BUCKET_ACTIONS else "/*"
            found.append(SiteOwned(SITE_OWNED_BUCKETS, HAS_SITE_OWNED_BUCKETS, "arn:aws:s3:::", suffix))
        elif action in BUCKET_ACTIONS:
            found.append(arn(bucket))
        else:
            found.append(sub(f"${{{bucket}.Arn}}/*"))
    return found


def _sqs(names: frozenset[str], function: Function, action: str) -> list[Resource]:
    found: list[Resource] = []
    if "queues" in names:  # Settings.queues: the work queues, by role
        found.extend(arn(logical.queue(role)) for role in resources.QUEUE_ROLES)
    if "dead_letter_queue" in names:  # resources.dead_letter_queue(): each work queue's DLQ
        found.extend(arn(logical.dead_letter_queue(role)) for role in resources.QUEUE_ROLES)
    if action == "sqs:SendMessage":
        # SQS itself moves messages to a dead-letter queue: code only ever sends to the work queues.
        dead = {logical.dead_letter_queue(role) for role in resources.QUEUE_ROLES}
        found = [r for r in found if r["Fn::GetAtt"][0] not in dead]
    if action not in SEND_ACTIONS:
        # Consuming in code (a retry's visibility, a sweep): the function's own queue and the DLQs.
        dead = {logical.dead_letter_queue(role) for role in resources.QUEUE_ROLES}
        found = [r for r in found if r["Fn::GetAtt"][0] in dead]
        if function.trigger == "sqs":
            found.insert(0, arn(logical.queue(function.role)))
    return found


def _dynamodb(names: frozenset[str], function: Function, action: str) -> list[Resource]:
    if "table" not in names:
        return []
    return [arn(logical.TABLE), sub(f"${{{logical.TABLE}.Arn}}/index/*")]


def _sns(names: frozenset[str], function: Function, action: str) -> list[Resource]:
    return [ref(logical.APPROVALS_TOPIC)] if "approvals_topic_arn" in names else []


def _cloudfront(names: frozenset[str], function: Function, action: str) -> list[Resource]:
    if "distributions" not in names:
        return []
    own: list[Resource] = [_distribution_arn(ref(logical.distribution(s))) for s in resources.SITE_STAGES]
    owned = SiteOwned(
        SITE_OWNED_DISTRIBUTIONS, HAS_SITE_OWNED_DISTRIBUTIONS, "arn:aws:cloudfront::*:distribution/"
    )
    return [*own, owned]


#: SSM parameters, each selected by the function that names it in chalicelib.
PARAMETERS: dict[str, tuple[str, str]] = {
    # One webhook secret per site, `<WebhookSecretsPath>/<site>`: the path's children, not the path.
    "webhook_secret_name": ("WebhookSecretsPath", "/*"),
    "github_token_name": ("GitHubTokenParameter", ""),
    "admin_key_parameter": ("SearchKeysPath", "/*"),
}


def _ssm(names: frozenset[str], function: Function, action: str) -> list[Resource]:
    return [
        _parameter(parameter, suffix) for name, (parameter, suffix) in PARAMETERS.items() if name in names
    ]


#: The functions others invoke, each selected by the Settings field that names it.
INVOKED: dict[str, str] = {"build_runner": logical.BUILD_RUNNER, "codedrop_mount": logical.CODEDROP_MOUNT}


def _lambda(names: frozenset[str], function: Function, action: str) -> list[Resource]:
    return [arn(target) for name, target in INVOKED.items() if name in names]


#: Which of the stack's resources each service's actions apply to (never which actions a function has).
RESOURCES: dict[str, Callable[[frozenset[str], Function, str], list[Resource]]] = {
    "s3": _s3,
    "sqs": _sqs,
    "dynamodb": _dynamodb,
    "sns": _sns,
    "cloudfront": _cloudfront,
    "ssm": _ssm,
    "lambda": _lambda,
}


class GrantError(ValueError):
    """A function calls a service on no resource the stack knows: the message says which and where."""


def _selecting_names(call: Call, reach: Reach) -> frozenset[str]:
    """The names that select `call`'s resources: for S3, the function's reads of the buckets the call's
    module works on; for SSM, the names read by the code leading to the call (a parameter's name is
    made where it is asked for: tests/unit/test_grant_scope.py holds every read to that); for the
    others, every name the function reads."""
    if call.service == "s3":
        return frozenset(reach.names) & buckets_of_module(call)
    if call.service == "ssm":
        return reach.names_leading_to(call)
    return frozenset(reach.names)


def _from_calls(function: Function, reach: Reach) -> list[Statement]:
    """One statement per set of resources; a site-owned list gets its own statement, present only
    when its parameter is not empty."""
    by_resources: dict[str, tuple[list[Resource], set[str]]] = {}
    for call in sorted(reach.calls):
        select = RESOURCES.get(call.service)
        if select is None:
            raise GrantError(
                f"{function.name} calls {call.service}:{call.operation} at {call.where}, a service the stack "
                "grants nothing of (presslift/packaging/grants.py RESOURCES)"
            )
        names = _selecting_names(call, reach)
        for action in call.actions:
            targets = select(names, function, action)
            if not targets:
                raise GrantError(
                    f"{function.name} calls {call.service}:{call.operation} at {call.where}, but its code "
                    f"reads none of the settings that name a {call.service} resource (grants.py RESOURCES)"
                )
            for group in (
                [t for t in targets if not isinstance(t, SiteOwned)],
                *([t] for t in targets if isinstance(t, SiteOwned)),
            ):
                if group:
                    by_resources.setdefault(repr(group), (group, set()))[1].add(action)
    statements: list[Statement] = []
    for targets, actions in by_resources.values():
        if isinstance(targets[0], SiteOwned):
            owned = targets[0]
            statement = _allow(sorted(actions), [])
            statement["Resource"] = owned.resource()
            statements.append({"Fn::If": [owned.condition, statement, ref("AWS::NoValue")]})
        else:
            statements.append(_allow(sorted(actions), targets))
    return statements


def _efs() -> list[Statement]:
    return [
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
                    sub(f"arn:${{AWS::Partition}}:ec2:${{AWS::Region}}:${{AWS::AccountId}}:subnet/${{{s}}}")
                    for s in logical.SUBNETS
                ),
                sub(
                    "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/"
                    f"${{{logical.FUNCTION_SECURITY_GROUP}}}"
                ),
            ],
        ),
        _allow(
            ["ec2:AssignPrivateIpAddresses", "ec2:DeleteNetworkInterface", "ec2:UnassignPrivateIpAddresses"],
            [sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-interface/*")],
        ),
        _allow(list(VPC_UNSCOPED_ACTIONS), ["*"]),
    ]


def runtime_statements(function: Function) -> list[Statement]:
    """What Lambda does with the function's role, whatever its code: logs, its queue, its mounts."""
    found = [
        _allow(["logs:CreateLogStream", "logs:PutLogEvents"], [arn(logical.log_group(function.logical_id))])
    ]
    if function.trigger == "sqs":
        found.append(_allow(list(POLLER_ACTIONS), [arn(logical.queue(function.role))]))
    if "efs" in capabilities(function):
        found.extend(_efs())
    return found


def policy(function: Function, reach: Reach | None = None) -> list[Statement]:
    """The statements of `function`'s role: what Lambda does for it, then what its code calls."""
    reach = calls.reach_of(function.name) if reach is None else reach
    return [*runtime_statements(function), *_from_calls(function, reach)]


def role(function: Function, reach: Reach | None = None) -> dict[str, Any]:
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
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": policy(function, reach)},
                }
            ],
        },
    }
