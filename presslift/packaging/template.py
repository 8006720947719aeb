"""The merge template: `infra/base.yaml` plus everything that repeats per queue, per site stage and
per function, generated from the Chalice app and `chalicelib/resources.py` (buckets and
distributions come from `storage`).

Chalice's merge is a deep merge by logical id, so the function entries here only add or replace
properties of the functions Chalice writes (role, runtime, layers, environment, VPC and EFS, the SQS
event's queue and ReportBatchItemFailures). Pure: builds a dict, reads only files under `infra/`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from chalicelib import metrics, resources
from chalicelib.runs import table_definition
from chalicelib.secrets import GITHUB_TOKEN_ENV, WEBHOOK_SECRETS_ENV
from presslift.packaging import alarms, grants, logical, tracing
from presslift.packaging.appmodel import Function
from presslift.packaging.logical import DELETE, RETAIN, arn, ref, sub
from presslift.packaging.ssm_secrets import parameter_names
from presslift.packaging.stage import PROJECT_ROOT, Stage, StageError
from presslift.packaging.storage import buckets, ingest_bucket_arn

INFRA = PROJECT_ROOT / "infra"
BASE = INFRA / "base.yaml"
RUNTIME = "python3.12"
ARCHITECTURE = "x86_64"
#: The item attribute DynamoDB expires records by (webhook deliveries, see chalicelib/sites.py).
TTL_ATTRIBUTE = "expires_at"
#: Lambda lets an SQS message reappear only after the function's timeout; AWS asks for six times it.
VISIBILITY_FACTOR = 6
DEAD_LETTER_RETENTION = 14 * 24 * 3600
QUEUE_RETENTION = 4 * 24 * 3600
LOG_RETENTION_DAYS = 30
_FILE = re.compile(r"^@file (\S+)$")
#: Stack outputs naming the buckets (unique per stack, see storage.py), with the variable they fill.
OUTPUT_BUCKETS: dict[str, tuple[str, str]] = {
    "IngestBucket": (logical.INGEST_BUCKET, resources.INGEST_BUCKET.name),
    "ArtifactsBucket": (logical.ARTIFACTS_BUCKET, resources.ARTIFACTS_BUCKET.name),
    **{
        f"Site{logical.camel(s)}Bucket": (logical.site_bucket(s), resources.SITE_BUCKETS[s].name)
        for s in resources.SITE_STAGES
    },
}


def load_base(path: Path = BASE) -> dict[str, Any]:
    """The fixed resources; `@file <path>` values are replaced by that file's text (CloudFront code)."""
    template: dict[str, Any] = yaml.safe_load(path.read_text())

    def inline(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: inline(item) for key, item in value.items()}
        if isinstance(value, list):
            return [inline(item) for item in value]
        if isinstance(value, str) and (match := _FILE.match(value)):
            return (path.parent / match.group(1)).read_text()
        return value

    return dict(inline(template))


def _visibility_timeout(role: str, functions: list[Function]) -> int:
    consumers = [f.timeout for f in functions if f.trigger == "sqs" and f.role == role]
    # A queue nobody consumes yet still gets the longest Lambda timeout's worth.
    return VISIBILITY_FACTOR * max(consumers or [900])


def queues(stage: Stage, functions: list[Function]) -> dict[str, Any]:
    """Each queue of resources.QUEUE_ROLES with its DLQ, redrive and an alarm on the DLQ's depth."""
    out: dict[str, Any] = {}
    for role in resources.QUEUE_ROLES:
        name = stage.queue(role)
        fifo = {"FifoQueue": True} if resources.is_fifo(name) else {}
        queue_id, dlq_id = logical.queue(role), logical.dead_letter_queue(role)
        out[dlq_id] = {
            "Type": "AWS::SQS::Queue",
            **DELETE,
            "Properties": {
                "QueueName": resources.dead_letter_queue(name),
                "MessageRetentionPeriod": DEAD_LETTER_RETENTION,
                "SqsManagedSseEnabled": True,
                **fifo,
            },
        }
        out[queue_id] = {
            "Type": "AWS::SQS::Queue",
            **DELETE,
            "Properties": {
                "QueueName": name,
                "MessageRetentionPeriod": QUEUE_RETENTION,
                "VisibilityTimeout": _visibility_timeout(role, functions),
                "SqsManagedSseEnabled": True,
                "RedrivePolicy": {
                    "deadLetterTargetArn": arn(dlq_id),
                    "maxReceiveCount": stage.max_receive_count,
                },
                **fifo,
            },
        }
        out[f"{dlq_id}Alarm"] = {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "AlarmDescription": (
                    f"Messages the {role} stage gave up on wait in {resources.dead_letter_queue(name)}"
                ),
                "Namespace": "AWS/SQS",
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq_id, "QueueName"]}}],
                "Statistic": "Maximum",
                "Period": 300,
                "EvaluationPeriods": 1,
                "Threshold": 0,
                "ComparisonOperator": "GreaterThanThreshold",
                "TreatMissingData": "notBreaching",
                "AlarmActions": [ref(logical.ALARMS_TOPIC)],
            },
        }
    out[f"{logical.queue('ingest')}Policy"] = {
        "Type": "AWS::SQS::QueuePolicy",
        "Properties": {
            "Queues": [ref(logical.queue("ingest"))],
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "s3.amazonaws.com"},
                        "Action": "sqs:SendMessage",
                        "Resource": arn(logical.queue("ingest")),
                        "Condition": {
                            "ArnEquals": {"aws:SourceArn": ingest_bucket_arn()},
                            "StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")},
                        },
                    }
                ],
            },
        },
    }
    return out


def table(stage: Stage) -> dict[str, Any]:
    definition = table_definition(stage.names[resources.TABLE.name])
    return {
        logical.TABLE: {
            "Type": "AWS::DynamoDB::Table",
            **RETAIN,
            "Properties": {
                **definition,
                "TimeToLiveSpecification": {"AttributeName": TTL_ATTRIBUTE, "Enabled": True},
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                "SSESpecification": {"SSEEnabled": True},
            },
        }
    }


def layer(layer_file: str) -> dict[str, Any]:
    return {
        logical.HUGO_LAYER: {
            "Type": "AWS::Serverless::LayerVersion",
            "Properties": {
                "LayerName": sub("${AWS::StackName}-hugo"),
                "Description": "Hugo and Pagefind as /opt/bin/hugo and /opt/bin/pagefind",
                "ContentUri": layer_file,
                "CompatibleRuntimes": [RUNTIME],
                "CompatibleArchitectures": [ARCHITECTURE],
                "RetentionPolicy": "Delete",
            },
        }
    }


def environment(stage: Stage, function: Function) -> dict[str, Any]:
    """Every variable of chalicelib/resources.py, with the stack's values for what the stack makes.

    A function invoked directly (the build runner) gets none: its event tells it all it needs, and
    what repository code runs there must find no name, secret or parameter of the stack.
    """
    if function.trigger == "invoke":
        return {}
    env: dict[str, Any] = dict(stage.names)
    env[resources.APPROVALS_TOPIC.name] = ref(logical.APPROVALS_TOPIC)
    for site_stage in resources.SITE_STAGES:
        distribution = logical.distribution(site_stage)
        env[resources.DISTRIBUTIONS[site_stage].name] = ref(distribution)
        env[resources.SITE_URLS[site_stage].name] = sub(f"https://${{{distribution}.DomainName}}/{{site}}/")
    if function.trigger != "api":
        # The API handler itself cannot see its own URL: the API's definition refers to the function.
        env[resources.API_URL.name] = sub(
            f"https://${{{logical.REST_API}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/api"
        )
    # Bucket names are the stack's own (storage.py); the lists of site-owned ones come from parameters.
    env[resources.INGEST_BUCKET.name] = ref(logical.INGEST_BUCKET)
    env[resources.ARTIFACTS_BUCKET.name] = ref(logical.ARTIFACTS_BUCKET)
    for site_stage in resources.SITE_STAGES:
        env[resources.SITE_BUCKETS[site_stage].name] = ref(logical.site_bucket(site_stage))
    env[resources.SITE_OWNED_BUCKETS.name] = {"Fn::Join": [",", ref(grants.SITE_OWNED_BUCKETS)]}
    env[resources.SITE_OWNED_DISTRIBUTIONS.name] = {"Fn::Join": [",", ref(grants.SITE_OWNED_DISTRIBUTIONS)]}
    env[resources.SEARCH_KEYS_PATH.name] = ref("SearchKeysPath")
    env[WEBHOOK_SECRETS_ENV] = ref("WebhookSecretsPath")
    env[GITHUB_TOKEN_ENV] = ref("GitHubTokenParameter")
    env[resources.BUILD_RUNNER.name] = ref(logical.BUILD_RUNNER)
    env[resources.CODEDROP_MOUNT.name] = ref(logical.CODEDROP_MOUNT)
    env[metrics.NAMESPACE.name] = alarms.namespace()
    return env


def efs_mount(stage: Stage) -> str:
    """Where functions mount the code-drop file system: the stage's PRESSLIFT_EFS_MOUNT."""
    mount = stage.names.get(resources.EFS_MOUNT.name) or resources.EFS_MOUNT.default
    if not mount.startswith("/mnt/"):
        raise StageError(f"{resources.EFS_MOUNT.name} is {mount!r}: Lambda mounts file systems under /mnt/")
    return mount


def function_overrides(stage: Stage, function: Function) -> dict[str, Any]:
    """The properties merged over Chalice's own entry for `function`, plus its role and log group."""
    properties: dict[str, Any] = {
        "FunctionName": sub(f"${{AWS::StackName}}-{function.name.replace('_', '-')}"),
        "Role": arn(logical.role(function.logical_id)),
        "Runtime": RUNTIME,
        "Architectures": [ARCHITECTURE],
        "Environment": {"Variables": environment(stage, function)},
        # Sized per function in .chalice/config.json; why each size, see appmodel._ephemeral_storage.
        "EphemeralStorage": {"Size": function.ephemeral_storage},
        **tracing.function_properties(),
    }
    capabilities = grants.capabilities(function)
    if "hugo" in capabilities:
        properties["Layers"] = [ref(logical.HUGO_LAYER)]
    entry: dict[str, Any] = {"Properties": properties}
    if "efs" in capabilities:
        properties["VpcConfig"] = {
            "SubnetIds": [ref(s) for s in logical.SUBNETS],
            "SecurityGroupIds": [ref(logical.FUNCTION_SECURITY_GROUP)],
        }
        properties["FileSystemConfigs"] = [
            {"Arn": arn(logical.ACCESS_POINT), "LocalMountPath": efs_mount(stage)}
        ]
        properties["Environment"]["Variables"][resources.EFS_MOUNT.name] = efs_mount(stage)
        entry["DependsOn"] = list(logical.MOUNT_TARGETS)
    if function.trigger == "sqs":
        properties["Events"] = {
            function.event: {
                "Type": "SQS",
                "Properties": {
                    # Chalice writes an Fn::Sub of the name and the merge is by key: replacing the Sub's
                    # text keeps one intrinsic and makes the queue a dependency of the mapping.
                    "Queue": sub(f"${{{logical.queue(function.role)}.Arn}}"),
                    "FunctionResponseTypes": ["ReportBatchItemFailures"],
                },
            }
        }
    role = grants.role(function)
    role["Properties"]["Policies"].append(tracing.role_policy(function.logical_id))
    return {
        function.logical_id: entry,
        logical.role(function.logical_id): role,
        logical.log_group(function.logical_id): {
            "Type": "AWS::Logs::LogGroup",
            **DELETE,
            "Properties": {
                "LogGroupName": sub(f"/aws/lambda/${{AWS::StackName}}-{function.name.replace('_', '-')}"),
                "RetentionInDays": LOG_RETENTION_DAYS,
            },
        },
    }


def keep_runner_environment_empty(sam: dict[str, Any], functions: list[Function]) -> None:
    """Drop what Chalice wrote into a directly invoked function's environment (the stage's names: its
    config gives them to every function, and a merge can add keys but never remove them). The mount
    function keeps one variable: where its file system is mounted."""
    for function in functions:
        if function.trigger == "invoke":
            properties = sam["Resources"][function.logical_id]["Properties"]
            mount = properties.get("Environment", {}).get("Variables", {}).get(resources.EFS_MOUNT.name)
            properties.pop("Environment", None)
            if "efs" in grants.capabilities(function) and mount:
                properties["Environment"] = {"Variables": {resources.EFS_MOUNT.name: mount}}


def merge_template(stage: Stage, functions: list[Function], layer_file: str) -> dict[str, Any]:
    """The whole merge template for `chalice package --merge-template`."""
    template = load_base()
    generated: dict[str, Any] = {
        **queues(stage, functions),
        **buckets(stage),
        **table(stage),
        **layer(layer_file),
        **alarms.signals([f"{logical.dead_letter_queue(role)}Alarm" for role in resources.QUEUE_ROLES]),
    }
    for function in functions:
        generated.update(function_overrides(stage, function))
    clashes = sorted(set(generated) & set(template["Resources"]))
    if clashes:
        raise ValueError(f"infra/base.yaml and the generated resources both define {', '.join(clashes)}")
    template["Resources"].update(generated)
    for parameter, default in parameter_names(stage.name).items():
        template["Parameters"][parameter]["Default"] = default
    for parameters, conditions in (grants.site_owned_parameters(), tracing.parameters()):
        template["Parameters"].update(parameters)
        template.setdefault("Conditions", {}).update(conditions)
    template["Outputs"].update(
        {
            **{
                name: {"Value": ref(bucket_id), "Description": description}
                for name, (bucket_id, description) in OUTPUT_BUCKETS.items()
            },
            **{
                f"Site{logical.camel(s)}Url": {
                    "Value": sub(f"https://${{{logical.distribution(s)}.DomainName}}/")
                }
                for s in resources.SITE_STAGES
            },
        }
    )
    return template
