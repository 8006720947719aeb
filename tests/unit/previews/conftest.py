"""Preview records and removals against moto (in-process `mock_aws`), with the pipeline's real table
and buckets as the local cloud provisions them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from moto import mock_aws

from chalicelib.config import Settings
from chalicelib.previews.registry import Preview
from chalicelib.services import Services, aws_session

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def svc() -> Iterator[Services]:
    from presslift.localcloud.provision import provision

    with mock_aws():
        session = aws_session(region_name="us-east-1")
        clients = {name: session.client(name) for name in ("s3", "sqs", "sns", "dynamodb", "cloudfront")}
        settings = Settings.from_env({})
        provision(settings, clients)
        yield Services(settings, clock=lambda: NOW)


def preview(site: str = "quayside", number: int = 12, **changes: Any) -> Preview:
    """A live pull-request preview; `changes` replace any field."""
    fields: dict[str, Any] = {
        "site": site,
        "path": f"previews/pr-{number}/",
        "kind": "pull_request",
        "repository": "harbour/quayside",
        "head_sha": "0123456789abcdef0123456789abcdef01234567",
        "url": f"https://staging.example/{site}/previews/pr-{number}/",
        "status": "live",
        "updated_at": "2026-11-30T10:00:00Z",
        "number": number,
        "branch": "fix-typo",
        "title": "Fix a typo",
        "author": "mira",
    }
    return Preview(**{**fields, **changes})


def branch_preview(slug: str = "feature-x", branch: str = "feature-x", **changes: Any) -> Preview:
    """A branch preview at `branches/<slug>/`; `changes` replace any field."""
    site = changes.pop("site", "quayside")
    path = f"branches/{slug}/"
    fields = {"url": f"https://staging.example/{site}/{path}", **changes}
    return preview(site=site, kind="branch", path=path, number=None, branch=branch, **fields)
