"""How many notes of one kind a stage's detail lists.

The run record is one DynamoDB item (400 KB at most), and a site's file can hold thousands of lines
that each earn a note (a `_redirects` file of 10,000 rules S3 cannot serve): a detail lists the first
ones and says how many more there were.
"""

from __future__ import annotations

#: Notes of one kind a stage's detail lists.
MAX_LISTED = 50


def listed(notes: list[str], limit: int = MAX_LISTED) -> list[str]:
    """The first `limit` notes, and one saying how many more there were."""
    if len(notes) <= limit:
        return notes
    return [*notes[:limit], f"... and {len(notes) - limit} more like these"]


def named_files(files: list[str]) -> str:
    """How a note names the files it is about: the first, and how many more ("a.md and 3 more")."""
    return files[0] + (f" and {len(files) - 1} more" if len(files) > 1 else "")


def files_that(files: list[str], verb: str) -> str:
    """The files a note is about and what they do: "a.md sets", "a.md and 3 more set"."""
    return f"{named_files(files)} {verb}{'s' if len(files) == 1 else ''}"
