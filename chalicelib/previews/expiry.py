"""The scheduled sweep's part for previews: a preview with no push for its site's `previews.idle_days`
is removed (`removal.apply_removal`), as a closed pull request's is.

Only previews that stand still are swept: live, failed and not built. A building one has just been
pushed (its run will record it), and a removed one is gone already. The idle time counts from the
record's `updated_at`, the last push or change.

At most `REMOVALS_PER_SWEEP` previews go per sweep: the sweep function has a minute for everything it
does, and a removal cut off by that timeout would leave files behind a record that already says
removed. The rest go 15 minutes later.

Never: let one preview stop the sweep. A preview that cannot be removed (S3 refusing, a site whose
registration was removed meanwhile) is logged and left for the next sweep; the others go on.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from chalicelib.errors import NotFoundError
from chalicelib.previews.registry import Preview
from chalicelib.previews.removal import Removed, apply_removal
from chalicelib.runview import parse_time
from chalicelib.services import Services
from chalicelib.sitemodel import Site

log = logging.getLogger(__name__)

#: The statuses of a preview nobody is pushing to: these expire.
IDLE_STATUSES = frozenset({"live", "failed", "not built"})
#: Removals per sweep: each lists and deletes a folder (about a second for a few thousand files), and
#: the sweep function has 60 s for expiring approvals and the dead letters as well.
REMOVALS_PER_SWEEP = 10


def is_idle(preview: Preview, idle_days: int, now: datetime) -> bool:
    """Whether `preview` has had no push for more than `idle_days` days at `now`. A record whose time
    cannot be read counts as idle: it can never be told fresh, and would otherwise stay for ever."""
    if preview.status not in IDLE_STATUSES:
        return False
    updated = parse_time(preview.updated_at)
    return updated is None or now - updated > timedelta(days=idle_days)


def expire_idle_previews(svc: Services, now: datetime, *, limit: int = REMOVALS_PER_SWEEP) -> list[Removed]:
    """Remove the previews idle longer than their site allows, at most `limit` of them; what was
    removed (a next sweep removes the rest)."""
    sites: dict[str, Site | None] = {}
    removed: list[Removed] = []
    for preview in svc.previews.every():
        if len(removed) >= limit:
            log.info("removed %d idle previews, a sweep's most; any others go in the next sweep", limit)
            break
        if preview.status not in IDLE_STATUSES:
            continue
        try:
            if preview.site not in sites:
                sites[preview.site] = _registered(svc, preview.site)
            site = sites[preview.site]
            if site is None or not is_idle(preview, site.previews.idle_days, now):
                continue
            result = apply_removal(svc, site, preview, idle_reason(site.previews.idle_days))
        except Exception:  # one preview must not stop the sweep: the next runs again in 15 minutes
            log.exception(
                "could not remove idle preview %s of site %s; left for the next sweep",
                preview.path,
                preview.site,
            )
            continue
        log.info("site %s: %s (%s)", preview.site, result.summary, result.reason)
        removed.append(result)
    return removed


def idle_reason(days: int) -> str:
    """`no push for 14 days`: why the sweep removed a preview."""
    return f"no push for {days} day{'' if days == 1 else 's'}"


def _registered(svc: Services, name: str) -> Site | None:
    try:
        return svc.sites.get(name)
    except NotFoundError:
        log.warning("previews of site %s are not swept: the site is not registered", name)
        return None
