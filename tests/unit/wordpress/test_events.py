"""The Events Calendar's events keep when and where they happen: start and end in the event's zone,
the venue's address, the cost, the organizers, the event's website; a recurring one is named."""

from __future__ import annotations

import pytest

from chalicelib.wordpress.events import EventPlaces
from chalicelib.wordpress.wxr import Item


def item(kind: str, item_id: int, meta: dict[str, str], repeated: dict[str, list[str]] | None = None) -> Item:
    return Item(
        id=item_id, type=kind, title="", link="", guid="", creator="", content="", excerpt="", date="",
        date_gmt="", modified="", modified_gmt="", slug="", status="publish", parent=0, menu_order=0,
        password="", sticky=False, attachment_url="", line=1, meta=meta, repeated_meta=repeated or {},
    )  # fmt: skip


@pytest.fixture
def places() -> EventPlaces:
    found = EventPlaces()
    venue = {
        "_VenueAddress": "1 Main St",
        "_VenueCity": "Springfield",
        "_VenueState": "IL",
        "_VenueZip": "62701",
        "_VenueCountry": "United States",
        "_VenueURL": "https://hall.example/",
    }
    found.note(item("tribe_venue", 9, venue), "Town Hall")
    found.note(
        item("tribe_organizer", 4, {"_OrganizerEmail": "x@y.example", "_OrganizerPhone": "555"}), "Acme"
    )
    found.note(item("tribe_organizer", 5, {}), "Friends")
    return found


def test_an_event_keeps_when_where_and_who(places: EventPlaces) -> None:
    meta = {
        "_EventStartDate": "2024-07-01 10:00:00",
        "_EventEndDate": "2024-07-01 16:30:00",
        "_EventTimezone": "America/Chicago",
        "_EventCost": "10",
        "_EventCurrencySymbol": "$",
        "_EventURL": "https://fair.example/",
        "_EventVenueID": "9",
        "_EventOrganizerID": "5",
    }
    notes: list[tuple[str, str]] = []
    event = places.event(
        item("tribe_events", 1, meta, {"_EventOrganizerID": ["4", "5"]}), lambda *n: notes.append(n)
    )
    assert event == {
        "start": "2024-07-01T10:00:00-05:00",
        "end": "2024-07-01T16:30:00-05:00",
        "timezone": "America/Chicago",
        "cost": "$10",
        "url": "https://fair.example/",
        "venue": {
            "name": "Town Hall",
            "address": "1 Main St, Springfield, IL, 62701, United States",
            "url": "https://hall.example/",
        },
        "organizers": [{"name": "Acme", "phone": "555"}, {"name": "Friends"}],  # no email address
    }
    assert notes == []


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"_EventStartDate": "2024-12-24 00:00:00", "_EventAllDay": "yes", "_EventTimezone": "UTC+1"},
         {"start": "2024-12-24", "all_day": True}),
        ({"_EventStartDate": "2024-12-24 18:00:00", "_EventTimezone": "UTC+5:30"},
         {"start": "2024-12-24T18:00:00+05:30", "timezone": "UTC+5:30"}),
        ({"_EventStartDate": "2024-12-24 18:00:00", "_EventTimezone": "Mars/Olympus"},
         {"start": "2024-12-24T18:00:00", "timezone": "Mars/Olympus"}),
        ({"_EventStartDate": "soon", "_EventCost": "5", "_EventCurrencySymbol": "€",
          "_EventCurrencyPosition": "suffix"}, {"cost": "5 €"}),
        ({"_EventVenueID": "77"}, None),
    ],
)  # fmt: skip
def test_zones_all_day_events_and_what_is_not_there(places, meta, expected) -> None:
    assert places.event(item("tribe_events", 1, meta), lambda *n: None) == expected


def test_a_recurring_event_is_named_and_other_items_have_no_event(places: EventPlaces) -> None:
    notes: list[tuple[str, str]] = []
    meta = {"_EventStartDate": "2024-01-01 09:00:00", "_EventRecurrence": 'a:1:{s:5:"rules";a:0:{}}'}
    assert places.event(item("tribe_events", 1, meta), lambda *n: notes.append(n)) == {
        "start": "2024-01-01T09:00:00"
    }
    assert notes == [("event-recurrence", "a recurring event: its page keeps its first date only")]
    assert places.event(item("post", 2, meta), lambda *n: None) is None


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        (
            {
                "_ctc_event_start_date": "2023-07-02",
                "_ctc_event_start_time": "09:30",
                "_ctc_event_end_date": "2023-07-02",
                "_ctc_event_end_time": "11:00",
                "_ctc_event_venue": "Cathedral",
                "_ctc_event_address": "Street 123, Reykjavik",
            },
            {
                "start": "2023-07-02T09:30:00",
                "end": "2023-07-02T11:00:00",
                "venue": {"name": "Cathedral", "address": "Street 123, Reykjavik"},
            },
        ),
        (
            {"_ctc_event_start_date": "2023-12-24", "_ctc_event_end_date": "2023-12-26"},
            {"start": "2023-12-24", "end": "2023-12-26", "all_day": True},
        ),
        ({"_ctc_event_start_date": "someday", "_ctc_event_venue": "Hall"}, None),
    ],
)
def test_a_church_theme_contents_event_keeps_when_and_where(
    meta: dict[str, str], expected: dict[str, object] | None
) -> None:
    """A church theme's demo lost every event's date, time, venue and address, without a word."""
    warned: list[tuple[str, str]] = []
    found = EventPlaces().event(
        item("ctc_event", 380, meta), lambda code, message: warned.append((code, message))
    )
    assert found == expected and warned == []


def test_a_recurring_church_event_and_a_sermons_media_are_named() -> None:
    warned: list[tuple[str, str]] = []
    places = EventPlaces()
    meta = {"_ctc_event_start_date": "2023-07-02", "_ctc_event_recurrence": "weekly"}
    assert places.event(item("ctc_event", 1, meta), lambda c, m: warned.append((c, m))) is not None
    sermon = {"_ctc_sermon_pdf": "https://old.example/wp-content/uploads/s.pdf", "_ctc_sermon_audio": ""}
    assert places.event(item("ctc_sermon", 2, sermon), lambda c, m: warned.append((c, m))) is None
    assert [code for code, _ in warned] == ["event-recurrence", "sermon-media"]
    assert "pdf https://old.example/wp-content/uploads/s.pdf" in warned[1][1] and "audio" not in warned[1][1]
