"""The scheduled sweep's part for previews: which previews have had no push for their site's
`previews.idle_days` (`idle_previews`). The sweep queues each one's removal for the deploy function
(`pipeline.sweep`), which removes it as it removes a closed pull request's: in the site's FIFO group,
after any publish of that preview still queued, and only if it is still idle then (a push since
keeps it). So the sweep's own role may delete nothing from a site's bucket.

Only previews that stand still are swept: live, failed and not built. A building one has just been
pushed (its run will record it), and a removed one is gone already. The idle time counts from the
record's `updated_at`, the last push or change.

At most `REMOVALS_PER_SWEEP` removals are queued per sweep; the rest are queued 15 minutes later.
A preview whose site is no longer registered is logged and left.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.errors import NotFoundError
from chalicelib.previews.registry import Preview
from chalicelib.runview import parse_time
from chalicelib.services import Services
from chalicelib.sitemodel import Site

log = logging.getLogger(__name__)

#: The statuses of a preview nobody is pushing to: these expire.
IDLE_STATUSES = frozenset({"live", "failed", "not built"})
#: Removals queued per sweep: each is one message (the deploy function does the removing).
REMOVALS_PER_SWEEP = 100


@dataclass(frozen=True)
class Idle:
    """A preview idle past its site's time: whose, where, and for how long it may stand still."""

    site: str
    path: str
    idle_days: int
    updated_at: str

    @property
    def reason(self) -> str:
        return idle_reason(self.idle_days)


def is_idle(preview: Preview, idle_days: int, now: datetime) -> bool:
    """Whether `preview` has had no push for more than `idle_days` days at `now`. A record whose time
    cannot be read counts as idle: it can never be told fresh, and would otherwise stay for ever."""
    if preview.status not in IDLE_STATUSES:
        return False
    updated = parse_time(preview.updated_at)
    return updated is None or now - updated > timedelta(days=idle_days)


def idle_previews(svc: Services, now: datetime, *, limit: int = REMOVALS_PER_SWEEP) -> list[Idle]:
    """The previews idle longer than their site allows at `now`, at most `limit` of them."""
    sites: dict[str, Site | None] = {}
    found: list[Idle] = []
    for preview in svc.previews.every():
        if len(found) >= limit:
            log.info("%d idle previews queued for removal, a sweep's most; the next queues the rest", limit)
            break
        if preview.status not in IDLE_STATUSES:
            continue
        if preview.site not in sites:
            try:
                sites[preview.site] = _registered(svc, preview.site)
            except Exception:  # one site must not stop the sweep: the next runs again in 15 minutes
                log.exception("previews of site %s are not swept this time", preview.site)
                sites[preview.site] = None
        site = sites[preview.site]
        if site is not None and is_idle(preview, site.previews.idle_days, now):
            found.append(Idle(preview.site, preview.path, site.previews.idle_days, preview.updated_at))
    return found


def idle_reason(days: int) -> str:
    """`no push for 14 days`: why the sweep removed a preview."""
    return f"no push for {days} day{'' if days == 1 else 's'}"


def _registered(svc: Services, name: str) -> Site | None:
    try:
        return svc.sites.get(name)
    except NotFoundError:
        log.warning("previews of site %s are not swept: the site is not registered", name)
        return None
