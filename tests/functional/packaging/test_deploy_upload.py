"""`make deploy`'s upload step: `aws cloudformation package` (the CLI the Makefile runs) against
moto's S3 uploads the code and the layer and rewrites their locations, so the packaged template
refers to nothing on this machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from presslift.packaging.package import Packaged
from tests.conftest import moto_server

pytestmark = pytest.mark.xdist_group("packaging")
AWS = Path(sys.executable).parent / "aws"


@pytest.fixture
def s3_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


def test_aws_cloudformation_package_uploads_code_and_layer(
    packaged: Packaged, s3_endpoint: str, tmp_path: Path
) -> None:
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket="deploy-bucket")
    output = tmp_path / "packaged.json"
    subprocess.run(
        [
            str(AWS),
            "cloudformation",
            "package",
            "--template-file",
            str(packaged.sam),
            "--s3-bucket",
            "deploy-bucket",
            "--s3-prefix",
            "presslift-prod",
            "--use-json",
            "--output-template-file",
            str(output),
        ],
        check=True,
        capture_output=True,
        # `package` talks only to S3; the service-specific variable points just S3 at moto.
        env={**os.environ, "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": s3_endpoint},
        timeout=300,
    )
    template = json.loads(output.read_text())
    locations = [
        resource["Properties"].get("CodeUri") or resource["Properties"].get("ContentUri")
        for resource in template["Resources"].values()
        if resource["Type"] in ("AWS::Serverless::Function", "AWS::Serverless::LayerVersion")
    ]
    assert locations and all(str(uri).startswith("s3://deploy-bucket/presslift-prod/") for uri in locations)
    uploaded = {o["Key"] for o in s3.list_objects_v2(Bucket="deploy-bucket")["Contents"]}
    assert {uri.removeprefix("s3://deploy-bucket/") for uri in locations} <= uploaded


def test_make_deploy_uploads_the_large_template_and_creates_the_change_set_from_its_url(
    packaged: Packaged, s3_endpoint: str, tmp_path: Path
) -> None:
    """The Makefile's own package + deploy commands against a moto server: the template is over the
    51,200 bytes CloudFormation takes inline, so it must go through DEPLOY_BUCKET."""
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket="deploy-bucket")
    out = tmp_path / "package"
    out.mkdir()
    for item in packaged.out.iterdir():
        if item.is_file():
            (out / item.name).symlink_to(item)
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "deploy-upload",
            f"PACKAGE_DIR={out}",
            "DEPLOY_BUCKET=deploy-bucket",
            "NOTIFICATION_EMAIL=ops@example.com",
            "STACK=presslift-moto",
            f"AWS={AWS}",
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        env={
            **os.environ,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": s3_endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        },
        timeout=600,
    )
    packaged_template = out / "packaged.json"
    assert packaged_template.stat().st_size > 51_200
    keys = {o["Key"]: o["Size"] for o in s3.list_objects_v2(Bucket="deploy-bucket")["Contents"]}
    templates = {k: size for k, size in keys.items() if k.startswith("presslift-moto/templates/")}
    assert templates, result.stderr
    assert max(templates.values()) == packaged_template.stat().st_size
    # `deploy` then calls CreateChangeSet with the uploaded template's URL (not an inline body, which
    # CloudFormation refuses over 51,200 bytes). moto cannot follow a TemplateURL that points at its
    # own endpoint (http://127.0.0.1:<port>/<bucket>/...) and answers NoSuchBucket, so the change set
    # itself is as far as this test can see; on AWS the URL is S3's own.
    assert "Waiting for changeset to be created" in result.stdout or "CreateChangeSet" in result.stderr, (
        result.stdout + result.stderr
    )
    assert "Templates with a size greater than 51,200 bytes" not in result.stderr
