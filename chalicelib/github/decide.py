"""Whether a webhook delivery should build a site, and why: one pure function.

`should_build` looks only at the parsed event, the branches and tags the site's operator registered
(`Site`) and the watch paths of its `SiteConfig`; whether the repository is registered, and whether
the delivery was seen before, are the caller's questions (they need the table). Every answer
carries a reason that a person can read in the webhook's response.
Never: read the network, the table or the clock here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.github.paths import matches_name
from chalicelib.github.pullrequest import PullRequestEvent
from chalicelib.github.webhook import Event, OtherEvent, PingEvent, PushEvent
from chalicelib.patterns import Patterns
from chalicelib.siteconfig import FILE_NAME, SiteConfig
from chalicelib.sitemodel import Site


@dataclass(frozen=True)
class BuildDecision:
    build: bool
    reason: str

    def __bool__(self) -> bool:
        return self.build


def should_build(event: Event, site: Site, config: SiteConfig | Callable[[], SiteConfig]) -> BuildDecision:
    """Whether `event` builds `site`, and why. `config` is the repository's presslift.toml at the push,
    or how to read it: it is read only for a push to a branch or tag the site builds, whose watch paths
    then decide (reading it means asking GitHub, which a push that cannot build must not wait for)."""
    if isinstance(event, PingEvent):
        return BuildDecision(False, "ping: the webhook works; nothing to build")
    if isinstance(event, OtherEvent):
        action = f" ({event.action})" if event.action else ""
        return BuildDecision(False, f"{event.event}{action} events do not build; only push does")
    if isinstance(event, PullRequestEvent):
        return BuildDecision(False, f"pull request #{event.number} builds a preview, not staging")
    return _push(event, site, config)


def _push(push: PushEvent, site: Site, config: SiteConfig | Callable[[], SiteConfig]) -> BuildDecision:
    if push.deleted:
        return BuildDecision(False, f"{push.ref} was deleted; there is nothing to build")
    if push.tag is not None:
        if not any(matches_name(p, push.tag) for p in site.tags):
            return BuildDecision(
                False, f"tag {push.tag} is not built (an operator sets tags with presslift site update)"
            )
        where = f"tag {push.tag}"
    elif push.branch is not None:
        if not any(matches_name(p, push.branch) for p in site.allowed_branches):
            configured = ", ".join(site.allowed_branches)
            return BuildDecision(False, f"branch {push.branch} is not configured (branches: {configured})")
        where = f"branch {push.branch}"
    else:
        return BuildDecision(False, f"{push.ref} is neither a branch nor a tag")
    at = f"{where} at {push.short_sha}"
    if not isinstance(config, SiteConfig):
        config = config()
    if not config.watch_paths:
        return BuildDecision(True, f"push to {at}")
    if not push.paths_complete:
        return BuildDecision(True, f"push to {at}; building everything because {push.paths_incomplete}")
    # The config itself (at the root only) shapes the build, so a change to it always counts.
    watched = Patterns.compile((*config.watch_paths, "/" + FILE_NAME)).matching(push.changed_paths)
    if not watched:
        shown = ", ".join(config.watch_paths)
        return BuildDecision(False, f"push to {at} touches no watched path ({shown})")
    more = f" and {len(watched) - 3} more" if len(watched) > 3 else ""
    return BuildDecision(True, f"push to {at} touches {', '.join(watched[:3])}{more}")
