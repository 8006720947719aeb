"""The published sites' security headers: CloudFront's response headers policy in the packaged
template, and the local site server sending exactly the headers that policy adds."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.services import Services
from presslift.localcloud import sites
from presslift.packaging import security_headers


@pytest.fixture
def packaged_policy(cfn: dict[str, Any]) -> dict[str, Any]:
    config = cfn["Resources"][security_headers.POLICY]["Properties"]["ResponseHeadersPolicyConfig"]
    return dict(config["SecurityHeadersConfig"])


def test_the_policy_renders_as_cloudfront_sends_it(packaged_policy: dict[str, Any]) -> None:
    headers = security_headers.http_headers(packaged_policy)
    assert headers == {
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload",
        "Content-Security-Policy": security_headers.content_security_policy(),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }
    assert "script-src 'self' 'wasm-unsafe-eval';" in headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]


def test_a_policy_field_the_renderer_does_not_know_is_refused() -> None:
    with pytest.raises(ValueError, match="XSSProtection"):
        security_headers.http_headers({"XSSProtection": {"Protection": True, "Override": True}})


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/sites/demo/staging/", 200),  # a page
        ("/sites/demo/staging/css/site.css", 200),  # an asset
        ("/sites/demo/staging/missing/", 404),  # the site's 404 page
        ("/sites/demo/staging/old-post/", 301),  # a WordPress redirect
        ("/sites/demo/staging/about", 301),  # the folder's trailing slash
    ],
)
def test_the_local_site_server_sends_the_packaged_policys_headers(
    provisioned: Services, packaged_policy: dict[str, Any], path: str, status: int
) -> None:
    s3, bucket = provisioned.s3, provisioned.settings.site_buckets["staging"]
    for key, body in {"index.html": "<h1>Home</h1>", "404.html": "gone", "about/index.html": "about"}.items():
        s3.put_object(Bucket=bucket, Key=f"demo/{key}", Body=body, ContentType="text/html")
    s3.put_object(Bucket=bucket, Key="demo/css/site.css", Body="p{}", ContentType="text/css")
    s3.put_object(
        Bucket=bucket,
        Key="demo/old-post/index.html",
        Body=b"",
        WebsiteRedirectLocation="/sites/demo/staging/",
    )

    response = sites.serve(s3, provisioned.settings, path)

    assert response.status == status
    expected = security_headers.http_headers(packaged_policy)
    assert {name: response.headers.get(name) for name in expected} == expected


def test_the_local_site_server_redirects_a_folder_to_its_slash_keeping_the_query(
    provisioned: Services,
) -> None:
    # As the stack's viewer-request function does (test_cloudfront_functions).
    s3, bucket = provisioned.s3, provisioned.settings.site_buckets["staging"]
    s3.put_object(
        Bucket=bucket, Key="demo/categories/index.html", Body=b"<a href=news>", ContentType="text/html"
    )
    response = sites.serve(s3, provisioned.settings, "/sites/demo/staging/categories?page=2")
    assert (response.status, response.headers["Location"]) == (301, "/sites/demo/staging/categories/?page=2")
    assert sites.serve(s3, provisioned.settings, "/sites/demo/staging/categories").headers["Location"] == (
        "/sites/demo/staging/categories/"
    )


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/sites/demo/staging/tags//index.xml", "/sites/demo/staging/tags/index.xml"),
        ("/sites/demo/staging//tags///a/?x=1", "/sites/demo/staging/tags/a/?x=1"),
    ],
)
def test_the_local_site_server_redirects_doubled_slashes_to_single_ones(
    provisioned: Services, path: str, location: str
) -> None:
    # As the stack's viewer-request function does (test_cloudfront_functions): Zzo links tags//index.xml.
    s3, bucket = provisioned.s3, provisioned.settings.site_buckets["staging"]
    s3.put_object(Bucket=bucket, Key="demo/tags/index.xml", Body=b"<rss/>", ContentType="application/rss+xml")
    response = sites.serve(s3, provisioned.settings, path)
    assert (response.status, response.headers["Location"]) == (301, location)
    assert sites.serve(s3, provisioned.settings, location).status == (200 if "xml" in location else 404)


def test_the_local_site_server_never_serves_presslifts_publish_records(provisioned: Services) -> None:
    """/sites/.presslift/staging/published/<site>.json.gz listed every site's files, unlinked ones too."""
    s3, bucket = provisioned.s3, provisioned.settings.site_buckets["staging"]
    s3.put_object(Bucket=bucket, Key=".presslift/published/demo.json.gz", Body=b"{}")
    response = sites.serve(s3, provisioned.settings, "/sites/.presslift/staging/published/demo.json.gz")
    assert response.status == 404
