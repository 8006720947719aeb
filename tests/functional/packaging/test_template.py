"""What the packaged prod stack holds: the resources issue 9 names, with the settings it asks for,
named from chalicelib/resources.py like the local cloud's."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chalice.app import Chalice

from chalicelib import resources
from chalicelib.runs import table_definition
from presslift.packaging import grants, logical, tracing
from presslift.packaging.package import Packaged
from presslift.packaging.stage import Stage, stage_name
from presslift.packaging.template import TTL_ATTRIBUTE, VISIBILITY_FACTOR

from .conftest import of_type

pytestmark = pytest.mark.xdist_group("packaging")


def _queue_of(event_source_arn: dict[str, Any]) -> str:
    """The queue's logical id in `Fn::GetAtt: [Q, Arn]` or `Fn::Sub: ${Q.Arn}`."""
    if "Fn::GetAtt" in event_source_arn:
        return str(event_source_arn["Fn::GetAtt"][0])
    text = str(event_source_arn["Fn::Sub"])
    assert text.startswith("${") and text.endswith(".Arn}"), text
    return text[2:-5]


def _functions(cfn: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = of_type(cfn, "AWS::Lambda::Function")
    return found


def test_every_handler_the_app_registers_is_a_function(app: Chalice, cfn: dict[str, Any]) -> None:
    handlers = {source.name for source in app.event_sources}
    handler_names = {json.dumps(f["Properties"]["Handler"]) for f in _functions(cfn).values()}
    for name in handlers:
        assert json.dumps(f"app.{name}") in handler_names
    if app.routes:
        assert json.dumps("app.app") in handler_names


def test_sqs_event_sources_read_the_stacks_queues_and_report_partial_failures(
    app: Chalice, cfn: dict[str, Any], stage: Stage
) -> None:
    mappings = of_type(cfn, "AWS::Lambda::EventSourceMapping")
    roles = stage.queue_roles()
    sqs_handlers = [s for s in app.event_sources if type(s).__name__ == "SQSEventConfig"]
    assert len(mappings) == len(sqs_handlers)
    queue_ids = {logical.queue(role) for role in roles.values()}
    for mapping in mappings.values():
        properties = mapping["Properties"]
        assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert _queue_of(properties["EventSourceArn"]) in queue_ids


@pytest.mark.parametrize("role", resources.QUEUE_ROLES)
def test_each_queue_has_a_dead_letter_queue_redrive_and_an_alarm(
    cfn: dict[str, Any], stage: Stage, role: str
) -> None:
    queue = cfn["Resources"][logical.queue(role)]["Properties"]
    dlq = cfn["Resources"][logical.dead_letter_queue(role)]["Properties"]
    assert queue["QueueName"] == stage.queue(role)
    assert dlq["QueueName"] == resources.dead_letter_queue(stage.queue(role))
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [logical.dead_letter_queue(role), "Arn"]},
        "maxReceiveCount": int(stage.names[resources.MAX_RECEIVE_COUNT.name]),
    }
    assert bool(queue.get("FifoQueue")) == bool(dlq.get("FifoQueue")) == (role in resources.FIFO_ROLES)
    alarm = cfn["Resources"][f"{logical.dead_letter_queue(role)}Alarm"]["Properties"]
    assert alarm["Threshold"] == 0 and alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["AlarmActions"] == [{"Ref": logical.ALARMS_TOPIC}]


def test_visibility_timeouts_are_six_times_the_consumers_timeout(cfn: dict[str, Any]) -> None:
    functions = _functions(cfn)
    checked = 0
    for mapping in of_type(cfn, "AWS::Lambda::EventSourceMapping").values():
        function_id = mapping["Properties"]["FunctionName"]["Ref"]
        queue_id = _queue_of(mapping["Properties"]["EventSourceArn"])
        timeout = functions[function_id]["Properties"]["Timeout"]
        visibility = cfn["Resources"][queue_id]["Properties"]["VisibilityTimeout"]
        assert visibility >= VISIBILITY_FACTOR * timeout
        checked += 1
    assert checked >= 3


def test_the_deploy_queue_is_fifo_in_the_template(stage: Stage, cfn: dict[str, Any]) -> None:
    assert cfn["Resources"][logical.queue("deploy")]["Properties"]["QueueName"].endswith(".fifo")
    assert stage.queue("deploy").endswith(".fifo")


def test_names_are_the_local_clouds_with_the_stage_in_them_unless_config_says_otherwise(stage: Stage) -> None:
    configured = stage.config["stages"]["prod"]["environment_variables"]
    for var in [
        resources.INGEST_BUCKET,
        resources.ARTIFACTS_BUCKET,
        resources.TABLE,
        *resources.QUEUES.values(),
    ]:
        expected = configured.get(var.name) or stage_name(var.default, "prod")
        if var.name == resources.QUEUES["deploy"].name and not expected.endswith(".fifo"):
            expected += ".fifo"
        assert stage.names[var.name] == expected


def test_every_function_gets_every_resource_variable(cfn: dict[str, Any]) -> None:
    for name, function in _functions(cfn).items():
        if name in (logical.BUILD_RUNNER, logical.CODEDROP_MOUNT):
            continue  # told nothing (the mount function: its mount), see the tests of each below
        variables = function["Properties"]["Environment"]["Variables"]
        missing = {var.name for var in resources.all_variables() if var.name not in variables} - (
            {resources.API_URL.name} if name == "APIHandler" else set()
        )
        assert missing == set(), f"{name} lacks {missing}"


def test_the_table_is_the_local_clouds_definition_with_ttl(cfn: dict[str, Any], stage: Stage) -> None:
    table = cfn["Resources"][logical.TABLE]["Properties"]
    definition = table_definition(stage.names[resources.TABLE.name])
    assert {key: table[key] for key in definition} == definition
    assert table["TimeToLiveSpecification"] == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}


@pytest.mark.parametrize("stage_", resources.SITE_STAGES)
def test_site_buckets_are_private_and_read_only_by_their_distribution(
    cfn: dict[str, Any], stage_: str
) -> None:
    bucket = cfn["Resources"][logical.site_bucket(stage_)]["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    statements = cfn["Resources"][f"{logical.site_bucket(stage_)}Policy"]["Properties"]["PolicyDocument"][
        "Statement"
    ]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert len(allows) == 1
    assert allows[0]["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allows[0]["Action"] == "s3:GetObject"
    assert logical.distribution(stage_) in json.dumps(allows[0]["Condition"])
    (hidden,) = [s for s in statements if s["Effect"] == "Deny" and s["Principal"] == allows[0]["Principal"]]
    assert hidden["Action"] == "s3:GetObject"
    assert json.dumps(hidden["Resource"]).endswith('/.presslift/*"}')


@pytest.mark.parametrize("stage_", resources.SITE_STAGES)
def test_distributions_use_oac_an_index_document_redirects_and_security_headers(
    cfn: dict[str, Any], stage_: str
) -> None:
    config = cfn["Resources"][logical.distribution(stage_)]["Properties"]["DistributionConfig"]
    assert config["DefaultRootObject"] == "index.html"
    (origin,) = config["Origins"]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "SiteSecurityHeaders"}
    events = {a["EventType"]: a["FunctionARN"]["Fn::GetAtt"][0] for a in behaviour["FunctionAssociations"]}
    assert events == {"viewer-request": "IndexDocumentFunction", "viewer-response": "WebsiteRedirectFunction"}
    # With OAC a missing key is S3's 403: both it and a 404 are the bucket's root page, as a 404.
    assert [
        (e["ErrorCode"], e["ResponseCode"], e["ResponsePagePath"]) for e in config["CustomErrorResponses"]
    ] == [
        (403, 404, "/404.html"),
        (404, 404, "/404.html"),
    ]


def test_the_security_headers_policy_sets_hsts_csp_nosniff_and_frame_options(cfn: dict[str, Any]) -> None:
    headers = cfn["Resources"]["SiteSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"][
        "SecurityHeadersConfig"
    ]
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert "default-src 'self'" in headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert headers["ContentTypeOptions"]["Override"] is True
    assert headers["FrameOptions"]["FrameOption"] == "DENY"


def test_the_ingest_bucket_notifies_the_ingest_queue_for_imports(cfn: dict[str, Any]) -> None:
    bucket = cfn["Resources"][logical.INGEST_BUCKET]
    (notification,) = bucket["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    assert notification["Queue"] == {"Fn::GetAtt": [logical.queue("ingest"), "Arn"]}
    assert "Filter" not in notification  # every object gets an answer, the bucket root's too
    assert f"{logical.queue('ingest')}Policy" in bucket["DependsOn"]


def test_the_approvals_topic_mails_the_address_given_at_deploy(cfn: dict[str, Any]) -> None:
    subscription = cfn["Resources"]["ApprovalsSubscription"]["Properties"]
    assert subscription == {
        "TopicArn": {"Ref": logical.APPROVALS_TOPIC},
        "Protocol": "email",
        "Endpoint": {"Ref": "NotificationEmail"},
    }


def test_only_the_build_runner_has_the_hugo_layer(cfn: dict[str, Any]) -> None:
    layers = of_type(cfn, "AWS::Lambda::LayerVersion")
    assert list(layers) != []
    functions = _functions(cfn)
    runner = functions[logical.BUILD_RUNNER]["Properties"]
    assert runner["Layers"] == [{"Ref": next(iter(layers))}]
    assert runner["Runtime"] == "python3.12"
    assert [name for name, f in functions.items() if f["Properties"].get("Layers")] == [logical.BUILD_RUNNER]


def test_the_build_runner_is_told_nothing_and_may_do_nothing_but_log(cfn: dict[str, Any]) -> None:
    runner = _functions(cfn)[logical.BUILD_RUNNER]["Properties"]
    assert runner.get("Environment", {}).get("Variables", {}) == {}
    role = cfn["Resources"][logical.role(logical.BUILD_RUNNER)]["Properties"]
    # Besides logging, only X-Ray's write actions, and only while the Tracing parameter is Active.
    conditional = [policy for policy in role["Policies"] if "PolicyDocument" not in policy]
    assert conditional == [tracing.role_policy(logical.BUILD_RUNNER)]
    statements = [
        s
        for policy in role["Policies"]
        if "PolicyDocument" in policy
        for s in policy["PolicyDocument"]["Statement"]
    ]
    assert statements == [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [{"Fn::GetAtt": [logical.log_group(logical.BUILD_RUNNER), "Arn"]}],
        }
    ]
    assert not role.get("ManagedPolicyArns")


def test_the_mount_function_is_told_its_mount_alone_and_may_mount_and_log(cfn: dict[str, Any]) -> None:
    mount = _functions(cfn)[logical.CODEDROP_MOUNT]["Properties"]
    assert mount["Environment"]["Variables"] == {resources.EFS_MOUNT.name: "/mnt/efs"}
    role = cfn["Resources"][logical.role(logical.CODEDROP_MOUNT)]["Properties"]
    statements = [
        s
        for policy in role["Policies"]
        if "PolicyDocument" in policy
        for s in policy["PolicyDocument"]["Statement"]
    ]
    actions = {action for statement in statements for action in statement["Action"]}
    # Its log group, the file system through the access point, and Lambda's network interfaces: the
    # bundle comes by a presigned URL, so not one S3, queue, table, topic or parameter action.
    assert actions == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "elasticfilesystem:ClientMount",
        "elasticfilesystem:ClientWrite",
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
    }


def test_only_the_build_function_may_invoke_the_runner_and_nothing_else(cfn: dict[str, Any]) -> None:
    invokers = {}
    for name, resource in of_type(cfn, "AWS::IAM::Role").items():
        for policy in resource["Properties"].get("Policies", []):
            policy = policy.get("Fn::If", [None, policy])[1]  # the tracing grant, when Active
            for statement in policy["PolicyDocument"]["Statement"]:
                statement = statement.get("Fn::If", [None, statement])[1]
                if any(action.startswith("lambda:") for action in statement.get("Action", [])):
                    invokers[name] = (statement["Action"], statement["Resource"])
    assert invokers == {
        logical.role("Build"): (["lambda:InvokeFunction"], [{"Fn::GetAtt": [logical.BUILD_RUNNER, "Arn"]}]),
        # the code-drop stage, outside the VPC, hands the mount work to the mount function
        logical.role("Codedrop"): (
            ["lambda:InvokeFunction"],
            [{"Fn::GetAtt": [logical.CODEDROP_MOUNT, "Arn"]}],
        ),
    }
    build = _functions(cfn)["Build"]["Properties"]["Environment"]["Variables"]
    assert build[resources.BUILD_RUNNER.name] == {"Ref": logical.BUILD_RUNNER}
    codedrop = _functions(cfn)["Codedrop"]["Properties"]["Environment"]["Variables"]
    assert codedrop[resources.CODEDROP_MOUNT.name] == {"Ref": logical.CODEDROP_MOUNT}


def test_the_code_drop_network_has_efs_and_the_free_s3_gateway_alone(cfn: dict[str, Any]) -> None:
    endpoints = of_type(cfn, "AWS::EC2::VPCEndpoint").values()
    services = {
        (e["Properties"]["VpcEndpointType"], e["Properties"]["ServiceName"]["Fn::Sub"].rsplit(".", 1)[-1])
        for e in endpoints
    }
    # The mount function's one way out: the bundle's presigned GET (no interface endpoint, no NAT).
    assert services == {("Gateway", "s3")}
    assert of_type(cfn, "AWS::EC2::NatGateway") == {}
    assert of_type(cfn, "AWS::EC2::InternetGateway") == {}
    assert of_type(cfn, "AWS::EC2::EIP") == {}
    assert len(of_type(cfn, "AWS::EFS::MountTarget")) == 2
    assert len(of_type(cfn, "AWS::EFS::AccessPoint")) == 1
    nfs = cfn["Resources"]["FileSystemSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    assert nfs == [
        {
            "IpProtocol": "tcp",
            "FromPort": 2049,
            "ToPort": 2049,
            "SourceSecurityGroupId": {"Ref": "FunctionSecurityGroup"},
            "Description": "NFS from Presslift functions",
        }
    ]


def test_no_function_but_the_mount_function_is_in_the_vpc(cfn: dict[str, Any]) -> None:
    in_vpc = {name for name, f in _functions(cfn).items() if "VpcConfig" in f["Properties"]}
    mounted = {name for name, f in _functions(cfn).items() if "FileSystemConfigs" in f["Properties"]}
    assert in_vpc == mounted == {logical.CODEDROP_MOUNT}


def test_functions_that_drop_code_mount_efs_from_the_vpc(cfn: dict[str, Any], packaged: Packaged) -> None:
    droppers = [f for f in packaged.functions if "efs" in grants.capabilities(f)]
    if not droppers:
        pytest.skip("the app registers no code-drop handler yet")
    for function in droppers:
        resource = cfn["Resources"][function.logical_id]
        properties = resource["Properties"]
        assert properties["VpcConfig"]["SubnetIds"] == [{"Ref": s} for s in logical.SUBNETS]
        (mount,) = properties["FileSystemConfigs"]
        assert mount["Arn"] == {"Fn::GetAtt": [logical.ACCESS_POINT, "Arn"]}
        assert mount["LocalMountPath"].startswith("/mnt/")
        assert set(logical.MOUNT_TARGETS) <= set(resource["DependsOn"])
