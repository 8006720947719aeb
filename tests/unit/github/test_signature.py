"""Webhook signatures: GitHub's and go-scm's published vectors, over the exact bytes of the fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import ConfigError, InputError, UnauthorizedError
from chalicelib.github import PayloadTooLargeError, PushEvent, receive_webhook, signature, verify_signature

DOCS_SECRET = "It's a Secret to Everybody"
DOCS_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
GO_SCM_SIGNATURE = "sha256=e3bfe744d4e2e29ed990bde8acfb8255ca51ef65f99657767989fb6349f32957"
GO_SCM_SHA1 = "sha1=cf93f9ba3c8d3a789e61f91e1e5c6a360d036e98"
GO_SCM_WRONG = "sha256=3bfbbc3bfc44498db2254f577b2e4bed201ece6163518ba91cb2c21f0f59d512"


@pytest.fixture
def push_body(shared_fixtures: Path) -> bytes:
    return (shared_fixtures / "github-webhooks" / "push-branch-commit.drone.json").read_bytes()


def headers(sig: str | None, **extra: str) -> dict[str, str]:
    out = {"X-GitHub-Event": "push", "X-GitHub-Delivery": "ee8d97b4-1479-43f1-9cac-fbbd1b80da55", **extra}
    if sig is not None:
        out["X-Hub-Signature-256"] = sig
    return out


def test_docs_vector() -> None:
    assert signature(DOCS_SECRET, b"Hello, World!") == DOCS_SIGNATURE
    verify_signature(DOCS_SECRET, b"Hello, World!", DOCS_SIGNATURE)


def test_go_scm_vector_over_the_fixture_bytes(push_body: bytes) -> None:
    assert signature("topsecret", push_body) == GO_SCM_SIGNATURE
    webhook = receive_webhook(headers(GO_SCM_SIGNATURE), push_body, "topsecret")
    assert isinstance(webhook.payload, PushEvent)
    assert webhook.delivery_id == "ee8d97b4-1479-43f1-9cac-fbbd1b80da55"


@pytest.mark.parametrize(
    ("sig", "secret"),
    [
        (GO_SCM_WRONG, "topsecret"),
        (GO_SCM_SIGNATURE, "othersecret"),
        ("sha256=", "topsecret"),
        ("e3bfe744d4e2e29ed990bde8acfb8255ca51ef65f99657767989fb6349f32957", "topsecret"),  # no "sha256="
        ("sha1=cf93f9ba3c8d3a789e61f91e1e5c6a360d036e98", "topsecret"),
        ("sha256=é", "topsecret"),
    ],
)
def test_wrong_signatures_are_refused(push_body: bytes, sig: str, secret: str) -> None:
    with pytest.raises(UnauthorizedError, match="does not match"):
        receive_webhook(headers(sig), push_body, secret)


def test_a_changed_byte_breaks_the_signature(push_body: bytes) -> None:
    with pytest.raises(UnauthorizedError):
        receive_webhook(headers(GO_SCM_SIGNATURE), push_body.replace(b"master", b"mastex", 1), "topsecret")


def test_the_sha1_header_alone_is_not_enough(push_body: bytes) -> None:
    with pytest.raises(UnauthorizedError, match="only the SHA-1"):
        receive_webhook(headers(None, **{"X-Hub-Signature": GO_SCM_SHA1}), push_body, "topsecret")


def test_missing_signature_is_refused(push_body: bytes) -> None:
    with pytest.raises(UnauthorizedError, match="missing"):
        receive_webhook(headers(None), push_body, "topsecret")


def test_header_names_are_case_insensitive(push_body: bytes) -> None:
    lowered = {k.lower(): v for k, v in headers(GO_SCM_SIGNATURE).items()}
    assert receive_webhook(lowered, push_body, "topsecret").event == "push"


def test_the_signature_is_checked_before_the_body_is_read() -> None:
    with pytest.raises(UnauthorizedError):
        receive_webhook(headers(GO_SCM_WRONG), b"not json at all", "topsecret")


def test_an_empty_secret_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="empty"):
        receive_webhook(headers(signature("", b"{}")), b"{}", "")


def test_oversized_bodies_are_refused_before_anything_else() -> None:
    body = b"{}" * 600
    with pytest.raises(PayloadTooLargeError, match="limit is 1000") as raised:
        receive_webhook(headers(None), body, "topsecret", max_bytes=1000)
    assert raised.value.http_status == 413


@pytest.mark.parametrize("missing", ["X-GitHub-Event", "X-GitHub-Delivery"])
def test_signed_deliveries_still_need_githubs_headers(missing: str) -> None:
    body = b'{"zen": "hi"}'
    sent = headers(signature("s", body))
    del sent[missing]
    with pytest.raises(InputError, match=missing):
        receive_webhook(sent, body, "s")


def test_the_secret_never_appears_in_errors(push_body: bytes) -> None:
    secret = "very-secret-value-123"
    for sig in (None, GO_SCM_WRONG):
        with pytest.raises(UnauthorizedError) as raised:
            receive_webhook(headers(sig), push_body, secret)
        assert secret not in str(raised.value)
        assert signature(secret, push_body) not in str(raised.value)
