"""Where each stage of a site is served: its own domain when the operator gives one (`--prod-url`),
the base URL it is built with and the address its runs and emails show; else the pipeline's
distribution under `<site>/`."""

from __future__ import annotations

import argparse
from dataclasses import replace

import pytest

from chalicelib.config import Settings
from chalicelib.errors import InputError
from chalicelib.sitemodel import Site, Target, site_from_dict
from presslift.siteoptions import add_site_options, describe, settings_from_args

SETTINGS = Settings(
    ingest_bucket="ingest",
    artifacts_bucket="artifacts",
    table="runs",
    approvals_topic_arn="arn:aws:sns:us-east-1:123456789012:approvals",
    api_url="https://api.example/api",
    max_receive_count=3,
    site_urls={
        "staging": "https://d111.cloudfront.net/{site}/",
        "prod": "https://d222.cloudfront.net/{site}",
    },
)


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_site_options(parser, adding=False)
    return parser.parse_args(list(argv))


def test_a_stage_is_served_at_its_own_url_or_under_the_sites_name() -> None:
    site = Site("www", repo="acme/www", targets={"prod": Target(url="https://www.example.org/")})
    assert SETTINGS.site_url(site, "prod") == "https://www.example.org/"
    assert SETTINGS.site_url(site, "staging") == "https://d111.cloudfront.net/www/"
    assert SETTINGS.shared_site_url("www", "prod") == "https://d222.cloudfront.net/www/"
    assert site_from_dict(site.to_dict()) == site  # kept with the registration


@pytest.mark.parametrize(
    "url",
    [
        "www.example.org/",
        "ftp://www.example.org/",
        "https://www.example.org",  # the option adds the slash; the model takes it whole
        "https://user@www.example.org/",
        "https://www.example.org/?utm=1/",
        "https://www.example.org/#top/",
        "https://www.example.org/../",
        "https:///",
    ],
)
def test_a_url_that_is_not_where_a_site_is_served_is_refused(url: str) -> None:
    with pytest.raises(InputError, match="--prod-url must be the https URL"):
        Site("www", repo="acme/www", targets={"prod": Target(url=url)})


def test_the_option_sets_normalises_clears_and_shows_it() -> None:
    current = Site("www", repo="acme/www")
    changes = settings_from_args(parse("--prod-url", "https://www.example.org/blog"), current)
    assert changes == {"targets": {"prod": Target(url="https://www.example.org/blog/")}}
    served = Site("www", repo="acme/www", targets=changes["targets"])
    assert "prod: s3://(the pipeline's bucket)/www/, served at https://www.example.org/blog/" in describe(
        served
    )
    # With the pipeline's buckets known, the bucket is named (it said "(the pipeline's bucket)").
    shown = describe(served, {"staging": "presslift-site-staging", "prod": "presslift-site-prod"})
    assert "prod: s3://presslift-site-prod/www/, served at https://www.example.org/blog/" in shown
    assert "prod approval: a person decides, links open" in shown
    assert (
        "prod approval: none (auto-promote)\n"
        in describe(Site("www", repo="acme/www", approval=replace(served.approval, auto_promote=True))) + "\n"
    )
    assert settings_from_args(parse("--prod-url", ""), served) == {"targets": {}}
