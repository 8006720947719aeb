"""Packaged mode's stand-ins for CloudFormation and IAM: intrinsic functions resolve as
CloudFormation resolves them, and policies are localised for moto without widening S3 or SQS."""

from __future__ import annotations

import pytest

from presslift.localcloud.packaged.iam import localise, localise_policy
from presslift.localcloud.packaged.intrinsics import Scope, Unresolved, resolve
from presslift.localcloud.packaged.stack import parameters_of


def scope() -> Scope:
    found = Scope(
        region="eu-west-1",
        stack_name="presslift-test",
        parameters={"Path": "/presslift/search", "Buckets": ["a", "b"], "Empty": [""]},
        refs={"Queue": "http://aws/123456789012/q", "Bucket": "my-bucket"},
        attributes={("Bucket", "Arn"): "arn:aws:s3:::my-bucket"},
        conditions={"HasBuckets": {"Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "Empty"}]}, ""]}]}},
    )
    return found


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ({"Ref": "Bucket"}, "my-bucket"),
        ({"Ref": "AWS::Region"}, "eu-west-1"),
        ({"Fn::GetAtt": ["Bucket", "Arn"]}, "arn:aws:s3:::my-bucket"),
        ({"Fn::GetAtt": "Bucket.Arn"}, "arn:aws:s3:::my-bucket"),
        ({"Fn::Sub": "${Bucket.Arn}/*"}, "arn:aws:s3:::my-bucket/*"),
        (
            {"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}::parameter${Path}"},
            "arn:aws:ssm:eu-west-1::parameter/presslift/search",
        ),
        ({"Fn::Sub": ["${X}-${!Literal}", {"X": {"Ref": "Bucket"}}]}, "my-bucket-${Literal}"),
        ({"Fn::Join": [",", {"Ref": "Buckets"}]}, "a,b"),
        ({"Fn::Select": [1, {"Ref": "Buckets"}]}, "b"),
        ({"Fn::If": ["HasBuckets", "yes", "no"]}, "no"),
        ([{"Ref": "Bucket"}, {"Ref": "AWS::NoValue"}], ["my-bucket"]),
        ({"Key": {"Ref": "AWS::NoValue"}, "Other": 1}, {"Other": 1}),
    ],
)
def test_intrinsics_resolve_as_cloudformation_does(template, expected):
    assert resolve(template, scope()) == expected


def test_an_unknown_reference_is_named_not_guessed():
    with pytest.raises(Unresolved, match="Ref Missing"):
        resolve({"Ref": "Missing"}, scope())
    with pytest.raises(Unresolved, match=r"Fn::GetAtt Bucket\.DomainName"):
        resolve({"Fn::Sub": "https://${Bucket.DomainName}/"}, scope())


def test_parameters_take_defaults_and_split_lists():
    template = {
        "Parameters": {
            "Email": {"Type": "String"},
            "Buckets": {"Type": "CommaDelimitedList", "Default": ""},
            "Path": {"Type": "String", "Default": "/p"},
        }
    }
    assert parameters_of(template, {"Email": "a@b.c", "Buckets": "x,y"}) == {
        "Email": "a@b.c",
        "Buckets": ["x", "y"],
        "Path": "/p",
    }
    with pytest.raises(ValueError, match="Email has no default"):
        parameters_of(template, {})


def test_s3_and_sqs_statements_stay_exact_and_others_widen_to_any_resource():
    s3 = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b/*"]}
    assert localise(s3) == [s3]
    ssm = {"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": ["arn:aws:ssm:::parameter/x"]}
    assert localise(ssm) == [{**ssm, "Resource": "*"}]
    send = {"Effect": "Allow", "Action": ["sqs:GetQueueUrl", "sqs:SendMessage"], "Resource": ["arn:q"]}
    assert localise(send) == [
        {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": ["arn:q"]},
        {"Effect": "Allow", "Action": ["sqs:GetQueueUrl"], "Resource": "*"},
    ]
    document = localise_policy({"Version": "2012-10-17", "Statement": [s3, ssm]})
    assert [s["Resource"] for s in document["Statement"]] == [["arn:aws:s3:::b/*"], "*"]


def test_object_deletes_also_name_the_bucket_because_moto_checks_a_batch_delete_there():
    delete = {
        "Effect": "Allow",
        "Action": ["s3:DeleteObject", "s3:PutObject"],
        "Resource": ["arn:aws:s3:::b/*"],
    }
    assert localise(delete) == [
        delete,
        {"Effect": "Allow", "Action": ["s3:DeleteObject"], "Resource": ["arn:aws:s3:::b"]},
    ]
