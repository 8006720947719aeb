"""What the route tests read off a reply of app.py's routes, called through Chalice's test client (the
`api` fixture of tests/functional/conftest.py) against moto."""

from __future__ import annotations

import json
from typing import Any

from chalice.test import Client

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def header(response: Any, name: str) -> str | None:
    """A reply's header by name, whatever its case (None when absent)."""
    found = {key.lower(): value for key, value in response.headers.items()}
    return found.get(name.lower())


def get_json(api: Client, path: str) -> tuple[int, Any]:
    response = api.http.get(path)
    return response.status_code, json.loads(response.body)


def text(response: Any) -> str:
    return bytes(response.body).decode("utf-8")


def one_line_error(reply: tuple[int, Any], status: int, error: str, words: str) -> None:
    """The app's JSON error (`reply` as `get_json` returns it): its status, its kind, and a one-line
    message that says what and where."""
    answer, body = reply
    assert answer == status, body
    assert body["error"] == error
    assert words in body["message"] and "\n" not in body["message"]
