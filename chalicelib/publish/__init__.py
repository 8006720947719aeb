"""Publishing an artifact to a target: plan (pure diff), then apply (S3 uploads and deletes, CloudFront).

The pipeline calls `plan_publish` (pure) and `publish_tree` (does the work); everything else here is
how. Nothing in this package creates AWS clients: they are passed in.
"""

from chalicelib.publish.apply import (
    BucketReading,
    PublishResult,
    apply_reading,
    current_plan,
    publish_tree,
    read_bucket,
    recheck,
)
from chalicelib.publish.bucket import S3Client
from chalicelib.publish.cloudfront import CloudFrontClient
from chalicelib.publish.headers import DEFAULT_CACHE_RULES, CacheRule, cache_control_for, content_type_for
from chalicelib.publish.plan import Group, PublishPlan, Upload, UploadReason, plan_publish
from chalicelib.publish.remote import ObjectHeaders, RemoteObject
from chalicelib.publish.target import PublishOptions, PublishTarget
from chalicelib.retry import RetryPolicy

__all__ = [
    "DEFAULT_CACHE_RULES",
    "BucketReading",
    "CacheRule",
    "CloudFrontClient",
    "Group",
    "ObjectHeaders",
    "PublishOptions",
    "PublishPlan",
    "PublishResult",
    "PublishTarget",
    "RemoteObject",
    "RetryPolicy",
    "S3Client",
    "Upload",
    "UploadReason",
    "apply_reading",
    "cache_control_for",
    "content_type_for",
    "current_plan",
    "plan_publish",
    "publish_tree",
    "read_bucket",
    "recheck",
]
