"""GitHub as a source of sites: verified webhooks, build decisions, repository tarballs, statuses.

The route calls `receive_webhook`, `fetch_site_config` (presslift.toml at the pushed commit) and
`should_build`; the fetch stage calls `download_tarball`; the
build posts progress with `post_status`. Each lives in its own module; this one only re-exports them.
Nothing in this package talks to AWS.
"""

from chalicelib.github.api import API_ENV, DEFAULT_API, GitHubUnavailable, api_base
from chalicelib.github.contents import fetch_site_config
from chalicelib.github.decide import BuildDecision, should_build
from chalicelib.github.heads import branch_head
from chalicelib.github.statuses import STATES, post_status
from chalicelib.github.tarball import (
    MAX_SOURCE_BYTES,
    MAX_SOURCE_FILES,
    Source,
    download_tarball,
    extract_tarball,
)
from chalicelib.github.webhook import (
    MAX_WEBHOOK_BYTES,
    Event,
    OtherEvent,
    PayloadTooLargeError,
    PingEvent,
    PushEvent,
    Webhook,
    claimed_repository,
    decode_payload,
    parse_event,
    receive_webhook,
    signature,
    verify_signature,
)

__all__ = [
    "API_ENV",
    "DEFAULT_API",
    "MAX_SOURCE_BYTES",
    "MAX_SOURCE_FILES",
    "MAX_WEBHOOK_BYTES",
    "STATES",
    "BuildDecision",
    "Event",
    "GitHubUnavailable",
    "OtherEvent",
    "PayloadTooLargeError",
    "PingEvent",
    "PushEvent",
    "Source",
    "Webhook",
    "api_base",
    "branch_head",
    "claimed_repository",
    "decode_payload",
    "download_tarball",
    "extract_tarball",
    "fetch_site_config",
    "parse_event",
    "post_status",
    "receive_webhook",
    "should_build",
    "signature",
    "verify_signature",
]
