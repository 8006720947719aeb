"""Signed GitHub deliveries of every shape a sender could get wrong are answered, never a 500.

Each case takes one of the shared webhook bodies (push, pull request, ping, tag and branch pushes),
points it at the registered repository, replaces a few of its fields anywhere in the document with a
value of another type (null, a number, a list, an object, a huge or odd string) or drops them, signs
it with the site's secret and posts it through the app's own route. A 5xx tells GitHub to retry the
same delivery forever and tells the operator nothing; every answer must be 2xx or 4xx. The seeds are
fixed, so a failure reproduces: this is how a commit's `added` given as a number and a ping's
`hook.events` given as a number were found (on the code before that fix, 3 of the 12 cases fail).
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import random
import uuid
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.sites import SiteStore
from tests.functional.github.test_flow import REPO, SECRET, route, sites  # noqa: F401 (fixtures)

VALUES: list[Any] = [None, 0, -1, 1e308, True, "", "x" * 100_000, [], {}, [1, 2], {"a": None}, "../../x"]
VALUES += ["\u0000", "0" * 40, "g" * 40, "refs/heads/main", "refs/tags/v1", "2024-13-45T99:99:99Z", 2**64]


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def bend(payload: dict[str, Any], rng: random.Random) -> None:
    path = rng.choice(_paths(payload)[1:])
    parent = payload
    for key in path[:-1]:
        parent = parent[key]
    if rng.random() < 0.2 and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(rng.choice(VALUES))


@pytest.mark.parametrize("seed", range(12))
def test_a_signed_delivery_of_any_shape_gets_an_answer_not_a_500(
    route: Client,  # noqa: F811
    sites: SiteStore,  # noqa: F811
    shared_fixtures: Path,
    seed: int,
) -> None:
    folder = shared_fixtures / "github-webhooks"
    index = json.loads((folder / "index.json").read_text())["files"]
    rng = random.Random(seed)
    failures = []
    for _ in range(60):
        entry = rng.choice(index)
        payload = json.loads((folder / entry["file"]).read_text())
        if isinstance(payload.get("repository"), dict):
            payload["repository"]["full_name"] = REPO
        for _ in range(rng.randrange(1, 4)):
            bend(payload, rng)
        body = json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            "X-GitHub-Event": entry["event"],
            "X-GitHub-Delivery": str(uuid.UUID(int=rng.getrandbits(128))),
            "X-Hub-Signature-256": "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest(),
            "User-Agent": "GitHub-Hookshot/test",
        }
        response = route.http.post("/webhooks/github", headers=headers, body=body)
        if response.status_code >= 500:
            failures.append((entry["file"], json.dumps(payload)[:300]))
    assert failures == []


@pytest.mark.parametrize("signature", ["sha256=" + "0" * 64, None])
def test_json_nested_past_the_parsers_depth_is_refused_not_a_500(
    route: Client,  # noqa: F811
    sites: SiteStore,  # noqa: F811
    signature: str | None,
) -> None:
    """The body is read for its repository before the signature is checked (to find whose secret it
    is): 200 KB of nested arrays from anyone was a RecursionError and a 500, which GitHub retries."""
    body = b"[" * 100_000 + b"]" * 100_000
    for other in (b'{"zen": ' + b"9" * 5000 + b"}",):  # past Python's 4,300 digits: a ValueError, a 500
        answer = route.http.post(
            "/webhooks/github",
            headers={
                "Content-Type": "application/json",
                "X-GitHub-Event": "push",
                "X-Hub-Signature-256": "sha256=0",
            },
            body=other,
        )
        assert answer.status_code == 401, answer.body
    if signature is None:  # signed with the site's secret: the same answer
        signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": "push",
        "X-GitHub-Delivery": str(uuid.uuid4()),
        "X-Hub-Signature-256": signature,
    }
    response = route.http.post("/webhooks/github", headers=headers, body=body)
    assert response.status_code == 401, response.body  # whose secret to check it with is unknown
    assert b"names no repository" in response.body
