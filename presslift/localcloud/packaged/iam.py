"""IAM in packaged mode: each function's own role from the packaged template, its credentials, and
moto's enforcement switched on.

moto evaluates identity policies, but matches resources only for S3 and SQS; for every other service
a statement's `Resource` would never match moto's idea of the resource. So the local copy keeps S3
and SQS statements exactly as the template has them and widens the others' resources to `*`, keeping
their actions: a function still gets AccessDenied for any action its role lacks. Never used on AWS.
"""

from __future__ import annotations

import contextlib
import json
import urllib.request
from dataclasses import dataclass
from typing import Any

#: Services whose statements moto matches by resource: kept exact.
EXACT_SERVICES = frozenset({"s3", "sqs"})
#: ...except these, whose resource moto cannot tell from the request (GetQueueUrl names the queue in
#: `QueueName`, and moto looks only at `QueueUrl`, so it asks about "*"): moved to a statement of their
#: own on `*`. AWS checks them against the queue's ARN, as the template says.
UNATTRIBUTED_ACTIONS = frozenset({"sqs:getqueueurl"})
#: moto authorises a batch delete (DeleteObjects) as `s3:DeleteObject` on the bucket's ARN before it
#: checks each key; AWS checks only each object's ARN. So the local copy also names the bucket itself
#: wherever the template grants `s3:DeleteObject` on `<bucket>/*` (which grants nothing more on AWS).
BUCKET_CHECKED_ACTIONS = frozenset({"s3:deleteobject"})
OPERATOR = "presslift-operator"


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str = ""

    def environment(self) -> dict[str, str]:
        env = {"AWS_ACCESS_KEY_ID": self.access_key_id, "AWS_SECRET_ACCESS_KEY": self.secret_access_key}
        if self.session_token:
            env["AWS_SESSION_TOKEN"] = self.session_token
        return env


def _services(actions: Any) -> set[str]:
    listed = actions if isinstance(actions, list) else [actions]
    return {str(action).split(":", 1)[0].lower() for action in listed}


def localise(statement: dict[str, Any]) -> list[dict[str, Any]]:
    """The statement as moto can evaluate it (see the module docstring), as one or two statements."""
    if not _services(statement.get("Action", [])) <= EXACT_SERVICES:
        return [{**statement, "Resource": "*"}]
    actions = statement.get("Action", [])
    listed = [str(a) for a in (actions if isinstance(actions, list) else [actions])]
    if statement.get("Effect") != "Allow":
        return [statement]
    found = [statement]
    bucket_checked = [a for a in listed if a.lower() in BUCKET_CHECKED_ACTIONS]
    resources = statement.get("Resource", [])
    buckets = [
        str(r).removesuffix("/*")
        for r in (resources if isinstance(resources, list) else [resources])
        if str(r).endswith("/*")
    ]
    if bucket_checked and buckets:
        found.append({**statement, "Action": bucket_checked, "Resource": buckets})
    unattributed = [a for a in listed if a.lower() in UNATTRIBUTED_ACTIONS]
    if unattributed:
        kept = [a for a in listed if a not in unattributed]
        widened = {**statement, "Action": unattributed, "Resource": "*"}
        found[0] = {**statement, "Action": kept}
        found.append(widened)
        if not kept:
            found.pop(0)
    return found


def localise_policy(policy_document: dict[str, Any]) -> dict[str, Any]:
    """A resolved policy as moto can evaluate it: each statement through `localise`."""
    statements = policy_document.get("Statement", [])
    listed = statements if isinstance(statements, list) else [statements]
    return {**policy_document, "Statement": [local for s in listed for local in localise(s)]}


def create_role(iam: Any, name: str, properties: dict[str, Any]) -> str:
    """The role with its inline policies (already resolved); returns its ARN."""
    try:
        arn = iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=json.dumps(properties["AssumeRolePolicyDocument"])
        )["Role"]["Arn"]
    except iam.exceptions.EntityAlreadyExistsException:
        arn = iam.get_role(RoleName=name)["Role"]["Arn"]
    for policy in properties.get("Policies", []):
        iam.put_role_policy(
            RoleName=name,
            PolicyName=policy["PolicyName"],
            PolicyDocument=json.dumps(policy["PolicyDocument"]),
        )
    return str(arn)


def operator_credentials(iam: Any) -> Credentials:
    """An IAM user that may do anything: the operator's machine, the test harness, the dispatcher."""
    with contextlib.suppress(iam.exceptions.EntityAlreadyExistsException):
        iam.create_user(UserName=OPERATOR)
    iam.put_user_policy(
        UserName=OPERATOR,
        PolicyName="operate-the-local-cloud",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        ),
    )
    key = iam.create_access_key(UserName=OPERATOR)["AccessKey"]
    return Credentials(key["AccessKeyId"], key["SecretAccessKey"])


def role_credentials(sts: Any, role_arn: str, session: str) -> Credentials:
    """What Lambda hands a function: temporary credentials of its execution role."""
    found = sts.assume_role(RoleArn=role_arn, RoleSessionName=session, DurationSeconds=43200)["Credentials"]
    return Credentials(found["AccessKeyId"], found["SecretAccessKey"], found["SessionToken"])


def enforce(aws_url: str) -> None:
    """Switch moto's IAM enforcement on from the next request (`/moto-api/reset-auth`)."""
    request = urllib.request.Request(
        f"{aws_url}/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
