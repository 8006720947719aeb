"""The Events Calendar's events list: its old addresses lead to the events' section.

The plugin serves each event below `/event/` and the list of them below `/events/`, in views
(`/events/list/`, `/events/month/`, `/events/today/`, ...) that menus and other sites link to. The
converted site lists the events in their section (`typesections`: `/event/`, where their pages were),
so, when the events kept the plugin's default address, the section's `_index.md` takes the list's
addresses as aliases: unless a page, a term or another section of the new site is there already.

This module must never touch the file system; it only reads the plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.wordpress.events import EVENT

if TYPE_CHECKING:
    from chalicelib.wordpress.plan import Plan

#: The plugin's default address of one event's page, and of the list of them.
SECTION = "event"
ARCHIVE = "/events/"
VIEWS = ("", "list/", "month/", "day/", "week/", "photo/", "map/", "summary/", "today/")


def events_archive_aliases(plan: Plan) -> list[str]:
    """The old list's addresses the events' section answers; none when the events are elsewhere or the
    new site has something at /events/ (or in /event/'s own place) already."""
    events = [p for p in plan.placements.values() if p.type == EVENT and p.status == "published"]
    if not events or any(p.section != SECTION for p in events):
        return []
    for placement in plan.placements.values():
        taken = [placement.url, *placement.aliases]
        if placement.folder == SECTION or any(path.startswith(ARCHIVE) for path in taken):
            return []
        if placement.section == ARCHIVE.strip("/"):
            return []
    for page in plan.term_pages.values():
        if any(path.startswith(ARCHIVE) for path in page.aliases):
            return []
    if ARCHIVE.strip("/") in plan.taxonomies.values():
        return []
    return [ARCHIVE + view for view in VIEWS]
