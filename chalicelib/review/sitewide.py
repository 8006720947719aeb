"""Text changes that happen on (nearly) every changed page, told once instead of on every page.

A menu entry added, a copyright year or a "built on" date: the same line leaves and arrives on every
page, and listing it 5,000 times would hide the ten posts someone actually edited. A line change is
site-wide when it occurs on at least `MIN_PAGES` pages and on `SHARE` of the pages compared; lines are
matched by their shape (digits count as one digit), so "Built 2026-11-29" and "Built 2026-11-30" on one
page and other dates on the next are one change. Pure functions of the lines.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

#: A change must reach this many pages, and this share of the pages compared, to count as site-wide.
MIN_PAGES = 3
SHARE = 0.8
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class TextChange:
    """One place where a page's text differs: lines removed and lines added there (either may be empty)."""

    removed: tuple[str, ...]
    added: tuple[str, ...]

    def inline(self) -> str:
        """Word by word, `[-gone-]{+new+}` (git diff --word-diff's marks), for a quick read."""
        old, new = " ".join(self.removed).split(), " ".join(self.added).split()
        words: list[str] = []
        for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            if op == "equal":
                words += old[i1:i2]
                continue
            gone = "[-" + " ".join(old[i1:i2]) + "-]" if i2 > i1 else ""
            words.append(gone + ("{+" + " ".join(new[j1:j2]) + "+}" if j2 > j1 else ""))
        return " ".join(words)

    def to_dict(self) -> dict[str, object]:
        return {"removed": list(self.removed), "added": list(self.added), "inline": self.inline()}


def text_changes(old: Sequence[str], new: Sequence[str]) -> list[TextChange]:
    """Where `new` differs from `old`, line by line."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    return [
        TextChange(tuple(old[i1:i2]), tuple(new[j1:j2]))
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    ]


def shape(line: str) -> str:
    """A line with its numbers blanked: dates and counts that differ from page to page match."""
    return _DIGITS.sub("0", line)


@dataclass(frozen=True)
class SiteWidePart:
    """Lines that left (`removed`) or arrived (`added`) on `pages` pages, matched by shape."""

    removed: tuple[str, ...]
    added: tuple[str, ...]
    pages: int


def site_wide_lines(
    changes: Sequence[Sequence[TextChange]],
    *,
    pages_in_site: int = 0,
    lists: Sequence[bool] = (),
    singles_in_site: int = 0,
) -> tuple[frozenset[str], frozenset[str]]:
    """The shapes of removed and of added lines that are site-wide among these pages' changes: on
    `SHARE` of them and of the `pages_in_site` (so the same paragraph added to a few posts of a large
    site is listed on each of them, not hidden as site-wide).

    `lists` says which of the pages list others (home, sections, terms): a post's summary changes on
    its own page and on every list showing it, which in a small site is most pages. So a line must also
    be on `SHARE` of the single pages (`singles_in_site` of them), and on at least two, to be site-wide:
    a date or a footer in every page's content is; a post's summary is not."""
    if len(changes) < MIN_PAGES:
        return frozenset(), frozenset()
    is_list = list(lists) or [False] * len(changes)
    removed: Counter[str] = Counter()
    added: Counter[str] = Counter()
    removed_on_singles: Counter[str] = Counter()
    added_on_singles: Counter[str] = Counter()
    for page, listing in zip(changes, is_list, strict=True):
        gone = {shape(line) for change in page for line in change.removed}
        new = {shape(line) for change in page for line in change.added}
        removed.update(gone)
        added.update(new)
        if not listing:
            removed_on_singles.update(gone)
            added_on_singles.update(new)
    needed = max(MIN_PAGES, SHARE * max(len(changes), pages_in_site))
    singles = is_list.count(False)
    has_singles = singles > 0 or singles_in_site > 0
    needed_on_singles = max(2, SHARE * max(singles, singles_in_site)) if has_singles else 0

    def wide(counts: Counter[str], on_singles: Counter[str]) -> frozenset[str]:
        return frozenset(s for s, n in counts.items() if n >= needed and on_singles[s] >= needed_on_singles)

    return wide(removed, removed_on_singles), wide(added, added_on_singles)


def without(
    changes: Sequence[TextChange], removed: frozenset[str], added: frozenset[str]
) -> list[TextChange]:
    """A page's changes less the site-wide lines; changes left empty are dropped."""
    kept: list[TextChange] = []
    for change in changes:
        left = TextChange(
            tuple(line for line in change.removed if shape(line) not in removed),
            tuple(line for line in change.added if shape(line) not in added),
        )
        if left.removed or left.added:
            kept.append(left)
    return kept


def describe(
    changes: Sequence[Sequence[TextChange]], removed: frozenset[str], added: frozenset[str]
) -> SiteWidePart | None:
    """The site-wide part of these pages' changes, told once: an example of each line (the first page's)."""
    if not removed and not added:
        return None
    seen_removed: dict[str, str] = {}
    seen_added: dict[str, str] = {}
    pages = 0
    for page in changes:
        hit = False
        for change in page:
            for line in change.removed:
                if shape(line) in removed:
                    seen_removed.setdefault(shape(line), line)
                    hit = True
            for line in change.added:
                if shape(line) in added:
                    seen_added.setdefault(shape(line), line)
                    hit = True
        pages += hit
    return SiteWidePart(tuple(seen_removed.values()), tuple(seen_added.values()), pages)


def common_changes(samples: Sequence[Sequence[TextChange]]) -> SiteWidePart | None:
    """What every sampled page's changes have in common (by shape): the site-wide part of pages whose
    main text did not change, told from a few of them."""
    if not samples:
        return None
    removed = frozenset.intersection(*(_shapes(page, "removed") for page in samples))
    added = frozenset.intersection(*(_shapes(page, "added") for page in samples))
    return describe(samples, removed, added)


def _shapes(page: Sequence[TextChange], side: str) -> frozenset[str]:
    return frozenset(shape(line) for change in page for line in getattr(change, side))
