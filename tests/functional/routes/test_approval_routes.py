"""The approval link (GET shows the run, POST decides), reached without an operator's signature: only
the emailed token opens it. Through app.py's routes and Chalice's test client, against moto."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from chalice.test import Client

from chalicelib.services import Services
from tests.functional.routes.replies import FORM, header, text
from tests.functional.test_approval_expiry import waiting
from tests.functional.test_clearance import queued

HOUR = timedelta(hours=1)


def decide(api: Client, run_id: str, **fields: str) -> tuple[int, str]:
    response = api.http.post(f"/approvals/{run_id}", headers=FORM, body=urlencode(fields))
    return response.status_code, text(response)


def test_the_emailed_link_shows_the_run_and_a_form_that_carries_its_token(
    api: Client, provisioned: Services
) -> None:
    run, token = waiting(provisioned, expires_in=HOUR)
    page = api.http.get(f"/approvals/{run.id}?token={token}")
    assert page.status_code == 200 and (header(page, "Content-Type") or "").startswith("text/html")
    body = text(page)
    assert run.id in body and f'value="{token}"' in body
    assert provisioned.settings.links.approval(run.id) in body
    assert provisioned.runs.get(run.id).status == "awaiting_approval"  # showing changes nothing


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("", 401, "this approval link has no token"),
        ("?token=forged", 401, "this approval token is not valid for this run"),
    ],
)
def test_a_link_without_its_token_is_refused(
    api: Client, provisioned: Services, query: str, status: int, words: str
) -> None:
    run, _ = waiting(provisioned, expires_in=HOUR)
    page = api.http.get(f"/approvals/{run.id}{query}")
    assert page.status_code == status
    assert "This approval link cannot be used" in text(page) and words in text(page)


def test_an_expired_link_is_refused_saying_when_it_expired(api: Client, provisioned: Services) -> None:
    run, token = waiting(provisioned, expires_in=-HOUR)
    page = api.http.get(f"/approvals/{run.id}?token={token}")
    assert page.status_code == 403 and "this approval expired at " in text(page)


def test_a_link_to_an_unknown_run_is_a_404_page(api: Client, provisioned: Services) -> None:
    page = api.http.get("/approvals/20990101-000000-nope?token=x")
    assert page.status_code == 404 and "20990101-000000-nope" in text(page)


def test_approving_with_the_token_queues_prod(api: Client, provisioned: Services) -> None:
    run, token = waiting(provisioned, expires_in=HOUR)
    status, body = decide(api, run.id, token=token, decision="approve")
    assert status == 200 and "Approved: run" in body and "deployed to prod" in body
    after = provisioned.runs.get(run.id)
    assert after.status == "running" and after.stage("approval").status == "succeeded"
    assert [message["run_id"] for message in queued(provisioned)] == [run.id]


def test_rejecting_with_the_token_ends_the_run(api: Client, provisioned: Services) -> None:
    run, token = waiting(provisioned, expires_in=HOUR)
    status, body = decide(api, run.id, token=token, decision="reject")
    assert status == 200 and f"Rejected: run {run.id} will not be deployed." in body
    assert provisioned.runs.get(run.id).status == "rejected"
    assert queued(provisioned) == []


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"decision": "approve"}, 401, "this approval link has no token"),
        ({"token": "forged", "decision": "approve"}, 401, "not valid for this run"),
        ({"decision": "maybe"}, 400, "decision must be one of"),  # a genuine link, a bad form
    ],
)
def test_a_decision_without_its_token_or_a_known_choice_changes_nothing(
    api: Client, provisioned: Services, fields: dict[str, str], status: int, words: str
) -> None:
    run, token = waiting(provisioned, expires_in=HOUR)
    if fields.get("decision") == "maybe":
        fields = {**fields, "token": token}
    answer, body = decide(api, run.id, **fields)
    assert answer == status and "This approval cannot be decided" in body and words in body
    assert provisioned.runs.get(run.id).status == "awaiting_approval"
    assert queued(provisioned) == []


def test_a_decision_form_that_is_not_utf8_is_refused_like_a_wrong_token(
    api: Client, provisioned: Services
) -> None:
    # The public link's form once answered bytes that are not UTF-8 with a 500.
    run, token = waiting(provisioned, expires_in=HOUR)
    body = b"decision=approve&token=" + token.encode() + b"\xff"
    response = api.http.post(f"/approvals/{run.id}", headers=FORM, body=body)
    assert response.status_code == 401 and "not valid for this run" in text(response)
    assert provisioned.runs.get(run.id).status == "awaiting_approval" and queued(provisioned) == []


def test_an_expired_approval_cannot_be_decided(api: Client, provisioned: Services) -> None:
    run, token = waiting(provisioned, expires_in=-HOUR)
    status, body = decide(api, run.id, token=token, decision="approve")
    assert status == 403 and "this approval expired at " in body
    assert queued(provisioned) == []


def test_a_second_decision_is_refused_naming_the_first(api: Client, provisioned: Services) -> None:
    run, token = waiting(provisioned, expires_in=HOUR)
    assert decide(api, run.id, token=token, decision="reject")[0] == 200
    status, body = decide(api, run.id, token=token, decision="approve")
    assert status == 409 and "rejected" in body
    assert provisioned.runs.get(run.id).status == "rejected" and queued(provisioned) == []


@pytest.mark.parametrize(
    "extra",
    [
        [("decision", "approve"), ("decision", "maybe")],
        [("decision", "reject"), ("decision", "approve")],
        [("decision", "approve"), ("decision", "")],  # an empty copy was dropped, and the rest decided
        [("decision", "approve"), ("x", "1"), ("x", "2")],
    ],
)
def test_a_field_given_twice_decides_nothing(
    api: Client, provisioned: Services, extra: list[tuple[str, str]]
) -> None:
    # `decision=approve&decision=maybe` approved the run: the first of them counted.
    run, token = waiting(provisioned, expires_in=HOUR)
    body = urlencode([("token", token), *extra])
    response = api.http.post(f"/approvals/{run.id}", headers=FORM, body=body)
    assert response.status_code == 400 and "more than once: nothing was decided" in text(response)
    assert provisioned.runs.get(run.id).status == "awaiting_approval" and queued(provisioned) == []
