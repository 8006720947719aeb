"""`POST /sites/{site}/{target}/rollback`: JSON from scripts, a form from the dashboard (which acts
only with its CSRF token and once confirmed). Through app.py's route and Chalice's test client, against
moto; nothing is deployed: what the rollback queues is read off the deploy queue."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from chalice.test import Client

from chalicelib.services import Services
from chalicelib.web import CSRF_COOKIE, CSRF_FIELD, FormGuard
from tests.functional.routes.replies import FORM, one_line_error, text
from tests.functional.test_clearance import SITE, live_on_prod, queued

JSON = {"Content-Type": "application/json"}
BROWSER = FormGuard("the-browsers-csrf-secret")


def post_json(
    api: Client, site: str, target: str, fields: dict[str, object]
) -> tuple[int, dict[str, object]]:
    response = api.http.post(f"/sites/{site}/{target}/rollback", headers=JSON, body=json.dumps(fields))
    return response.status_code, json.loads(response.body)


def post_form(
    api: Client, provisioned: Services, fields: dict[str, str], *, token: bool = True
) -> tuple[int, str]:
    """The dashboard's form from a browser holding BROWSER's cookie (with its form token unless not)."""
    action = provisioned.settings.links.rollback(SITE, "prod")
    body = {**fields, **({CSRF_FIELD: BROWSER.token(action)} if token else {})}
    headers = {**FORM, "Cookie": f"{CSRF_COOKIE}={BROWSER.secret}"}
    response = api.http.post(f"/sites/{SITE}/prod/rollback", headers=headers, body=urlencode(body))
    return response.status_code, text(response)


def test_a_scripted_rollback_queues_a_run_restoring_the_earlier_artifact(
    api: Client, provisioned: Services
) -> None:
    earlier, _ = live_on_prod(provisioned), live_on_prod(provisioned)
    status, body = post_json(api, SITE, "prod", {})
    assert status == 202
    rollback = provisioned.runs.get(str(body["id"]))
    assert rollback.trigger.to_run == earlier.id and rollback.trigger.allow_deletes is False
    assert body["links"] == {"self": provisioned.settings.run_url(rollback.id)}
    assert [message["run_id"] for message in queued(provisioned)] == [rollback.id]


@pytest.mark.parametrize(
    ("site", "target", "fields", "status", "error", "words"),
    [
        ("nowhere", "prod", {}, 404, "NotFoundError", "unknown site 'nowhere'"),
        (SITE, "dev", {}, 400, "InputError", "cannot roll back stage 'dev'"),
        (SITE, "prod", {"run": "20990101-000000-nope"}, 404, "NotFoundError", "20990101-000000-nope"),
    ],
)
def test_a_rollback_of_an_unknown_site_target_or_run_is_refused_and_queues_nothing(
    api: Client,
    provisioned: Services,
    site: str,
    target: str,
    fields: dict[str, object],
    status: int,
    error: str,
    words: str,
) -> None:
    live_on_prod(provisioned)
    one_line_error(post_json(api, site, target, fields), status, error, words)
    assert queued(provisioned) == []


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"[1]", "must be a JSON object"),
        (b'"prod"', "must be a JSON object"),
        (b"5", "must be a JSON object"),
        (b'{"run": 5}', "must be a run id (a string), not int"),
        (b'{"run": ["a"]}', "must be a run id (a string), not list"),
        (b'{"allow_deletes": {"yes": 1}}', '"allow_deletes" must be true or false'),
        (
            b'{"allow_deletes": "yes"}',
            "\"allow_deletes\" must be true or false, not 'yes'",
        ),  # was false, quietly
    ],
)
def test_a_scripted_rollback_with_a_body_of_another_shape_is_a_400_saying_what_to_send(
    api: Client, provisioned: Services, body: bytes, words: str
) -> None:
    # These were 500s (the route called .get on whatever the JSON was).
    live_on_prod(provisioned), live_on_prod(provisioned)
    response = api.http.post(f"/sites/{SITE}/prod/rollback", headers=JSON, body=body)
    one_line_error((response.status_code, json.loads(response.body)), 400, "InputError", words)
    assert queued(provisioned) == []


def test_the_dashboards_form_without_its_token_is_refused_and_changes_nothing(
    api: Client, provisioned: Services
) -> None:
    live_on_prod(provisioned), live_on_prod(provisioned)
    status, page = post_form(api, provisioned, {"confirm": "yes"}, token=False)
    assert status == 403 and "Rollback refused" in page and "nothing was changed" in page
    assert queued(provisioned) == []


def test_the_dashboards_form_confirms_the_build_it_puts_back_then_queues_that_one(
    api: Client, provisioned: Services
) -> None:
    first, _ = live_on_prod(provisioned), live_on_prod(provisioned)
    status, page = post_form(api, provisioned, {})
    assert status == 200 and 'name="confirm" value="yes"' in page
    assert f'name="run" value="{first.id}"' in page and f"the build of {first.id} on prod" in page
    assert queued(provisioned) == []
    status, page = post_form(api, provisioned, {"confirm": "yes", "run": first.id})
    assert status == 202 and "Rollback queued" in page
    (message,) = queued(provisioned)
    assert provisioned.runs.get(message["run_id"]).trigger.type == "rollback"
    assert message["run_id"] in page


def test_a_confirmed_form_that_names_no_build_is_confirmed_again_and_changes_nothing(
    api: Client, provisioned: Services
) -> None:
    """A form sent again (a double click, "resend", a replay) put back the build before the one it
    had put back, each time: one confirmation moved prod to builds nobody confirmed."""
    first, _ = live_on_prod(provisioned), live_on_prod(provisioned)
    status, page = post_form(api, provisioned, {"confirm": "yes"})
    assert status == 200 and f'name="run" value="{first.id}"' in page
    assert queued(provisioned) == []
