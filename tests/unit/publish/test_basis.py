"""When the record of the last publish can stand in for a listing of the bucket (pure, table-driven)."""

from __future__ import annotations

import pytest

from chalicelib.errors import ConfigError
from chalicelib.publish import PublishOptions
from chalicelib.publish.basis import choose_basis
from chalicelib.publish.remote import ObjectHeaders, PublishRecord, RecordEntry

NOW = 1_800_000_000.0
HOUR = 3600.0
RECORD = PublishRecord(
    {"blog/index.html": RecordEntry("e", "e", ObjectHeaders("text/html", "no-cache"), 3)}, NOW - HOUR
)


@pytest.mark.parametrize(
    ("record", "unfinished", "options", "listing", "reason"),
    [
        (RECORD, False, PublishOptions(), False, "confirmed by a listing 1 h ago"),
        (None, False, PublishOptions(), True, "no publish record yet"),
        (RECORD, True, PublishOptions(), True, "the previous publish to this prefix did not finish"),
        (RECORD, False, PublishOptions(verify=True), True, "verification asked for"),
        (RECORD, False, PublishOptions(force=True), True, "forced"),
        (
            RECORD,
            False,
            PublishOptions(verify_every_seconds=HOUR / 2),
            True,
            "last confirmed by a listing 1 h ago",
        ),
        (PublishRecord(RECORD.entries, None), False, PublishOptions(), True, "never confirmed"),
        # A clock that went backwards (or a record from the future) proves nothing.
        (PublishRecord(RECORD.entries, NOW + HOUR), False, PublishOptions(), True, "0 s ago"),
        (PublishRecord({}, NOW), False, PublishOptions(), False, "confirmed by a listing 0 s ago"),
    ],
    ids=["trusted", "no-record", "unfinished", "verify", "force", "stale", "unconfirmed", "future", "empty"],
)
def test_the_record_stands_in_for_the_listing_only_when_it_is_known_to_be_complete(
    record: PublishRecord | None, unfinished: bool, options: PublishOptions, listing: bool, reason: str
) -> None:
    basis = choose_basis(record, unfinished, options, NOW)

    assert basis.listing is listing
    assert reason in basis.reason
    assert ("listing" if listing else "publish record") in basis.describe()


def test_a_negative_verification_interval_is_refused() -> None:
    with pytest.raises(ConfigError, match="verify_every_seconds"):
        PublishOptions(verify_every_seconds=-1)
