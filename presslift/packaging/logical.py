"""Logical ids of the resources Presslift adds to Chalice's template, and small CloudFormation
helpers, in one place, so the generators, the grants and the checks cannot disagree. Pure."""

from __future__ import annotations

from typing import Any

from chalice.utils import to_cfn_resource_name

from chalicelib import buildrunner, codemount

TABLE = "RunsTable"
APPROVALS_TOPIC = "ApprovalsTopic"
ALARMS_TOPIC = "AlarmsTopic"
INGEST_BUCKET = "IngestBucket"
ARTIFACTS_BUCKET = "ArtifactsBucket"
HUGO_LAYER = "HugoLayer"
FILE_SYSTEM = "FileSystem"
ACCESS_POINT = "AccessPoint"
MOUNT_TARGETS = ("MountTargetA", "MountTargetB")
SUBNETS = ("PrivateSubnetA", "PrivateSubnetB")
FUNCTION_SECURITY_GROUP = "FunctionSecurityGroup"
REST_API = "RestAPI"
BUILD_RUNNER = to_cfn_resource_name(buildrunner.FUNCTION)
CODEDROP_MOUNT = to_cfn_resource_name(codemount.FUNCTION)
#: Queues and logs go with the stack; the run table, artifacts and the code-drop file system stay.
DELETE = {"DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete"}
RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}


def camel(name: str) -> str:
    return to_cfn_resource_name(name)


def queue(role: str) -> str:
    return f"{camel(role)}Queue"


def dead_letter_queue(role: str) -> str:
    return f"{camel(role)}DeadLetterQueue"


def site_bucket(stage: str) -> str:
    return f"Site{camel(stage)}Bucket"


def distribution(stage: str) -> str:
    return f"Site{camel(stage)}Distribution"


def role(function_id: str) -> str:
    return f"{function_id}Role"


def log_group(function_id: str) -> str:
    return f"{function_id}LogGroup"


def ref(logical_id: str) -> dict[str, Any]:
    return {"Ref": logical_id}


def arn(logical_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def sub(text: str) -> dict[str, Any]:
    return {"Fn::Sub": text}
