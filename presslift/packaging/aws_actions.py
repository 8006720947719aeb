"""AWS client calls in IAM's words: which botocore operations a client method sends, and which IAM
actions each needs. Data from botocore's service models and AWS's service authorization reference;
nothing here reads the project's code (that is `calls`)."""

from __future__ import annotations

import functools

SERVICES: tuple[str, ...] = ("s3", "sqs", "sns", "dynamodb", "cloudfront", "ssm", "secretsmanager", "lambda")
#: s3transfer's methods that boto3 injects into S3 clients, and the operations each may send.
TRANSFERS: dict[str, tuple[str, ...]] = {
    "download_file": ("HeadObject", "GetObject"),
    "download_fileobj": ("HeadObject", "GetObject"),
    "upload_file": (
        "PutObject",
        "CreateMultipartUpload",
        "UploadPart",
        "CompleteMultipartUpload",
        "AbortMultipartUpload",
    ),
    "upload_fileobj": (
        "PutObject",
        "CreateMultipartUpload",
        "UploadPart",
        "CompleteMultipartUpload",
        "AbortMultipartUpload",
    ),
    "copy": (
        "HeadObject",
        "CopyObject",
        "CreateMultipartUpload",
        "UploadPartCopy",
        "CompleteMultipartUpload",
        "AbortMultipartUpload",
    ),
}
#: Operations whose IAM action is not `<service>:<Operation>` (AWS's "Actions defined by" pages).
IAM_EXCEPTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("s3", "ListObjectsV2"): ("s3:ListBucket",),
    ("s3", "ListObjects"): ("s3:ListBucket",),
    ("s3", "HeadBucket"): ("s3:ListBucket",),
    ("s3", "HeadObject"): ("s3:GetObject",),
    ("s3", "CopyObject"): ("s3:GetObject", "s3:PutObject"),  # reads the source, writes the copy
    ("s3", "DeleteObjects"): ("s3:DeleteObject",),
    ("s3", "CreateMultipartUpload"): ("s3:PutObject",),
    ("s3", "UploadPart"): ("s3:PutObject",),
    ("s3", "UploadPartCopy"): ("s3:GetObject", "s3:PutObject"),
    ("s3", "CompleteMultipartUpload"): ("s3:PutObject",),
    ("s3", "ListParts"): ("s3:ListMultipartUploadParts",),
    ("s3", "ListMultipartUploads"): ("s3:ListBucketMultipartUploads",),
    # A transaction needs the permission of each item operation it may hold.
    ("dynamodb", "TransactWriteItems"): (
        "dynamodb:ConditionCheckItem",
        "dynamodb:DeleteItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
    ),
    ("dynamodb", "TransactGetItems"): ("dynamodb:GetItem",),
    ("lambda", "Invoke"): ("lambda:InvokeFunction",),
}


def iam_actions(service: str, operation: str) -> tuple[str, ...]:
    return IAM_EXCEPTIONS.get((service, operation), (f"{service}:{operation}",))


@functools.cache
def operations(service: str) -> dict[str, str]:
    """snake_case method -> botocore operation name, from botocore's service model."""
    import botocore.session
    from botocore import xform_name

    model = botocore.session.get_session().get_service_model(service)
    return {xform_name(name): name for name in model.operation_names}
