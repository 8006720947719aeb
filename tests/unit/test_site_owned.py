"""A site's own bucket or distribution must be one the stack grants (SiteOwnedBuckets,
SiteOwnedDistributions); the local cloud, which sets neither variable, allows any."""

from __future__ import annotations

import pytest

from chalicelib.errors import ConfigError
from chalicelib.sitemodel import check_site_owned

ENV = {"PRESSLIFT_SITE_OWNED_BUCKETS": "www-example-com", "PRESSLIFT_SITE_OWNED_DISTRIBUTIONS": ""}


def test_a_listed_bucket_is_allowed_and_the_local_cloud_allows_any() -> None:
    check_site_owned("www", "prod", "www-example-com", None, ENV)
    check_site_owned("www", "prod", "anything", "E2ABCDEF123456", {})


@pytest.mark.parametrize(
    ("bucket", "distribution", "message"),
    [
        ("other-bucket", None, r"bucket 'other-bucket' .*stack parameter SiteOwnedBuckets"),
        ("www-example-com", "E2ABCDEF123456", r"allowed: none.*stack parameter SiteOwnedDistributions"),
    ],
)
def test_an_unlisted_target_is_refused_naming_the_parameter(
    bucket: str, distribution: str | None, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        check_site_owned("www", "prod", bucket, distribution, ENV)
