"""`POST /webhooks/github`: from one GitHub delivery to queued runs, or a reason why nothing builds.

The order is what keeps it safe: the signature is checked before anything else happens (a forged
request changes nothing), a redelivery is recognised by its delivery id before any run is made, and
the site's own `presslift.toml` at the pushed commit decides what builds. Only enqueuing happens here,
so GitHub gets its answer in well under a second; fetching and building run from the queue.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from chalicelib import pipeline
from chalicelib.errors import PipelineError
from chalicelib.github import (
    GitHubUnavailable,
    PingEvent,
    PushEvent,
    api_base,
    fetch_site_config,
    receive_webhook,
    should_build,
)
from chalicelib.secrets import webhook_secret_name
from chalicelib.services import Services
from chalicelib.siteconfig import SiteConfig
from chalicelib.sites import Site

log = logging.getLogger(__name__)

DELIVERY_TTL_SECONDS = 7 * 24 * 3600


@dataclass
class WebhookReply:
    status: int
    body: dict[str, Any] = field(default_factory=dict)


def github_webhook(svc: Services, headers: dict[str, str], body: bytes) -> WebhookReply:
    """Handle one delivery; raises UnauthorizedError (401), InputError (400) or PayloadTooLarge (413)."""
    webhook = receive_webhook(headers, body, svc.secrets.get(webhook_secret_name()))
    event = webhook.payload
    if isinstance(event, PingEvent):
        return WebhookReply(200, {"ok": True, "zen": event.zen, "hook_id": event.hook_id})
    sites = svc.sites.find_by_repo(webhook.repository or "")
    if not sites:
        return WebhookReply(
            202, {"ignored": f"repository {webhook.repository} is not registered with Presslift"}
        )
    if not svc.sites.remember_delivery(webhook.delivery_id, DELIVERY_TTL_SECONDS):
        return WebhookReply(200, {"ignored": f"delivery {webhook.delivery_id} was already handled"})
    try:
        runs, reasons = [], []
        for site in sites:
            decision = should_build(event, _config_at_push(svc, site, event))
            if not decision.build:
                reasons.append(f"{site.name}: {decision.reason}")
                continue
            assert isinstance(event, PushEvent), "only pushes build"
            runs.append(pipeline.start_push(svc, site, event).id)
    except Exception:
        svc.sites.forget_delivery(webhook.delivery_id)  # GitHub's retry must not be dropped as a repeat
        raise
    if not runs:
        return WebhookReply(202, {"ignored": "; ".join(reasons)})
    return WebhookReply(
        202, {"run_id": runs[0], "runs": runs, "links": [svc.settings.run_url(run_id) for run_id in runs]}
    )


def _config_at_push(svc: Services, site: Site, event: Any) -> SiteConfig:
    """The site's presslift.toml at the pushed commit (its watch paths and branches decide)."""
    default = SiteConfig(branches=(site.branch,))
    if not isinstance(event, PushEvent) or event.deleted:
        return default
    try:
        return fetch_site_config(
            api_base(), event.repository, event.after, token=svc.github_token(), default_branch=site.branch
        )
    except (GitHubUnavailable, PipelineError) as exc:
        # Better to build once too often than to miss a push: the fetch stage reads the file again, and a
        # broken presslift.toml or a refused token then fails the run where its owner sees it (dashboard,
        # commit status) instead of in GitHub's delivery log.
        log.warning(
            "cannot use presslift.toml of %s at %s (%s); deciding with defaults", site.repo, event.after, exc
        )
        return default
