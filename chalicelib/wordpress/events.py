"""The Events Calendar's events (`tribe_events`) as an `event` map in the item's front matter.

An event's page said what it is about but not when or where: its date, time, venue and cost are
post meta (`_EventStartDate`, `_EventVenueID`...), and its venue and organizers are items of their
own (`tribe_venue`, `tribe_organizer`). Kept here: start and end (in the event's time zone, with its
UTC offset when the zone is known; dates only for an all-day event), the time zone, cost, the
event's website, the venue (name, address, phone, website) and the organizers (name, phone,
website; not their email addresses, which the plugin shows only obfuscated). A recurring event (the
Pro add-on's `_EventRecurrence`) keeps its first date, and the item gets one `event-recurrence`
warning. The venues and organizers are read in the conversion's first pass (`EventPlaces.note`),
as they may come after the events in the export.

This module must never run PHP, fetch anything, or invent a value the export does not hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib.wordpress.churchevents import EVENT as CHURCH_EVENT
from chalicelib.wordpress.churchevents import church_event, sermon_media_note
from chalicelib.wordpress.wxr import Item

EVENT = "tribe_events"
VENUE = "tribe_venue"
ORGANIZER = "tribe_organizer"
# The parts of a venue's address, in the order an address is written.
ADDRESS = ("_VenueAddress", "_VenueCity", "_VenueStateProvince", "_VenueZip", "_VenueCountry")
LOCAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?")
UTC_OFFSET = re.compile(r"UTC([+-])(\d{1,2})(?::?(\d{2}))?")


@dataclass
class EventPlaces:
    """The venues and organizers of an export, by id: what an event's page names."""

    venues: dict[int, dict[str, str]] = field(default_factory=dict)
    organizers: dict[int, dict[str, str]] = field(default_factory=dict)

    def note(self, item: Item, title: str) -> None:
        meta = item.meta
        if item.type == VENUE:
            state = meta.get("_VenueStateProvince") or meta.get("_VenueState") or meta.get("_VenueProvince")
            parts = [meta.get(key, "") if key != "_VenueStateProvince" else state or "" for key in ADDRESS]
            address = ", ".join(part.strip() for part in parts if part and part.strip())
            found = {
                "address": address,
                "phone": meta.get("_VenuePhone", ""),
                "url": meta.get("_VenueURL", ""),
            }
            self.venues[item.id] = {"name": title, **{k: v.strip() for k, v in found.items() if v.strip()}}
        elif item.type == ORGANIZER:
            found = {"phone": meta.get("_OrganizerPhone", ""), "url": meta.get("_OrganizerWebsite", "")}
            self.organizers[item.id] = {
                "name": title,
                **{k: v.strip() for k, v in found.items() if v.strip()},
            }

    def event(self, item: Item, warn: Callable[[str, str], None]) -> dict[str, Any] | None:
        """The `event` front matter of a `tribe_events` item (or Church Theme Content's `ctc_event`);
        None for any other item."""
        if item.type == CHURCH_EVENT:
            return church_event(item, warn)
        sermon_media_note(item, warn)
        if item.type != EVENT:
            return None
        meta = item.meta
        all_day = meta.get("_EventAllDay", "").strip().lower() in ("yes", "1", "true")
        zone = meta.get("_EventTimezone", "").strip()
        event: dict[str, Any] = {}
        for key, name in (("_EventStartDate", "start"), ("_EventEndDate", "end")):
            when = _when(meta.get(key, ""), zone, all_day)
            if when:
                event[name] = when
        if all_day:
            event["all_day"] = True
        elif zone and event:
            event["timezone"] = zone
        cost = meta.get("_EventCost", "").strip()
        if cost:
            symbol = meta.get("_EventCurrencySymbol", "").strip()
            suffix = meta.get("_EventCurrencyPosition", "").strip() == "suffix"
            event["cost"] = f"{cost} {symbol}" if symbol and suffix else f"{symbol}{cost}"
        if meta.get("_EventURL", "").strip():
            event["url"] = meta["_EventURL"].strip()
        venue = self.venues.get(_id(meta.get("_EventVenueID", "")))
        if venue:
            event["venue"] = dict(venue)
        organizers = [self.organizers.get(_id(value)) for value in item.meta_values("_EventOrganizerID")]
        if any(organizers):
            event["organizers"] = [dict(found) for found in organizers if found]
        if meta.get("_EventRecurrence", "").strip():
            warn("event-recurrence", "a recurring event: its page keeps its first date only")
        return event or None


def _id(value: str) -> int:
    value = value.strip()
    return int(value) if value.isdigit() else 0


def _when(local: str, zone: str, all_day: bool) -> str:
    """`2024-07-01 10:00:00` in `zone` as ISO 8601 with its UTC offset (without one for a zone it
    cannot read), or the date alone for an all-day event; "" for what is not a date."""
    local = local.strip()
    if not LOCAL_TIME.fullmatch(local):
        return ""
    try:
        moment = datetime.fromisoformat(local)
    except ValueError:
        return ""
    if all_day:
        return moment.date().isoformat()
    tz = _zone(zone)
    if tz is None:
        return moment.isoformat()
    return moment.replace(tzinfo=tz).isoformat()


def _zone(name: str) -> Any:
    found = UTC_OFFSET.fullmatch(name)
    if found:
        sign = -1 if found.group(1) == "-" else 1
        return timezone(sign * timedelta(hours=int(found.group(2)), minutes=int(found.group(3) or 0)))
    if name == "UTC":
        return UTC
    if not name or "/" not in name or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
