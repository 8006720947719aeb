"""WordPress dates (local time plus GMT, "YYYY-MM-DD HH:MM:SS") as ISO 8601 with the site's offset.

This module must never read the clock: the same export gives the same dates.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

WP_FORMAT = "%Y-%m-%d %H:%M:%S"
# The shapes WordPress writes; fromisoformat reads them many times faster than strptime.
WP_SHAPE = re.compile(r"\d{4}-\d\d-\d\d(?: \d\d:\d\d(?::\d\d)?)?")


def _parse(value: str) -> datetime | None:
    value = value.strip()
    if not value or value.startswith("0000"):
        return None
    if WP_SHAPE.fullmatch(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    for fmt in (WP_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def offset_of(local: str, gmt: str) -> str | None:
    """The UTC offset ("+01:00") that turns `gmt` into `local`, rounded to a quarter hour."""
    return _offset(_parse(local), _parse(gmt))


def _offset(lt: datetime | None, gt: datetime | None) -> str | None:
    if lt is None or gt is None:
        return None
    minutes = round((lt - gt).total_seconds() / 60 / 15) * 15
    if abs(minutes) > 14 * 60:
        return None
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _iso(moment: datetime) -> str:
    # isoformat is strftime's "%Y-%m-%dT%H:%M:%S" here (no fractions are ever read), several times
    # faster; strftime writes years before 1000 without their leading zeros, so those keep it.
    if moment.year >= 1000:
        return moment.isoformat(timespec="seconds")
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def iso_date(local: str, gmt: str, fallback_offset: str = "+00:00") -> str:
    """ISO 8601 with offset, or "" when the export has no usable date."""
    lt = _parse(local)
    gt = _parse(gmt)
    if lt is None:
        if gt is None:
            return ""
        return _iso(gt) + "+00:00"
    return _iso(lt) + (_offset(lt, gt) or fallback_offset)


def from_pubdate(value: str) -> tuple[str, str]:
    """An RSS `<pubDate>` (RFC 822, "Tue, 02 Jan 2024 09:30:00 +0100") as WordPress's local and GMT
    date fields, for items that carry no `<wp:post_date>`.

    The local field is left empty when the offset is +0000 (WordPress's exporter always writes GMT
    there), so the item is dated at that instant without counting as a vote for a +00:00 site
    offset; ("", "") when unreadable.
    """
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return "", ""
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    gmt = parsed.astimezone(UTC).strftime(WP_FORMAT)
    offset = parsed.utcoffset()
    local = parsed.strftime(WP_FORMAT) if offset else ""
    return local, gmt


#: The widest UTC offsets there are (Kiribati's +14, Baker Island's -12), as hours.
MAX_OFFSET_HOURS = 14


def gmt_from_pubdate(local: str, pubdate: str) -> str:
    """The GMT field of an item that has `<wp:post_date>` (`local`) but no `<wp:post_date_gmt>`, read
    off its `<pubDate>`: WordPress writes the instant there in GMT (+0000), and other writers in the
    site's own offset (`+0900`), either of which names it. "" when the pubDate is unreadable or not
    within a UTC offset of `local` (a draft's `-0001` year)."""
    _, gmt = from_pubdate(pubdate)
    if not gmt or not local:
        return ""
    try:
        apart = datetime.strptime(local, WP_FORMAT) - datetime.strptime(gmt, WP_FORMAT)
    except ValueError:
        return ""
    return gmt if abs(apart.total_seconds()) <= MAX_OFFSET_HOURS * 3600 else ""


# JavaScript's Date.prototype.toString(), which some WXR writers put in <wp:post_date>:
# "Wed Jul 22 2015 15:05:08 GMT+0200 (Central European Summer Time)".
_JS_DATE = re.compile(
    r"(?:[A-Za-z]{3},? )?([A-Za-z]{3}) (\d{1,2}),? (\d{4}),? (\d{1,2}:\d\d(?::\d\d)?)"
    r" ?(?:GMT|UTC)?([+-]\d{4})?"
)


def _aware(value: str) -> datetime | None:
    """A date another writer than WordPress spelled (ISO 8601, RFC 822, JavaScript's), or None."""
    try:
        return datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value)
    except ValueError:
        pass
    js = _JS_DATE.match(value)
    if js is not None:
        month, day, year, clock, offset = js.groups()
        value = f"{day} {month} {year} {clock} {offset or '+0000'}"
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def wordpress_dates(local: str, gmt: str) -> tuple[str, str]:
    """`<wp:post_date>` and `<wp:post_date_gmt>` in WordPress's shape ("YYYY-MM-DD hh:mm:ss"), where
    a writer other than WordPress used another: a date with an offset gives the local time it names
    and, when the GMT field is unusable, the GMT one. Dates already in WordPress's shape (all of
    WordPress's own) and unreadable ones are left as they are."""
    local, gmt = local.strip(), gmt.strip()
    if (not local or WP_SHAPE.fullmatch(local)) and (not gmt or WP_SHAPE.fullmatch(gmt)):
        return local, gmt
    parsed_gmt = None if not gmt or WP_SHAPE.fullmatch(gmt) else _aware(gmt)
    if parsed_gmt is not None:
        gmt = (parsed_gmt.astimezone(UTC) if parsed_gmt.tzinfo else parsed_gmt).strftime(WP_FORMAT)
    parsed = None if not local or WP_SHAPE.fullmatch(local) else _aware(local)
    if parsed is not None:
        local = parsed.strftime(WP_FORMAT)
        if parsed.tzinfo is not None and (not gmt or gmt.startswith("0000") or _parse(gmt) is None):
            gmt = parsed.astimezone(UTC).strftime(WP_FORMAT)
    return local, gmt
