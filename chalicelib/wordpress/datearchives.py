"""WordPress's date archives (`/2024/`, `/2024/05/`) as pages of the converted site.

Every WordPress site answers a year's and a month's archive, the sidebar's Archives widget links each
month, and search engines have them all; a converted site had none, so each was a 404. They become
terms of one Hugo taxonomy, `archives`: each published post names its year and month
(`archives: ['2024', '2024-05']`), so Hugo lists them with whatever theme the site uses, newest first
and paginated like any category, and each term page takes its old address as an alias. Only posts
are listed, as WordPress's date archives list only posts. A day's archive (`/2024/05/06/`, which the
Calendar widget links) leads to its month's page rather than being a page of its own.
WordPress puts them under its permalinks' "front" (`/blog/2024/05/` for `/blog/%postname%/`,
`/archives/2024/05/` for the numeric `/archives/%post_id%`), which `permalink_front` reads off the
posts' own links; the root form is kept too.

This module only decides names, titles and addresses; plan.py places the pages, convert.py writes them.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from chalicelib.wordpress.terms import TermPage

# (the WordPress-side name the taxonomy is registered under, its Hugo plural)
TAXONOMY = ("archive", "archives")
YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})-\d{2}")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def archive_terms(date: str) -> list[str]:
    """The year and month archives a post dated `date` (WordPress's local "YYYY-MM-DD hh:mm:ss") is
    listed in, or none for a date WordPress leaves unset (0000-00-00)."""
    match = YEAR_MONTH.match(date.strip())
    if match is None:
        return []
    year, month = match.groups()
    if year == "0000" or not 1 <= int(month) <= 12:
        return []
    return [year, f"{year}-{month}"]


def archive_day(date: str) -> str:
    """The day of the month a post dated `date` is listed under in its day archive ("06"), or ""."""
    day = date.strip()[8:10]
    return day if archive_terms(date) and day.isdigit() and 1 <= int(day) <= 31 else ""


def day_paths(month: str, days: set[str], front: str = "/") -> list[str]:
    """The day archives of `month` ("2024-05") that had posts, at the root and under `front`."""
    year, _, number = month.partition("-")
    return list(
        dict.fromkeys(f"{head}{year}/{number}/{day}/" for day in sorted(days) for head in ("/", front))
    )


def permalink_front(path: str, slug: str, item_id: int, date: str) -> list[str] | None:
    """The segments a post's permalink starts with before the first that spells its year, slug or id
    (["blog"] for /blog/2024/hello/, [] for /hello/), or None when none does (a ?p= link)."""
    year = date.strip()[:4]
    names = {unquote(slug).lower(), str(item_id), year} - {""}
    segments = [unquote(s).lower() for s in path.split("/") if s]
    for index, segment in enumerate(segments):
        if segment in names:
            return segments[:index]
    return None


def common_front(front: list[str] | None, other: list[str] | None) -> list[str] | None:
    """What two posts' fronts share (None stands for "not known yet" and yields to the other)."""
    if front is None or other is None:
        return other if front is None else front
    shared = 0
    while shared < min(len(front), len(other)) and front[shared] == other[shared]:
        shared += 1
    return front[:shared]


def front_path(front: list[str] | None) -> str:
    """A front's segments as the path archives sit under ("/blog/"; "/" for none)."""
    return "/" + "".join(f"{segment}/" for segment in front or [])


def archive_pages(terms: set[str], language: str, front: str = "/") -> list[TermPage]:
    """The term page of each year and month in `terms`, with its old addresses as aliases (at the
    root and under `front`). A month's title is spelled out for an English site ("May 2024") and
    numeric for any other ("2024-05"), as the converter knows no other language's month names."""
    english = not language or language.lower().startswith("en")
    pages = []
    for term in sorted(terms):
        year, _, month = term.partition("-")
        if month:
            title = f"{MONTHS[int(month) - 1]} {year}" if english else term
            path = f"{year}/{month}/"
        else:
            title, path = year, f"{year}/"
        aliases = list(dict.fromkeys([f"/{path}", f"{front}{path}"]))
        pages.append(TermPage(TAXONOMY[1], term, title, "", aliases))
    return pages
