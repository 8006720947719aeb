"""The dashboard's CSRF guard: a double-submit HMAC bound to the form's action, then a confirm step."""

from __future__ import annotations

import pytest

from chalicelib import web
from chalicelib.config import ApiLinks

LINKS = ApiLinks("https://abc123.execute-api.us-east-1.amazonaws.com/api")
ACTION = LINKS.rollback("www", "prod")


def browser() -> tuple[web.FormGuard, dict[str, str]]:
    guard = web.FormGuard.from_headers({})
    cookie = guard.cookie()
    assert guard.new and cookie is not None
    return guard, {"Cookie": cookie.split(";", 1)[0]}


def test_a_new_browser_gets_a_random_httponly_strict_cookie() -> None:
    first, second = web.FormGuard.from_headers({}), web.FormGuard.from_headers({})
    assert first.secret != second.secret and len(first.secret) >= 32
    assert "HttpOnly" in (first.cookie() or "") and "SameSite=Strict" in (first.cookie() or "")


def test_a_browser_with_the_cookie_keeps_it() -> None:
    guard, headers = browser()
    again = web.FormGuard.from_headers({"cookie": f"other=1; {headers['Cookie']}"})
    assert again.secret == guard.secret and again.cookie() is None


def test_the_token_is_valid_only_for_its_action_and_its_browser() -> None:
    guard, headers = browser()
    token = guard.token(ACTION)
    assert web.csrf_valid(headers, ACTION, token)
    assert not web.csrf_valid(headers, LINKS.rollback("www", "staging"), token)
    assert not web.csrf_valid({"Cookie": "presslift_csrf=someone-else"}, ACTION, token)
    assert not web.csrf_valid({}, ACTION, token)
    assert not web.csrf_valid(headers, ACTION, None)


@pytest.mark.parametrize(
    ("fields", "status", "text"),
    [
        ({}, 403, "Rollback refused"),
        ({"csrf": "nope", "confirm": "yes"}, 403, "Rollback refused"),
        ({"csrf": "TOKEN"}, 200, "Nothing has changed yet"),
    ],
)
def test_the_rollback_guard_refuses_or_asks_for_confirmation(
    fields: dict[str, str], status: int, text: str
) -> None:
    guard, headers = browser()
    fields = {k: guard.token(ACTION) if v == "TOKEN" else v for k, v in fields.items()}
    reply = web.rollback_guard(headers, fields, site="www", stage="prod", links=LINKS)
    assert reply is not None and reply.status_code == status and text in reply.body
    assert "<script" not in reply.body


def test_a_confirmed_form_with_its_token_goes_ahead() -> None:
    guard, headers = browser()
    fields = {"csrf": guard.token(ACTION), "confirm": "yes"}
    assert web.rollback_guard(headers, fields, site="www", stage="prod", links=LINKS) is None
