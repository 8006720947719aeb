"""`GET /sites/{site}/previews`: a site's previews as JSON, for operators only, through app.py's route
(Chalice's test client, and the local gateway for who may call it) against moto."""

from __future__ import annotations

import pytest
from chalice.test import Client

from chalicelib.services import Services
from chalicelib.sitemodel import Site
from presslift.localcloud.gateway import Gateway
from tests.functional.routes.replies import get_json, one_line_error, text
from tests.functional.routes.test_operator_access import call, gateway
from tests.unit.previews.conftest import branch_preview, preview
from tests.unit.test_iam_gateway import signed, unsigned

__all__ = ["gateway"]  # the fixture, for the tests below


@pytest.fixture
def quayside(provisioned: Services) -> Services:
    provisioned.sites.add(Site("quayside", repo="harbour/quayside"))
    provisioned.previews.save(preview(number=12, updated_at="2026-11-30T09:00:00.000Z"))
    # 11:00 UTC written with another offset: the listing sorts by the moment, not by the text
    failed = branch_preview(
        status="failed", reason="hugo: template error", updated_at="2026-11-30T12:00+01:00"
    )
    provisioned.previews.save(failed)
    provisioned.previews.save(preview(number=3, status="removed", updated_at="2026-11-30T11:30:00.000Z"))
    provisioned.previews.save(preview(site="other", number=12))
    return provisioned


def test_the_live_and_failed_previews_of_a_site_newest_first(api: Client, quayside: Services) -> None:
    status, body = get_json(api, "/sites/quayside/previews")
    assert status == 200 and body["site"] == "quayside"
    assert [p["path"] for p in body["previews"]] == ["branches/feature-x/", "previews/pr-12/"]
    assert body["previews"][1] == preview(number=12, updated_at="2026-11-30T09:00:00.000Z").to_dict()
    assert body["previews"][0]["reason"] == "hugo: template error"


@pytest.mark.parametrize("flag", ["1", "true", "yes"])
def test_all_includes_removed_previews(api: Client, quayside: Services, flag: str) -> None:
    status, body = get_json(api, f"/sites/quayside/previews?all={flag}")
    assert status == 200
    paths = [p["path"] for p in body["previews"]]
    assert paths == ["previews/pr-3/", "branches/feature-x/", "previews/pr-12/"]
    assert get_json(api, "/sites/quayside/previews?all=0")[1]["previews"][-1]["path"] == "previews/pr-12/"


def test_a_site_with_no_previews_answers_an_empty_list(api: Client, provisioned: Services) -> None:
    provisioned.sites.add(Site("quiet", repo="harbour/quiet"))
    assert get_json(api, "/sites/quiet/previews") == (200, {"site": "quiet", "previews": []})


def test_an_unknown_site_is_a_404_naming_it(api: Client, provisioned: Services) -> None:
    one_line_error(get_json(api, "/sites/nosuch/previews"), 404, "NotFoundError", "unknown site 'nosuch'")


def test_an_all_that_is_neither_yes_nor_no_is_a_400(api: Client, quayside: Services) -> None:
    reply = get_json(api, "/sites/quayside/previews?all=maybe")
    one_line_error(reply, 400, "InputError", "?all= must be 1 or 0")


def test_only_a_signed_operator_reaches_the_previews(gateway: Gateway, quayside: Services) -> None:
    assert call(gateway, unsigned("GET", "/api/sites/quayside/previews", b""))[::2] == (403, False)
    status, body, ran = call(gateway, signed("GET", "/api/sites/quayside/previews", b""))
    assert (status, ran) == (200, True) and b"previews/pr-12/" in body


def test_the_dashboard_lists_each_sites_previews_under_it(api: Client, quayside: Services) -> None:
    from tests.e2e.test_api_paths import Page
    from tests.functional.test_runs import make_run

    quayside.runs.create(make_run("quayside"))
    quayside.previews.save(
        preview(number=40, title="<script>alert(1)</script>", url="javascript:alert(1)", status="building")
    )
    reply = api.http.get("/")
    html = text(reply)
    assert reply.status_code == 200 and "<h3>Previews</h3>" in html
    links = Page(html).links
    assert "https://staging.example/quayside/previews/pr-12/" in links
    assert "https://staging.example/quayside/branches/feature-x/" in links
    assert "hugo: template error" in html and "#12 Fix a typo" in html
    assert "previews/pr-3/" not in html  # removed
    assert "javascript:" not in " ".join(links) and "<script>alert" not in html  # stored text is text
    assert "previews/pr-40/" in html
