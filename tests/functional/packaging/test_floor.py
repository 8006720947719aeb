"""The pipeline's AWS clients work at the boto3 floor, as packaged: in the Lambda runtime stand-in
(Python 3.12, boto3/botocore at `BOTO3_FLOOR`, nothing else) with the unzipped deployment.zip first on
the path, `chalicelib.services.make_client` builds each client the functions use and makes real calls
against a moto server. This proves the floor, not just the import: a Config option, parameter or hook
that the floor's botocore lacks fails here, and so does a vendored library (urllib3) it cannot use."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from presslift.packaging.imports import lambda_environment
from presslift.packaging.lambda_runtime import BOTO3_FLOOR, LambdaRuntime
from tests.conftest import moto_server

pytestmark = pytest.mark.xdist_group("packaging")

# Runs in the runtime's Python; prints one JSON object of what it saw.
CALLS = r"""
import base64, hashlib, json, sys
sys.path.insert(0, sys.argv[1])
import boto3, botocore, urllib3
from chalicelib.services import make_client

sent = []
def record(request, **_):
    sent.append({k.lower() for k in request.headers})

s3 = make_client("s3")
s3.meta.events.register("before-send.s3.PutObject", record)
s3.create_bucket(Bucket="site")
body = b"<p>floor</p>"
md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
s3.put_object(Bucket="site", Key="index.html", Body=body, ContentMD5=md5, ContentType="text/html")
s3.put_object(Bucket="site", Key="tree.tar.gz", Body=b"x" * 100, ChecksumAlgorithm="CRC32")
listed = [o for p in s3.get_paginator("list_objects_v2").paginate(Bucket="site") for o in p["Contents"]]
s3.delete_objects(Bucket="site", Delete={"Objects": [{"Key": "tree.tar.gz"}]})

db = make_client("dynamodb")
db.create_table(TableName="runs", BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
db.put_item(TableName="runs", Item={"pk": {"S": "run#1"}, "status": {"S": "running"}},
            ConditionExpression="attribute_not_exists(pk)")
item = db.get_item(TableName="runs", Key={"pk": {"S": "run#1"}}, ConsistentRead=True)["Item"]

sqs = make_client("sqs")
url = sqs.create_queue(QueueName="build.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName="build.fifo")["QueueUrl"], MessageBody="{}",
                 MessageGroupId="site", MessageDeduplicationId="run-1")
received = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages", [])

sns = make_client("sns")
topic = sns.create_topic(Name="approvals")["TopicArn"]
sns.publish(TopicArn=topic, Subject="Approve", Message="text")

ssm = make_client("ssm")
ssm.put_parameter(Name="/presslift/github/webhook-secret", Value="s3cret", Type="SecureString")
secret = ssm.get_parameter(Name="/presslift/github/webhook-secret", WithDecryption=True)["Parameter"]["Value"]

cloudfront = make_client("cloudfront")
distributions = cloudfront.list_distributions()["DistributionList"].get("Quantity", 0)

print(json.dumps({
    "boto3": boto3.__version__, "botocore": botocore.__version__, "botocore_from": botocore.__file__,
    "urllib3": urllib3.__version__,
    "keys": sorted(o["Key"] for o in listed), "last_modified": type(listed[0]["LastModified"]).__name__,
    "md5_put_headers": sorted(sent[0]), "crc_put_headers": sorted(sent[1]),
    "item": item["status"]["S"], "received": [m["Body"] for m in received],
    "secret": secret, "distributions": distributions,
}))
"""


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def seen(
    runtime: LambdaRuntime, task_root: Path, moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    script = tmp_path_factory.mktemp("floor") / "calls.py"
    script.write_text(CALLS)
    env = {
        **lambda_environment(),
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    done = subprocess.run(
        [str(runtime.python), "-I", "-B", str(script), str(task_root)],
        env=env,
        cwd=task_root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_clients_run_on_the_floor_botocore_from_the_runtime(seen: Any, runtime: LambdaRuntime) -> None:
    assert (seen["boto3"], seen["botocore"]) == (BOTO3_FLOOR, BOTO3_FLOOR)
    assert seen["botocore_from"].startswith(str(runtime.site_packages))


def test_the_packaged_urllib3_is_the_one_botocore_uses(seen: Any, task_root: Path) -> None:
    # The package's vendored urllib3 (for the Algolia client) shadows the runtime's, as on Lambda.
    (vendored,) = task_root.glob("urllib3-*.dist-info")
    assert vendored.name == f"urllib3-{seen['urllib3']}.dist-info"


def test_s3_uploads_listings_and_deletes_work_at_the_floor(seen: Any) -> None:
    assert seen["keys"] == ["index.html", "tree.tar.gz"]
    assert seen["last_modified"] == "str", "the timestamp_parser default did not apply"
    # Checksummed once: the page by the Content-MD5 it carries, the artifact by the CRC32 it asks for.
    assert "content-md5" in seen["md5_put_headers"]
    assert not any(h.startswith("x-amz-checksum") for h in seen["md5_put_headers"])
    assert any(h.startswith("x-amz-checksum") or h == "x-amz-trailer" for h in seen["crc_put_headers"])


def test_dynamodb_sqs_sns_ssm_and_cloudfront_work_at_the_floor(seen: Any) -> None:
    assert seen["item"] == "running"
    assert seen["received"] == ["{}"]
    assert seen["secret"] == "s3cret"
    assert seen["distributions"] == 0


# Runs in the runtime's Python: every `x.operation(Param=...)` call in the package's own code whose
# name is an operation of a service the pipeline uses must name one the floor's botocore has, with
# parameters it knows. Prints the calls that match no operation's input.
OPERATIONS = r"""
import ast, json, pathlib, sys
import botocore.session
from botocore import xform_name
session = botocore.session.get_session()
operations = {}
for service in sys.argv[2:]:
    model = session.get_service_model(service)
    for name in model.operation_names:
        shape = model.operation_model(name).input_shape
        operations.setdefault(xform_name(name), []).append(set(shape.members) if shape else set())
task = pathlib.Path(sys.argv[1])
checked, unknown = 0, []
for path in sorted([task / "app.py", *(task / "chalicelib").rglob("*.py")]):
    for node in ast.walk(ast.parse(path.read_text())):
        call = node.func if isinstance(node, ast.Call) else None
        if isinstance(call, ast.Attribute) and call.attr in operations:
            params = {k.arg for k in node.keywords if k.arg and k.arg[:1].isupper()}
            checked += 1
            if not any(params <= known for known in operations[call.attr]):
                where = f"{path.relative_to(task)}:{node.lineno}"
                unknown.append(f"{where} {call.attr}({', '.join(sorted(params))})")
print(json.dumps({"checked": checked, "unknown": unknown}))
"""
SERVICES = ("s3", "sqs", "sns", "dynamodb", "cloudfront", "ssm", "secretsmanager")


def test_every_aws_call_in_the_package_is_known_to_the_floor_botocore(
    runtime: LambdaRuntime, task_root: Path, tmp_path: Path
) -> None:
    script = tmp_path / "operations.py"
    script.write_text(OPERATIONS)
    done = subprocess.run(
        [str(runtime.python), "-I", "-B", str(script), str(task_root), *SERVICES],
        env=lambda_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    seen = json.loads(done.stdout)
    assert seen["checked"] > 20, "the scan found too few AWS calls to mean anything"
    assert seen["unknown"] == []
