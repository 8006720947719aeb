"""The pipeline's buckets and the published sites' CloudFront distributions, as CloudFormation.

Ingest (notifying the ingest queue of every object), artifacts, and one bucket per site stage; all
private with Block Public Access on and TLS required, the site buckets readable only by their own
distribution through origin access control.

Bucket names are unique per stack, because bucket names are global: the artifacts and site buckets
have none in the template, so CloudFormation generates one (`<stack>-<logical id>-<random>`) that no
other installation, and no bucket this stack retained after a failed first create, can hold. The
ingest bucket alone is named, `<stack>-ingest-<account>-<region>`, because the queue policy that its
notification needs must name it before it exists (a generated name would be a circular reference).
The functions get the names through their environment and the stack lists them in its Outputs; the
local cloud keeps the fixed `presslift-*` names of chalicelib/resources.py. Pure: builds dicts.
"""

from __future__ import annotations

from typing import Any

from chalicelib import resources
from chalicelib.publish.notfound import KEY as NOT_FOUND_KEY
from chalicelib.publish.target import STATE_FOLDER
from presslift.packaging import logical, security_headers
from presslift.packaging.logical import DELETE, RETAIN, arn, ref, sub
from presslift.packaging.stage import Stage

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"  # AWS managed cache policy


#: The ingest bucket's name (lower case: CloudFormation stack names allow capitals, buckets do not).
INGEST_BUCKET_NAME = sub("${AWS::StackName}-ingest-${AWS::AccountId}-${AWS::Region}")


def _private_bucket(name: Any = None, *, retain: bool = False) -> dict[str, Any]:
    named = {"BucketName": name} if name is not None else {}
    bucket: dict[str, Any] = {
        "Type": "AWS::S3::Bucket",
        "Properties": {
            **named,
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
        },
    }
    return bucket | (RETAIN if retain else DELETE)


def ingest_bucket_arn() -> Any:
    # Built from the name, not GetAtt: the ingest bucket's notification needs the queue policy first.
    return sub("arn:${AWS::Partition}:s3:::${AWS::StackName}-ingest-${AWS::AccountId}-${AWS::Region}")


def _tls_only(bucket_id: str) -> dict[str, Any]:
    return {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn(bucket_id), sub(f"${{{bucket_id}.Arn}}/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _bucket_policy(bucket_id: str, *extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": ref(bucket_id),
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [_tls_only(bucket_id), *extra]},
        },
    }


def buckets(stage: Stage) -> dict[str, Any]:
    """Ingest (notifying the ingest queue), artifacts, and one private bucket per site stage."""
    out: dict[str, Any] = {
        logical.INGEST_BUCKET: _private_bucket(INGEST_BUCKET_NAME),
        logical.ARTIFACTS_BUCKET: _private_bucket(retain=True),
        f"{logical.INGEST_BUCKET}Policy": _bucket_policy(logical.INGEST_BUCKET),
        f"{logical.ARTIFACTS_BUCKET}Policy": _bucket_policy(logical.ARTIFACTS_BUCKET),
    }
    out[logical.INGEST_BUCKET]["DependsOn"] = [f"{logical.queue('ingest')}Policy"]
    out[logical.INGEST_BUCKET]["Properties"]["NotificationConfiguration"] = {
        "QueueConfigurations": [
            {
                "Event": "s3:ObjectCreated:*",
                "Queue": arn(logical.queue("ingest")),
                # No prefix filter: an object dropped at the bucket root (or beside imports/) is
                # rejected to imports-failed/ with its reason instead of vanishing unseen.
            }
        ]
    }
    for site_stage in resources.SITE_STAGES:
        bucket_id = logical.site_bucket(site_stage)
        out[bucket_id] = _private_bucket()
        # Readable only by this stage's distribution, through origin access control.
        out[f"{bucket_id}Policy"] = _bucket_policy(
            bucket_id,
            {
                "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject",
                "Resource": sub(f"${{{bucket_id}.Arn}}/*"),
                "Condition": {
                    "StringEquals": {
                        "AWS:SourceArn": sub(
                            "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/"
                            f"${{{logical.distribution(site_stage)}}}"
                        )
                    }
                },
            },
            {
                # Presslift's publish state (the record of each prefix, the in-progress marker) is
                # for the deploy function only, never for viewers.
                "Effect": "Deny",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject",
                "Resource": sub(f"${{{bucket_id}.Arn}}/{STATE_FOLDER}*"),
            },
        )
        out[logical.distribution(site_stage)] = _distribution(site_stage, bucket_id)
    out[security_headers.POLICY] = security_headers.policy_resource()
    return out


def _distribution(site_stage: str, bucket_id: str) -> dict[str, Any]:
    origin = f"s3-{site_stage}"
    return {
        "Type": "AWS::CloudFront::Distribution",
        "Properties": {
            "DistributionConfig": {
                "Comment": f"presslift-{site_stage}",
                "Enabled": True,
                "DefaultRootObject": "index.html",
                "HttpVersion": "http2and3",
                "IPV6Enabled": True,
                "PriceClass": ref("PriceClass"),
                "Origins": [
                    {
                        "Id": origin,
                        "DomainName": {"Fn::GetAtt": [bucket_id, "RegionalDomainName"]},
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                        "OriginAccessControlId": {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]},
                    }
                ],
                # Origin access control grants GetObject only: a missing key is S3's 403. Both it and
                # a 404 get the bucket's root 404.html (chalicelib/publish/notfound.py) as a 404.
                "CustomErrorResponses": [
                    {
                        "ErrorCode": code,
                        "ResponseCode": 404,
                        "ResponsePagePath": "/" + NOT_FOUND_KEY,
                        "ErrorCachingMinTTL": 60,
                    }
                    for code in (403, 404)
                ],
                "DefaultCacheBehavior": {
                    "TargetOriginId": origin,
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "AllowedMethods": ["GET", "HEAD"],
                    "CachedMethods": ["GET", "HEAD"],
                    "Compress": True,
                    "CachePolicyId": CACHING_OPTIMIZED,
                    "ResponseHeadersPolicyId": ref(security_headers.POLICY),
                    "FunctionAssociations": [
                        {
                            "EventType": "viewer-request",
                            "FunctionARN": {"Fn::GetAtt": ["IndexDocumentFunction", "FunctionARN"]},
                        },
                        {
                            "EventType": "viewer-response",
                            "FunctionARN": {"Fn::GetAtt": ["WebsiteRedirectFunction", "FunctionARN"]},
                        },
                    ],
                },
            }
        },
    }
