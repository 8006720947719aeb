"""Functions, grants and names are derived from the Chalice app and chalicelib/resources.py: a
handler added later is covered without editing a list, and what cannot be packaged says why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from chalice.app import Chalice, Rate

from presslift.packaging import appmodel, grants, template
from presslift.packaging.appmodel import Function
from presslift.packaging.stage import Stage, StageError, load_stage, read_config


def _app_with(stage: Stage) -> Chalice:
    app = Chalice(app_name="presslift")

    @app.on_sqs_message(queue=stage.queue("build"), batch_size=1)
    def rebuild(event: Any) -> None: ...

    @app.schedule(Rate(1, unit=Rate.HOURS))
    def prune_runs(event: Any) -> None: ...

    @app.route("/health")
    def health() -> dict[str, str]:
        return {}

    return app


def test_a_handler_added_to_the_app_is_packaged_with_its_own_role_and_logs(stage: Stage) -> None:
    functions = appmodel.functions(_app_with(stage), stage)
    assert [(f.logical_id, f.trigger, f.role) for f in functions] == [
        ("Rebuild", "sqs", "build"),
        ("PruneRuns", "schedule", ""),
        ("APIHandler", "api", ""),
    ]
    merged = template.merge_template(stage, functions, "./layer.zip")["Resources"]
    for function in functions:
        assert merged[function.logical_id]["Properties"]["Role"] == {
            "Fn::GetAtt": [f"{function.logical_id}Role", "Arn"]
        }
        assert f"{function.logical_id}LogGroup" in merged
    rebuild = merged["Rebuild"]["Properties"]["Events"]["RebuildSqsEventSource"]["Properties"]
    assert rebuild["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


@pytest.mark.parametrize(
    ("decorate", "message"),
    [
        (
            lambda app: app.on_sqs_message(queue="someone-elses-queue"),
            "which chalicelib/resources.py does not name",
        ),
        (lambda app: app.on_s3_event(bucket="b"), "S3EventConfig is not packaged"),
        (lambda app: app.on_sns_message(topic="t"), "SNSEventConfig is not packaged"),
    ],
)
def test_a_handler_that_cannot_be_packaged_is_refused_with_the_reason(
    stage: Stage, decorate: Any, message: str
) -> None:
    app = Chalice(app_name="presslift")

    def odd(event: Any) -> None: ...

    decorate(app)(odd)

    with pytest.raises(StageError, match=message) as raised:
        appmodel.functions(app, stage)
    assert "odd" in str(raised.value)


def test_the_code_drop_mount_function_is_in_the_vpc_with_efs_mounted(stage: Stage) -> None:
    codedrop = Function("codedrop_mount", "invoke", timeout=900)
    merged = template.function_overrides(stage, codedrop)
    properties = merged["CodedropMount"]["Properties"]
    assert properties["VpcConfig"]["SecurityGroupIds"] == [{"Ref": "FunctionSecurityGroup"}]
    assert properties["FileSystemConfigs"] == [
        {"Arn": {"Fn::GetAtt": ["AccessPoint", "Arn"]}, "LocalMountPath": "/mnt/efs"}
    ]
    assert properties["Environment"]["Variables"]["PRESSLIFT_EFS_MOUNT"] == "/mnt/efs"
    assert merged["CodedropMount"]["DependsOn"] == ["MountTargetA", "MountTargetB"]
    efs = [s for s in grants.policy(codedrop) if "elasticfilesystem:ClientMount" in s["Action"]]
    assert efs[0]["Condition"] == {
        "StringEquals": {"elasticfilesystem:AccessPointArn": {"Fn::GetAtt": ["AccessPoint", "Arn"]}}
    }


@pytest.mark.parametrize(
    ("function", "may", "may_not"),
    [
        (Function("convert", "sqs", role="ingest"), {"IngestBucket", "send:BuildQueue"}, {"SiteProdBucket"}),
        (Function("build", "sqs", role="build"), {"send:CodedropQueue", "ArtifactsBucket"}, {"IngestBucket"}),
        (Function("deploy", "sqs", role="deploy"), {"SiteProdBucket", "sns:Publish"}, {"IngestBucket"}),
        (Function("api_handler", "api"), {"WebhookSecretsPath}/*"}, {"SiteProdBucket", "s3:PutObject"}),
        (Function("expire_approvals", "schedule"), {"dynamodb:UpdateItem"}, {"s3:GetObject"}),
        (
            Function("codedrop", "sqs", role="codedrop"),
            {"lambda:InvokeFunction", "CodedropMount", "send:CodedropQueue"},
            {"IngestBucket", "elasticfilesystem:", "ec2:"},
        ),
        (
            Function("codedrop_mount", "invoke"),
            {"elasticfilesystem:ClientWrite", "ec2:CreateNetworkInterface"},
            {"s3:", "sqs:", "sns:", "dynamodb:", "ssm:", "lambda:", "Bucket"},
        ),
    ],
)
def test_each_kind_of_function_is_granted_what_its_stage_does_and_no_more(
    function: Function, may: set[str], may_not: set[str]
) -> None:
    policy = grants.policy(function)
    text = json.dumps(policy)
    sends = {
        f"send:{r['Fn::GetAtt'][0]}"
        for s in policy
        if "sqs:SendMessage" in s.get("Action", [])  # site-owned grants are Fn::If statements
        for r in s["Resource"]
    }
    for thing in may:
        assert thing in text or thing in sends, f"{function.name} should reach {thing}"
    for thing in may_not:
        assert thing not in text and thing not in sends, f"{function.name} should not reach {thing}"


def test_config_with_trailing_commas_is_read(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text('{"stages": {"prod": {"environment_variables": {"PRESSLIFT_TABLE": "t",},},},}')
    assert read_config(config)["stages"]["prod"]["environment_variables"] == {"PRESSLIFT_TABLE": "t"}


def test_a_fifo_queue_named_without_fifo_is_packaged_as_fifo_and_said_so() -> None:
    config = {"stages": {"prod": {"environment_variables": {"PRESSLIFT_DEPLOY_QUEUE": "my-deploy"}}}}
    stage = load_stage("prod", config)
    assert stage.queue("deploy") == "my-deploy.fifo"
    assert any("PRESSLIFT_DEPLOY_QUEUE" in note for note in stage.notes)


def test_an_unknown_stage_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(StageError, match=r"no stage 'qa'.*dev, prod"):
        load_stage("qa", {"stages": {"dev": {}, "prod": {}}})
