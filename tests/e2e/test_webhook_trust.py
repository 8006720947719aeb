"""Webhooks as an attacker would send them, through the local cloud: each site has its own secret, so
forged, cross-site (signed with another site's secret), replayed-with-a-new-delivery-id and stale pushes
build nothing; rotating a secret retires the old one; the operator's `presslift site` commands refuse
two sites on one target or code app."""

from __future__ import annotations

import json
import re

import pytest

from chalicelib.errors import ConflictError
from chalicelib.sitemodel import Site, Target
from chalicelib.sites import rotate_webhook_secret
from presslift.cli import main
from tests.e2e.conftest import (
    assert_a_replayed_push_builds_nothing,
    assert_a_stale_push_builds_nothing,
    local_github,
    register,
    send_webhook,
    signed_push,
)

pytestmark = pytest.mark.e2e

ALPHA, BETA = "acme/alpha", "acme/beta"
SECRETS: dict[str, str] = {}


def files(title: str) -> dict[str, bytes]:
    return {
        "hugo.toml": b'title = "Trust"\n',
        "content/_index.md": f"---\ntitle: {title}\n---\n{title}\n".encode(),
    }


@pytest.fixture(scope="module")
def github(cloud):
    with local_github(ALPHA, BETA) as server:
        SECRETS["alpha"] = register(cloud, Site("alpha", repo=ALPHA))
        SECRETS["beta"] = register(cloud, Site("beta", repo=BETA))
        yield server


def signed(github, repo: str, title: str, secret: str, *, pushed_at: int | None = None):
    return signed_push(github, repo, files(title), secret, pushed_at=pushed_at, before=files("Before"))


def test_a_push_signed_with_a_made_up_secret_builds_nothing(cloud, api, github):
    _, body, headers = signed(github, ALPHA, "Forged", "not-the-secret")
    assert send_webhook(api, body, headers)[0] == 401
    assert api.runs("alpha") == []


def test_a_push_signed_with_another_sites_secret_is_refused(cloud, api, github):
    """Whoever administers beta's webhook cannot sign pushes for alpha."""
    _, body, headers = signed(github, ALPHA, "Cross Site", SECRETS["beta"])
    status, answer = send_webhook(api, body, headers)
    assert status == 401 and "matches no secret" in json.dumps(answer)
    assert api.runs("alpha") == [] and api.runs("beta") == []


def test_a_replayed_body_with_a_new_delivery_id_neither_builds_nor_supersedes(cloud, api, github):
    assert_a_replayed_push_builds_nothing(api, github, BETA, "beta", SECRETS["beta"], files)


def test_a_push_that_is_no_longer_the_branch_head_builds_nothing_and_says_why(cloud, api, github):
    assert_a_stale_push_builds_nothing(api, github, ALPHA, SECRETS["alpha"], files)


def test_rotating_a_secret_retires_the_old_one(cloud, api, github):
    old = SECRETS["alpha"]
    new = rotate_webhook_secret(cloud.services, "alpha")
    assert new != old and re.fullmatch(r"[0-9a-f]{64}", new)
    _, body, headers = signed(github, ALPHA, "Old Secret", old)
    assert send_webhook(api, body, headers)[0] == 401
    _, body, headers = signed(github, ALPHA, "New Secret", new)
    status, answer = send_webhook(api, body, headers)
    assert status == 202 and answer["run_id"], answer
    SECRETS["alpha"] = new


def test_sites_sharing_a_prefix_or_a_code_app_are_refused(cloud, github):
    register(
        cloud, Site("shop", repo="acme/shop", targets={"prod": Target(bucket="acme-web", prefix="shop")})
    )
    with pytest.raises(ConflictError, match="overlaps site shop's prod target s3://acme-web/shop/"):
        register(
            cloud,
            Site("sale", repo="acme/sale", targets={"prod": Target(bucket="acme-web", prefix="shop/sale")}),
        )
    register(cloud, Site("jobs", repo="acme/jobs", kind="code", code_app="jobs"))
    with pytest.raises(ConflictError, match="code app 'jobs' is already site jobs's"):
        register(cloud, Site("cron", repo="acme/cron", kind="code", code_app="jobs"))
    assert {"sale", "cron"}.isdisjoint(site.name for site in cloud.services.sites.list())


def test_the_cli_adds_updates_and_refuses_as_an_operator(cloud, github, monkeypatch, capsys):
    monkeypatch.setenv("PRESSLIFT_AWS_PORT", str(cloud.options.aws_port))
    monkeypatch.setenv("PRESSLIFT_API_PORT", str(cloud.options.api_port))
    assert main(["site", "add", "brochure", "--repo", "acme/brochure", "--prod-bucket", "acme-brochure",
                 "--own-bucket"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert re.search(r"^\s+[0-9a-f]{64}$", out, re.M), out  # the secret, shown once
    assert main(["site", "update", "brochure", "--no-prod-approval", "--approval-ttl-hours", "8"]) == 0
    site = cloud.services.sites.get("brochure")
    assert not site.approval.prod_needs_approval and site.approval.ttl_hours == 8
    assert site.target("prod") == Target(bucket="acme-brochure", own_bucket=True)
    # renamed on GitHub: the new name is the operator's to register (a delivery from it answers 409)
    assert main(["site", "update", "brochure", "--repo", "acme-labs/brochure"]) == 0
    assert cloud.services.sites.get("brochure").repo == "acme-labs/brochure"
    assert cloud.services.sites.find_by_repo("ACME-LABS/brochure")[0].name == "brochure"
    # which private repositories the token may read for its submodules is the operator's call
    assert main(["site", "update", "brochure", "--private-sources", "acme/theme,acme-labs/*"]) == 0
    assert cloud.services.sites.get("brochure").private_sources == ("acme/theme", "acme-labs/*")
    assert main(["site", "update", "brochure", "--private-sources", "acme/../x"]) == 2
    assert "--private-sources takes OWNER/REPO or OWNER/*" in capsys.readouterr().err
    assert main(["site", "add", "leaflet", "--repo", "acme/leaflet", "--prod-bucket", "acme-brochure",
                 "--prod-prefix", "leaflet"]) == 2  # fmt: skip
    assert "site brochure owns it (--own-bucket)" in capsys.readouterr().err
    assert main(["site", "add", "flyer", "--repo", "acme/flyer", "--prod-bucket", "acme-flyer",
                 "--prod-prefix", ""]) == 2  # fmt: skip
    assert "pass --own-bucket" in capsys.readouterr().err
