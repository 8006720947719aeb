"""Church Theme Content's events (`ctc_event`) as the same `event` map The Events Calendar's get.

The plugin keeps when and where an event is in post meta: `_ctc_event_start_date` and `_end_date`
(`2023-07-02`), `_ctc_event_start_time` and `_end_time` (`09:30`, none for an event without a time),
`_ctc_event_venue` and `_ctc_event_address`, and `_ctc_event_recurrence` (`none`, `weekly`...). A
church theme's demo lost them all: its event pages showed the post's date and the text alone. Kept
here: start and end (local times; dates only when the event has no time), the venue's name and
address; a recurring event keeps its first date, with one `event-recurrence` warning. A sermon's
audio, video and PDF (`_ctc_sermon_audio`...), which the plugin's themes show as players and links,
are not on the page: one `sermon-media` warning names them, where they were left out without a word.

This module must never invent a value the export does not hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time
from typing import Any, TypeVar

from chalicelib.wordpress.wxr import Item

T = TypeVar("T")
EVENT = "ctc_event"
SERMON = "ctc_sermon"
SERMON_MEDIA = ("audio", "video", "pdf")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")


def church_event(item: Item, warn: Callable[[str, str], None]) -> dict[str, Any] | None:
    """The `event` front matter of a `ctc_event` item; None for any other item or one without dates."""
    if item.type != EVENT:
        return None
    meta = item.meta
    start_time = _time(meta.get("_ctc_event_start_time", ""))
    all_day = start_time is None
    event: dict[str, Any] = {}
    for name in ("start", "end"):
        day = _date(meta.get(f"_ctc_event_{name}_date", ""))
        if day is None:
            continue
        moment = None if all_day else _time(meta.get(f"_ctc_event_{name}_time", "")) or start_time
        event[name] = day.isoformat() if moment is None else f"{day.isoformat()}T{moment.isoformat()}"
    if not event:
        return None
    if all_day:
        event["all_day"] = True
    venue = {
        "name": meta.get("_ctc_event_venue", "").strip(),
        "address": meta.get("_ctc_event_address", "").strip(),
    }
    if any(venue.values()):
        event["venue"] = {key: value for key, value in venue.items() if value}
    if meta.get("_ctc_event_recurrence", "").strip() not in ("", "none"):
        warn("event-recurrence", "a recurring event: its page keeps its first date only")
    return event


def _date(text: str) -> date | None:
    text = text.strip()
    return _parsed(date.fromisoformat, text) if _DATE.fullmatch(text) else None


def _time(text: str) -> time | None:
    text = text.strip()
    return (
        _parsed(time.fromisoformat, text.zfill(len(text) + 1) if len(text) == 4 else text)
        if _TIME.fullmatch(text)
        else None
    )


def _parsed(parse: Callable[[str], T], text: str) -> T | None:
    try:
        return parse(text)
    except ValueError:  # a month 13, an hour 25
        return None


def sermon_media_note(item: Item, warn: Callable[[str, str], None]) -> None:
    """One `sermon-media` warning naming a sermon's media that its page does not show."""
    found = [(kind, item.meta.get(f"_ctc_sermon_{kind}", "").strip()) for kind in SERMON_MEDIA]
    named = [f"{kind} {value[:120]}" for kind, value in found if value]
    if item.type == SERMON and named:
        warn(
            "sermon-media",
            f"the sermon's {', '.join(named)} (Church Theme Content's fields) are not on its page",
        )
