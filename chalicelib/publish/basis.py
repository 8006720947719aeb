"""What a publish compares the artifact with: the record of the last complete publish, or a listing.

Listing a bucket reads 1,000 keys per request, so a one-post edit of a 6,000-file site would spend
most of its time listing what it already knows. Presslift owns the prefixes it publishes to and records
every object after each complete publish, so the record is the bucket, provided that:

- there is a record, in this version;
- no publish is half done (a marker is written before the first change and removed after the record);
- nobody asked for a listing (`verify`, or `force`, which trusts nothing);
- a listing confirmed the record recently (`verify_every_seconds`, a day by default), which bounds how
  long a hand edit of the bucket can go unnoticed;
- a spot check of the record's objects (spotcheck.py: the site's entry points and what the home page
  links, plus a seeded sample) finds each one as recorded, so a deleted asset or a hand edit of the
  home page is found by the next deploy, not a day later.

Otherwise the bucket is listed, as hugo deploy and s3deploy always do. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.publish.remote import PublishRecord
from chalicelib.publish.spotcheck import SpotCheck
from chalicelib.publish.target import PublishOptions
from chalicelib.units import human_duration


@dataclass(frozen=True)
class Basis:
    """`listing` is True when the bucket must be listed; `reason` says why, in a few words."""

    listing: bool
    reason: str

    def describe(self) -> str:
        source = "the bucket's listing" if self.listing else "the publish record"
        return f"{source} ({self.reason})"


def choose_basis(
    record: PublishRecord | None, unfinished: bool, options: PublishOptions, now: float
) -> Basis:
    if options.force:
        return Basis(True, "forced: every file is compared and re-uploaded")
    if options.verify:
        return Basis(True, "verification asked for")
    if record is None:
        return Basis(True, "no publish record yet")
    if unfinished:
        return Basis(True, "the previous publish to this prefix did not finish")
    if record.verified_at is None:
        return Basis(True, "the record was never confirmed by a listing")
    age = now - record.verified_at
    if age > options.verify_every_seconds or age < 0:
        return Basis(True, f"last confirmed by a listing {human_duration(max(age, 0))} ago")
    return Basis(False, f"confirmed by a listing {human_duration(age)} ago")


def after_spot_check(basis: Basis, check: SpotCheck) -> Basis:
    """A trusted basis, kept only when the spot check found every object as the record has it."""
    if check.passed:
        return Basis(False, f"{basis.reason}; {check.describe()}")
    return Basis(True, f"publish record not trusted: {check.describe()}")
