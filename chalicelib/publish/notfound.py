"""The page a visitor gets for an address no site of a shared bucket has.

The stack's distributions read the site buckets through origin access control, which grants
s3:GetObject and nothing else: for a key that is not there S3 answers 403 with an XML AccessDenied
body, which CloudFront passed on as it was. The distributions now answer a 403 or 404 from the bucket
with the bucket's root `404.html` and the status 404 (CloudFront's custom error responses take one
path for a whole distribution, and a stage's distribution serves every site below `/<site>/`, so the
page is one for the bucket, not each site's own). The deploy stage writes it when a site is published
to the stack's bucket and it is not there yet; a site published at a bucket's root has its own
`404.html` there, which is left alone.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from chalicelib.errors import PublishError

#: Where the distributions' custom error responses read the page (ResponsePagePath without its "/").
KEY = "404.html"
PAGE = b"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Page not found</title>
<style>body{font:1.1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1rem;color:#222}
h1{font-size:1.6rem}</style>
</head>
<body>
<h1>Page not found</h1>
<p>There is nothing at this address. It may have moved, or the link that led here may be mistyped.</p>
</body>
</html>
"""


def ensure_not_found_page(s3: Any, bucket: str) -> bool:
    """Put the bucket's root `404.html` when it is not there; whether it was put."""
    try:
        s3.head_object(Bucket=bucket, Key=KEY)
        return False
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NotFound"):
            raise PublishError(f"could not read s3://{bucket}/{KEY}: {error}") from error
    try:
        s3.put_object(
            Bucket=bucket,
            Key=KEY,
            Body=PAGE,
            ContentType="text/html; charset=utf-8",
            CacheControl="public, max-age=300",
        )
    except ClientError as error:
        raise PublishError(f"could not write s3://{bucket}/{KEY}: {error}") from error
    return True
