"""`POST /webhooks/github`: from one GitHub delivery to queued runs, or a reason why nothing builds.

The order is what keeps it safe. Every site has its own webhook secret: the delivery's claimed
repository only says whose secrets to try, and a delivery is for exactly the registered sites whose
secret signed it; if none did (forged, unsigned, signed with another site's secret, or from a
repository nobody registered) the answer is 401 and nothing changes. Then a redelivery is recognised
by its delivery id, a replayed or stale push by the head the site last accepted (`accept_push`), and
the operator's branches and the repository's watch paths at the pushed commit decide what builds.
Only enqueuing happens here, so GitHub gets its answer in well under a second; fetching and building
run from the queue (where the fetch checks once more that the commit is still the branch's head).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from chalicelib import pipeline
from chalicelib.errors import ConflictError, PipelineError, UnauthorizedError
from chalicelib.github import (
    GitHubUnavailable,
    PingEvent,
    PushEvent,
    Webhook,
    api_base,
    claimed_repository,
    fetch_site_config,
    receive_webhook,
    should_build,
)
from chalicelib.github.pullrequest import PullRequestEvent
from chalicelib.previews import decide as preview_decide
from chalicelib.previews.decide import PreviewDecision
from chalicelib.secrets import SecretNotFound, webhook_secret_name
from chalicelib.services import Services
from chalicelib.siteconfig import SiteConfig
from chalicelib.sitemodel import Site

log = logging.getLogger(__name__)

DELIVERY_TTL_SECONDS = 7 * 24 * 3600


@dataclass
class WebhookReply:
    status: int
    body: dict[str, Any] = field(default_factory=dict)


def github_webhook(svc: Services, headers: dict[str, str], body: bytes) -> WebhookReply:
    """Handle one delivery; raises UnauthorizedError (401), InputError (400) or PayloadTooLarge (413)."""
    webhook, sites = verify(svc, headers, body)
    event = webhook.payload
    if isinstance(event, PingEvent):
        return WebhookReply(200, {"ok": True, "zen": event.zen, "hook_id": event.hook_id})
    if not svc.sites.remember_delivery(webhook.delivery_id, DELIVERY_TTL_SECONDS):
        return WebhookReply(200, {"ignored": f"delivery {webhook.delivery_id} was already handled"})
    try:
        runs: list[str] = []
        reasons: list[str] = []
        done: dict[str, list[str]] = {}  # what was done instead of a run: "removing", "refused"
        for site in sites:
            preview = _preview_decision(event, site)
            if preview is not None and isinstance(event, PullRequestEvent | PushEvent):
                started, reason = _preview(svc, site, event, preview, webhook.delivery_id)
                if started:
                    runs.append(started)
                elif preview.action in ANSWERS and not reason.endswith(NO_PREVIEW):
                    done.setdefault(ANSWERS[preview.action], []).append(reason)
                else:
                    reasons.append(reason)
                continue
            decision = should_build(event, site, partial(_config_at_push, svc, site, event))
            if not decision.build:
                reasons.append(f"{site.name}: {decision.reason}")
                continue
            assert isinstance(event, PushEvent), "only pushes build"
            stale = svc.sites.accept_push(site.name, event.ref, event.after, event.pushed_at)
            if stale:
                reasons.append(f"{site.name}: {stale}")
                continue
            try:
                runs.append(pipeline.start_push(svc, site, event).id)
            except Exception:
                svc.sites.forget_push(site.name, event.ref, event.after)
                raise
    except Exception:
        svc.sites.forget_delivery(webhook.delivery_id)  # GitHub's retry must not be dropped as a repeat
        raise
    if not runs:
        answer = {key: "; ".join(said) for key, said in done.items()}
        return WebhookReply(
            202, {**answer, **({"ignored": "; ".join(reasons)} if reasons or not answer else {})}
        )
    return WebhookReply(
        202, {"run_id": runs[0], "runs": runs, "links": [svc.settings.run_url(run_id) for run_id in runs]}
    )


def _preview_decision(event: Any, site: Site) -> PreviewDecision | None:
    """What a delivery means for the site's previews; None when it is no preview's business."""
    if isinstance(event, PullRequestEvent):
        return preview_decide.for_pull_request(event, site)
    if isinstance(event, PushEvent):
        return preview_decide.for_push(event, site)
    return None


def _preview(
    svc: Services, site: Site, event: PullRequestEvent | PushEvent, decision: PreviewDecision, delivery: str
) -> tuple[str | None, str]:
    """Start, remove or refuse the preview: the run it started (or None), and what happened, in words."""
    if decision.action == "build":
        if isinstance(event, PushEvent):
            stale = svc.sites.accept_push(site.name, event.ref, event.after, event.pushed_at)
            if stale:
                return None, f"{site.name}: {stale}"
        run = pipeline.start_preview(svc, site, event, decision)
        return run.id, f"{site.name}: {decision.reason}"
    if decision.action == "remove":
        if svc.previews.get(site.name, decision.path) is None:  # closed where none was previewed
            return None, f"{site.name}: {decision.reason}{NO_PREVIEW}"
        pipeline.request_preview_removal(svc, site, decision, delivery)
        return None, f"{site.name}: {decision.reason}; removing the preview {decision.path}"
    if decision.action == "refuse" and isinstance(event, PullRequestEvent):
        pipeline.refuse_preview(svc, site, event, decision)
    return None, f"{site.name}: {decision.reason}"


#: The answer's key for a delivery that started no run but did something (GitHub's delivery log shows
#: it): a preview's removal queued, a fork's pull request refused with an error status.
ANSWERS = {"remove": "removing", "refuse": "refused"}
NO_PREVIEW = "; it has no preview"
#: How often a webhook secret that refused a delivery is read again, at most.
REREAD_SECONDS = 5.0


def verify(svc: Services, headers: dict[str, str], body: bytes) -> tuple[Webhook, list[Site]]:
    """The delivery, checked, and the sites whose own secret signed it; UnauthorizedError if none did.

    The answer is the same for a repository nobody registered as for a bad signature, so the webhook
    tells an anonymous caller nothing about which repositories are registered.
    """
    claimed = claimed_repository(headers, body)
    candidates = svc.sites.find_by_repo(claimed.repository) if claimed.repository else []
    known, known_by_id = {site.name for site in candidates}, set()
    if claimed.repository_id is not None:
        # A renamed or transferred repository keeps its id and its webhook: its deliveries, signed
        # with the site's own secret, are recognised and refused with what to do (409), where they
        # were refused as a bad signature and the operator looked at secrets.
        by_id = svc.sites.find_by_repo_id(claimed.repository_id)
        known_by_id = {site.name for site in by_id}
        candidates += [site for site in by_id if site.name not in known]
    verified: list[tuple[Webhook, Site]] = []
    for site in candidates:
        try:
            secret = svc.secrets.get(webhook_secret_name(site.name))
        except SecretNotFound:
            log.warning(
                "site %s has no webhook secret; run presslift site rotate-secret %s", site.name, site.name
            )
            continue
        try:
            verified.append((receive_webhook(headers, body, secret), site))
        except UnauthorizedError:
            # Signed with a secret rotated since this instance read it: read again (at most every
            # REREAD_SECONDS), or a new secret was refused for up to the cache's five minutes.
            fresh = svc.secrets.reread(webhook_secret_name(site.name), older_than=REREAD_SECONDS)
            try:
                if fresh is not None:
                    verified.append((receive_webhook(headers, body, fresh), site))
            except UnauthorizedError:
                continue  # another site of the same repository may have signed it
    if not verified and claimed.repository is None:  # says nothing of which repositories are registered
        raise UnauthorizedError(
            "the delivery names no repository (repository.full_name), so no site's secret can check it: "
            "Presslift takes a repository's webhook (not an organisation's or an app's), with a JSON body"
        )
    if not verified:
        raise UnauthorizedError(
            "the X-Hub-Signature-256 signature matches no secret of a site registered for this repository"
        )
    # Only the registered repository builds a site. Its id is the signer's word, as is its name: built
    # "from the new name" of a rename, one site's secret published any repository the pipeline's token
    # can read. A rename is the operator's to register (`presslift site update NAME --repo NEW`).
    named = [(webhook, site) for webhook, site in verified if site.name in known]
    if not named:
        moved = verified[0][1]
        raise ConflictError(
            f"site {moved.name} is registered for {moved.repo}, but this delivery, signed with its secret, "
            f"comes from {claimed.repository}; if the repository was renamed or transferred, register its "
            f"new name: presslift site update {moved.name} --repo {claimed.repository}"
        )
    if claimed.repository_id is not None:
        for _, site in named:
            if site.name not in known_by_id:
                svc.sites.remember_repo_id(site.name, claimed.repository_id)
    return named[0][0], [site for _, site in named]


def _config_at_push(svc: Services, site: Site, event: Any) -> SiteConfig:
    """The site's presslift.toml at the pushed commit (its watch paths decide)."""
    default = SiteConfig()
    if not isinstance(event, PushEvent) or event.deleted:
        return default
    try:
        return fetch_site_config(api_base(), event.repository, event.after, token=svc.github_token())
    except (GitHubUnavailable, PipelineError) as exc:
        # Better to build once too often than to miss a push: the fetch stage reads the file again, and a
        # broken presslift.toml or a refused token then fails the run where its owner sees it (dashboard,
        # commit status) instead of in GitHub's delivery log.
        log.warning(
            "cannot use presslift.toml of %s at %s (%s); deciding with defaults", site.repo, event.after, exc
        )
        return default
