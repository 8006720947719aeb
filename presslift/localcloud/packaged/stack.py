"""The packaged stack, stood up on moto: what CloudFormation would create from `make package`'s
template, for the resource types the functions touch.

Buckets (with their notifications), queues (with their redrive policies, visibility and FIFO
settings), the table, topics, CloudFront distributions and the functions' IAM roles are created from
the template's own properties; every name, ARN and URL the functions see is what `intrinsics`
resolves over those. Resources that moto cannot run or that only AWS can enforce (the VPC and its
endpoints, EFS, API Gateway, the Lambda functions themselves, alarms, log groups, bucket and queue
policies) are not created: packaged mode runs the functions itself, and the README says what that
leaves unproven. Never used against AWS.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from presslift.localcloud.packaged import iam
from presslift.localcloud.packaged.intrinsics import ACCOUNT, Scope, resolve
from presslift.localcloud.provision import distribution_config


@dataclass(frozen=True)
class FunctionSpec:
    """One AWS::Lambda::Function of the template, with its values resolved."""

    logical_id: str
    name: str
    handler: str
    memory_mb: int
    timeout_s: int
    ephemeral_mb: int
    environment: dict[str, str]
    role_arn: str
    layers: tuple[str, ...]
    in_vpc: bool
    mounts: tuple[str, ...]


@dataclass(frozen=True)
class QueueSource:
    """An event source mapping: which function reads which queue, how many at a time."""

    function: str
    queue_name: str
    batch_size: int
    reports_failures: bool


@dataclass
class LocalStack:
    scope: Scope
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    queue_sources: list[QueueSource] = field(default_factory=list)
    #: (function logical id, schedule expression)
    schedules: list[tuple[str, str]] = field(default_factory=list)
    buckets: dict[str, str] = field(default_factory=dict)
    queues: dict[str, str] = field(default_factory=dict)
    distributions: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)

    def function_by_handler(self, handler: str) -> FunctionSpec:
        return next(spec for spec in self.functions.values() if spec.handler == handler)


def _generated(stack: str, logical_id: str, limit: int, suffix: str = "") -> str:
    """A name as CloudFormation makes one when the template gives none: stack, logical id, a tail."""
    tail = hashlib.sha256(f"{stack}/{logical_id}".encode()).hexdigest()[:12]
    stem = f"{stack}-{logical_id}"[: limit - len(tail) - len(suffix) - 1]
    return f"{stem}-{tail}{suffix}"


def _name(properties: dict[str, Any], key: str, scope: Scope, logical_id: str, limit: int) -> str:
    given = properties.get(key)
    if given is not None:
        return str(resolve(given, scope))
    return _generated(scope.stack_name, logical_id, limit)


def _arn(service: str, scope: Scope, resource: str) -> str:
    return f"arn:aws:{service}:{scope.region}:{ACCOUNT}:{resource}"


CREATED = frozenset(
    {
        "AWS::S3::Bucket",
        "AWS::SQS::Queue",
        "AWS::DynamoDB::Table",
        "AWS::SNS::Topic",
        "AWS::IAM::Role",
        "AWS::Lambda::Function",
        "AWS::CloudFront::Distribution",
    }
)


def name_resources(resources: dict[str, Any], scope: Scope) -> None:
    """Every name, ARN and attribute that is known before anything is created; resources that are
    not created locally answer any attribute with a placeholder, so references to them resolve."""
    placeholders = {k for k, r in resources.items() if r["Type"] not in CREATED}
    scope.fallback = lambda logical_id, attribute: (
        f"local-{logical_id}-{attribute}" if logical_id in placeholders else None
    )
    for logical_id, resource in resources.items():
        kind, properties = resource["Type"], resource.get("Properties", {})
        if kind == "AWS::S3::Bucket":
            bucket = _name(properties, "BucketName", scope, logical_id, 63).lower()
            scope.refs[logical_id] = bucket
            scope.attributes[(logical_id, "Arn")] = f"arn:aws:s3:::{bucket}"
            scope.attributes[(logical_id, "DomainName")] = f"{bucket}.s3.amazonaws.com"
            scope.attributes[(logical_id, "RegionalDomainName")] = f"{bucket}.s3.{scope.region}.amazonaws.com"
        elif kind == "AWS::SQS::Queue":
            fifo = str(properties.get("FifoQueue", "")).lower() == "true"
            given = properties.get("QueueName")
            queue = (
                str(resolve(given, scope))
                if given is not None
                else _generated(scope.stack_name, logical_id, 80, ".fifo" if fifo else "")
            )
            scope.attributes[(logical_id, "Arn")] = _arn("sqs", scope, queue)
            scope.attributes[(logical_id, "QueueName")] = queue
        elif kind == "AWS::DynamoDB::Table":
            table = _name(properties, "TableName", scope, logical_id, 255)
            scope.refs[logical_id] = table
            scope.attributes[(logical_id, "Arn")] = _arn("dynamodb", scope, f"table/{table}")
        elif kind == "AWS::SNS::Topic":
            topic = _name(properties, "TopicName", scope, logical_id, 256)
            scope.refs[logical_id] = _arn("sns", scope, topic)
            scope.attributes[(logical_id, "TopicName")] = topic
        elif kind == "AWS::IAM::Role":
            role = _name(properties, "RoleName", scope, logical_id, 64)
            scope.refs[logical_id] = role
            scope.attributes[(logical_id, "Arn")] = f"arn:aws:iam::{ACCOUNT}:role/{role}"
        elif kind == "AWS::Lambda::Function":
            function = _name(properties, "FunctionName", scope, logical_id, 64)
            scope.refs[logical_id] = function
            scope.attributes[(logical_id, "Arn")] = _arn("lambda", scope, f"function:{function}")
        elif kind != "AWS::CloudFront::Distribution":  # not created locally: a stable placeholder
            scope.refs.setdefault(logical_id, f"local-{logical_id}")


QUEUE_ATTRIBUTES = (
    "VisibilityTimeout",
    "MessageRetentionPeriod",
    "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds",
    "FifoQueue",
    "ContentBasedDeduplication",
    "MaximumMessageSize",
)


def _create_queues(sqs: Any, resources: dict[str, Any], scope: Scope, stack: LocalStack) -> None:
    queues = {k: r for k, r in resources.items() if r["Type"] == "AWS::SQS::Queue"}
    # dead-letter queues first: the others name them in their redrive policy
    for logical_id in sorted(queues, key=lambda k: "RedrivePolicy" in queues[k].get("Properties", {})):
        properties = resolve(queues[logical_id].get("Properties", {}), scope)
        attributes = {
            key: str(properties[key]).lower() if isinstance(properties[key], bool) else str(properties[key])
            for key in QUEUE_ATTRIBUTES
            if key in properties
        }
        if "RedrivePolicy" in properties:
            attributes["RedrivePolicy"] = json.dumps(properties["RedrivePolicy"])
        name = scope.attributes[(logical_id, "QueueName")]
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        scope.refs[logical_id] = url
        stack.queues[logical_id] = name


def _notification(configuration: dict[str, Any]) -> dict[str, Any]:
    """A bucket's NotificationConfiguration, from CloudFormation's shape to the API's."""
    queues = []
    for entry in configuration.get("QueueConfigurations", []):
        rules = entry.get("Filter", {}).get("S3Key", {}).get("Rules", [])
        item: dict[str, Any] = {"QueueArn": entry["Queue"], "Events": [entry["Event"]]}
        if rules:
            item["Filter"] = {"Key": {"FilterRules": rules}}
        queues.append(item)
    return {"QueueConfigurations": queues} if queues else {}


def _create_buckets(s3: Any, resources: dict[str, Any], scope: Scope, stack: LocalStack) -> None:
    for logical_id, resource in resources.items():
        if resource["Type"] != "AWS::S3::Bucket":
            continue
        bucket = scope.refs[logical_id]
        s3.create_bucket(Bucket=bucket)
        stack.buckets[logical_id] = bucket
        properties = resolve(resource.get("Properties", {}), scope)
        notification = _notification(properties.get("NotificationConfiguration", {}))
        if notification:
            s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=notification)


def _create_table(dynamodb: Any, properties: dict[str, Any], name: str) -> None:
    if name in dynamodb.list_tables()["TableNames"]:
        return
    definition: dict[str, Any] = {
        "TableName": name,
        "KeySchema": properties["KeySchema"],
        "AttributeDefinitions": properties["AttributeDefinitions"],
        "BillingMode": properties.get("BillingMode", "PROVISIONED"),
    }
    if properties.get("GlobalSecondaryIndexes"):
        definition["GlobalSecondaryIndexes"] = properties["GlobalSecondaryIndexes"]
    dynamodb.create_table(**definition)
    ttl = properties.get("TimeToLiveSpecification")
    if ttl:
        dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)


def _create_distribution(cloudfront: Any, logical_id: str, properties: dict[str, Any], scope: Scope) -> None:
    config = properties["DistributionConfig"]
    origin = config["Origins"][0]
    bucket = str(origin["DomainName"]).split(".s3.", 1)[0]
    reference = f"{scope.stack_name}-{logical_id}"
    for summary in cloudfront.list_distributions().get("DistributionList", {}).get("Items", []) or []:
        if summary.get("Comment") == reference:
            found = summary
            break
    else:
        found = cloudfront.create_distribution(
            DistributionConfig=distribution_config(reference, bucket, origin.get("OriginPath", ""))
        )["Distribution"]
    scope.refs[logical_id] = found["Id"]
    scope.attributes[(logical_id, "DomainName")] = found["DomainName"]
    scope.attributes[(logical_id, "Id")] = found["Id"]


def _function(logical_id: str, properties: dict[str, Any], scope: Scope) -> FunctionSpec:
    resolved = resolve(properties, scope)
    return FunctionSpec(
        logical_id=logical_id,
        name=scope.refs[logical_id],
        handler=resolved["Handler"],
        memory_mb=int(resolved.get("MemorySize", 128)),
        timeout_s=int(resolved.get("Timeout", 3)),
        ephemeral_mb=int(resolved.get("EphemeralStorage", {}).get("Size", 512)),
        environment={k: str(v) for k, v in resolved.get("Environment", {}).get("Variables", {}).items()},
        role_arn=resolved["Role"],
        layers=tuple(str(layer) for layer in resolved.get("Layers", [])),
        in_vpc="VpcConfig" in resolved,
        mounts=tuple(str(m["LocalMountPath"]) for m in resolved.get("FileSystemConfigs", [])),
    )


def _logical(reference: Any) -> str:
    """The logical id a `Ref` or `Fn::GetAtt` names."""
    if isinstance(reference, dict):
        if "Ref" in reference:
            return str(reference["Ref"])
        if "Fn::GetAtt" in reference:
            target = reference["Fn::GetAtt"]
            return str(target[0] if isinstance(target, list) else target.split(".")[0])
    raise ValueError(f"expected a Ref or Fn::GetAtt, found {reference!r}")


def parameters_of(template: dict[str, Any], given: dict[str, str]) -> dict[str, Any]:
    """Stack parameters: what was given, else the defaults; lists split as CloudFormation does."""
    values: dict[str, Any] = {}
    for name, declaration in template.get("Parameters", {}).items():
        value = given.get(name, declaration.get("Default"))
        if value is None:
            raise ValueError(f"stack parameter {name} has no default: give it a value")
        kind = declaration.get("Type", "String")
        values[name] = str(value).split(",") if kind == "CommaDelimitedList" else str(value)
    return values


def deploy(
    template: dict[str, Any],
    clients: dict[str, Any],
    *,
    stack_name: str,
    region: str,
    parameters: dict[str, str] | None = None,
) -> LocalStack:
    """Create the template's resources on moto (see the module docstring) and resolve the rest."""
    resources: dict[str, Any] = template["Resources"]
    scope = Scope(
        region=region,
        stack_name=stack_name,
        parameters=parameters_of(template, parameters or {}),
        conditions=template.get("Conditions", {}),
    )
    stack = LocalStack(scope=scope)
    name_resources(resources, scope)
    _create_queues(clients["sqs"], resources, scope, stack)
    for logical_id, resource in resources.items():
        if resource["Type"] == "AWS::SNS::Topic":
            clients["sns"].create_topic(Name=scope.attributes[(logical_id, "TopicName")])
        elif resource["Type"] == "AWS::DynamoDB::Table":
            _create_table(clients["dynamodb"], resolve(resource["Properties"], scope), scope.refs[logical_id])
    _create_buckets(clients["s3"], resources, scope, stack)
    for logical_id, resource in resources.items():
        if resource["Type"] == "AWS::CloudFront::Distribution":
            _create_distribution(
                clients["cloudfront"], logical_id, resolve(resource["Properties"], scope), scope
            )
            stack.distributions[logical_id] = scope.refs[logical_id]
    configure(template, clients["iam"], stack)
    return stack


def configure(template: dict[str, Any], iam_client: Any, stack: LocalStack) -> None:
    """Roles, functions, their triggers and the outputs, from the stack's current parameters: what a
    stack update with new parameters changes (`update`)."""
    scope = stack.scope
    stack.functions, stack.queue_sources, stack.schedules = {}, [], []
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::IAM::Role":
            properties = resolve(resource["Properties"], scope)
            properties["Policies"] = [
                {**policy, "PolicyDocument": iam.localise_policy(policy["PolicyDocument"])}
                for policy in properties.get("Policies", [])
            ]
            iam.create_role(iam_client, scope.refs[logical_id], properties)
    for logical_id, resource in template["Resources"].items():
        kind, properties = resource["Type"], resource.get("Properties", {})
        if kind == "AWS::Lambda::Function":
            stack.functions[logical_id] = _function(logical_id, properties, scope)
        elif kind == "AWS::Lambda::EventSourceMapping":
            queue_arn = str(resolve(properties["EventSourceArn"], scope))
            stack.queue_sources.append(
                QueueSource(
                    function=_logical(properties["FunctionName"]),
                    queue_name=queue_arn.rsplit(":", 1)[-1],
                    batch_size=int(properties.get("BatchSize", 10)),
                    reports_failures="ReportBatchItemFailures" in properties.get("FunctionResponseTypes", []),
                )
            )
        elif kind == "AWS::Events::Rule" and "ScheduleExpression" in properties:
            for target in properties.get("Targets", []):
                stack.schedules.append((_logical(target["Arn"]), str(properties["ScheduleExpression"])))
    stack.outputs = {name: resolve(o["Value"], scope) for name, o in template.get("Outputs", {}).items()}


def update(template: dict[str, Any], iam_client: Any, stack: LocalStack, parameters: dict[str, str]) -> None:
    """New parameter values, as `aws cloudformation deploy --parameter-overrides` would apply them."""
    stack.scope.parameters = parameters_of(template, parameters)
    configure(template, iam_client, stack)
