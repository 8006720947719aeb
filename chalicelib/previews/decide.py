"""Whether a delivery publishes, removes or refuses a preview, and why: pure functions.

A pull request previews when the site's operator allows it (`Site.previews`), the site is a Hugo site
and the pull request goes into one of the branches the site builds; a pull request from a fork only
when the operator allowed forks. A push previews when its branch matches the site's preview branch
globs and is not one the site builds for staging (that push builds staging instead); deleting such a
branch removes its preview. Never: read the network, the table or the clock here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from chalicelib.github.paths import matches_name
from chalicelib.github.pullrequest import BUILDS, REMOVES, PullRequestEvent
from chalicelib.github.webhook import PushEvent
from chalicelib.previews.naming import branch_path, pull_request_path
from chalicelib.sitemodel import Site

Action = Literal["build", "remove", "refuse", "ignore"]


@dataclass(frozen=True)
class PreviewDecision:
    """What to do (`action`) with the preview at `path` of the site, and why, in words."""

    action: Action
    reason: str
    path: str = ""


def for_pull_request(event: PullRequestEvent, site: Site) -> PreviewDecision:
    where = f"pull request #{event.number}"
    if site.kind != "hugo":
        return PreviewDecision("ignore", f"{where}: previews are for Hugo sites; {site.name} is {site.kind}")
    if not site.previews.pull_requests:
        return PreviewDecision("ignore", f"{where}: pull request previews are off for {site.name}")
    path = pull_request_path(event.number)
    # Closed, its preview goes whatever branch it goes into now: one opened into a previewed branch
    # and retargeted to another kept its preview public after it was closed.
    if event.action in REMOVES:
        how = "merged" if event.merged else "closed"
        return PreviewDecision("remove", f"{where} was {how}", path)
    into = f"{site.name} previews pull requests into " + ", ".join(site.allowed_branches)
    if not any(matches_name(pattern, event.base_ref) for pattern in site.allowed_branches):
        if event.base_changed:  # moved away from a previewed branch: its preview goes
            return PreviewDecision("remove", f"{where} now goes into {event.base_ref}; {into}", path)
        return PreviewDecision("ignore", f"{where} goes into {event.base_ref}; {into}")
    if event.action not in BUILDS and not event.base_changed:  # moved into one: previewed from now
        return PreviewDecision("ignore", f"{where} {event.action}: nothing a preview shows changed")
    if event.fork and not site.previews.forks:
        return PreviewDecision(
            "refuse",
            f"not built: {site.name} does not build pull requests from forks "
            f"({event.head_repository.strip('()')}); "
            f"its operator can allow them with presslift site update {site.name} --preview-forks allow",
            path,
        )
    return PreviewDecision("build", f"{where} {event.action} at {event.short_sha}", path)


def for_push(push: PushEvent, site: Site) -> PreviewDecision | None:
    """The branch preview a push publishes or removes; None when the push is no preview's business
    (not a branch matching the site's preview globs, or a branch the site builds for staging)."""
    branch = push.branch
    if branch is None or site.kind != "hugo" or not site.previews.branches:
        return None
    if any(matches_name(pattern, branch) for pattern in site.allowed_branches):
        return None
    if not any(matches_name(pattern, branch) for pattern in site.previews.branches):
        return None
    path = branch_path(branch)
    if push.deleted:
        return PreviewDecision("remove", f"branch {branch} was deleted", path)
    return PreviewDecision("build", f"push to branch {branch} at {push.short_sha}", path)
