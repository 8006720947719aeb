"""Every URL pages and emails emit comes from the API's base URL, which carries API Gateway's stage."""

from __future__ import annotations

import pytest

from chalicelib.config import ApiLinks, Settings
from chalicelib.web import request_base_url

AWS = "https://abc123.execute-api.us-east-1.amazonaws.com/api"


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (lambda links: links.dashboard(), f"{AWS}/"),
        (lambda links: links.runs(), f"{AWS}/runs"),
        (lambda links: links.run("20261130-1"), f"{AWS}/runs/20261130-1"),
        (lambda links: links.log("r1", "build.log"), f"{AWS}/runs/r1/logs/build.log"),
        (lambda links: links.rollback("www", "prod"), f"{AWS}/sites/www/prod/rollback"),
        (lambda links: links.approval("r1"), f"{AWS}/approvals/r1"),
        (lambda links: links.approval("r1", "t-0_k"), f"{AWS}/approvals/r1?token=t-0_k"),
        (lambda links: links.webhook(), f"{AWS}/webhooks/github"),
        (lambda links: links.log("r1", "a b/../c"), f"{AWS}/runs/r1/logs/a%20b%2F..%2Fc"),
    ],
)
def test_links_live_under_the_stage(link, expected) -> None:
    assert link(ApiLinks(AWS)) == expected
    assert link(ApiLinks(AWS + "/")) == expected


def test_settings_build_approval_and_run_urls_from_the_api_url() -> None:
    settings = Settings.from_env({"PRESSLIFT_API_URL": AWS + "/"})
    assert settings.approval_url("r1", "tok") == f"{AWS}/approvals/r1?token=tok"
    assert settings.run_url("r1") == f"{AWS}/runs/r1"


def test_the_local_default_api_url_has_the_stage() -> None:
    assert Settings.from_env({}).links.runs() == "http://127.0.0.1:8000/api/runs"


@pytest.mark.parametrize(
    ("context", "headers", "expected"),
    [
        ({"domainName": "abc123.execute-api.us-east-1.amazonaws.com", "stage": "api"}, {}, AWS),
        (
            {"domainName": "127.0.0.1:8000", "stage": "api"},
            {"x-forwarded-proto": "http"},
            "http://127.0.0.1:8000/api",
        ),
        ({"domainName": "d", "stage": "api"}, {"x-forwarded-proto": "https, http"}, "https://d/api"),
        ({"stage": "api"}, {}, None),
        ({}, {}, None),
    ],
)
def test_the_api_url_from_the_request(context, headers, expected) -> None:
    assert request_base_url(context, headers) == expected
