"""The change review: what a build changes on a site, page by page, in words a reviewer can judge.

`review_builds` compares two builds' manifests (compare.py), reads only the pages whose text changed
(plus the added and removed pages, for their titles, and a few pages changed only in markup, to say
what changed site-wide), diffs the visible text of their main content (pages.py), tells site-wide
changes once (sitewide.py) and returns a `ChangeReview`: `to_dict()` for JSON, the approval page and
the pull-request comment, `text()` for the terminal and the approval email.

Never: read a file whose checksum did not change, or change anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib.manifest import Manifest
from chalicelib.pool import ContextPool
from chalicelib.review.compare import (
    SITE_WIDE_KINDS,
    AssetKind,
    FileChange,
    RedirectChange,
    compare,
    is_page,
    list_pages,
)
from chalicelib.review.pages import PageText, read_page
from chalicelib.review.sitewide import (
    SiteWidePart,
    TextChange,
    common_changes,
    describe,
    site_wide_lines,
    text_changes,
    without,
)
from chalicelib.review.sources import PageSource

#: Added or removed pages whose titles are read; past this, they are listed by URL alone.
MAX_TITLES = 300
#: Pages changed only in markup that are read to say what changed site-wide.
SITE_WIDE_SAMPLE = 3
#: Lines of text changes kept per page (a rewritten page is summarised past that).
MAX_LINES_PER_PAGE = 200


@dataclass(frozen=True)
class PageChange:
    """One page added, removed or changed, with its URL (on prod, and on staging when known)."""

    path: str
    url: str
    title: str
    staging_url: str = ""
    old_title: str = ""
    changes: tuple[TextChange, ...] = ()
    truncated: bool = False
    #: The page could not be read on one side (so its text changes are unknown).
    unread: bool = False

    def diff_lines(self) -> list[str]:
        """The page's text changes as diff lines: `- gone` then `+ new`, change by change."""
        lines: list[str] = []
        for change in self.changes:
            lines += [f"- {line}" for line in change.removed] + [f"+ {line}" for line in change.added]
        return lines

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "url": self.url, "title": self.title}
        if self.staging_url:
            data["staging_url"] = self.staging_url
        if self.old_title and self.old_title != self.title:
            data["old_title"] = self.old_title
        if self.changes or self.truncated:
            data["changes"] = [change.to_dict() for change in self.changes]
            data["truncated"] = self.truncated
        if self.unread:
            data["unread"] = True
        return data


@dataclass(frozen=True)
class SiteWideChange:
    """A change told once for the whole site: `where` it is (the main content, or around it)."""

    where: str
    removed: tuple[str, ...]
    added: tuple[str, ...]
    pages: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "removed": list(self.removed),
            "added": list(self.added),
            "pages": self.pages,
        }


@dataclass(frozen=True)
class Reading:
    """Where one side of the review was read from, and how much."""

    side: str
    where: str
    files_read: int
    requests: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "where": self.where,
            "files_read": self.files_read,
            "requests": self.requests,
        }


@dataclass(frozen=True)
class ChangeReview:
    """What `run`'s build changes compared with `against` (see the module's docstring)."""

    site: str
    run: str
    against: str
    against_run: str | None
    added: tuple[PageChange, ...] = ()
    removed: tuple[PageChange, ...] = ()
    changed: tuple[PageChange, ...] = ()
    changed_site_wide_only: int = 0
    site_wide: tuple[SiteWideChange, ...] = ()
    redirects: tuple[RedirectChange, ...] = ()
    assets: Mapping[AssetKind, tuple[FileChange, ...]] = field(default_factory=dict)
    read_from: tuple[Reading, ...] = ()
    changed_files: int = 0
    unchanged_files: int = 0
    untitled: int = 0

    @property
    def files_read(self) -> int:
        return sum(reading.files_read for reading in self.read_from)

    @property
    def site_wide_assets(self) -> tuple[FileChange, ...]:
        return tuple(c for kind in AssetKind if kind in SITE_WIDE_KINDS for c in self.assets.get(kind, ()))

    def summary(self) -> str:
        """One line: `3 pages changed, 1 added, 0 removed; 40 changed only site-wide; 4 assets`."""
        if not self.changed_files:
            return "no changes"
        changed = _count(len(self.changed), "page")
        parts = [f"{changed} changed, {len(self.added)} added, {len(self.removed)} removed"]
        if self.changed_site_wide_only:
            parts.append(f"{self.changed_site_wide_only} changed only site-wide")
        if self.redirects:
            parts.append(_count(len(self.redirects), "redirect"))
        assets = sum(len(group) for group in self.assets.values())
        if assets:
            parts.append(_count(assets, "asset"))
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "run": self.run,
            "against": self.against,
            "against_run": self.against_run,
            "summary": self.summary(),
            "pages": {
                "added": [page.to_dict() for page in self.added],
                "removed": [page.to_dict() for page in self.removed],
                "changed": [page.to_dict() for page in self.changed],
                "changed_site_wide_only": self.changed_site_wide_only,
            },
            "site_wide": [change.to_dict() for change in self.site_wide],
            "site_wide_assets": [_asset_dict(c) for c in self.site_wide_assets],
            "redirects": [{"path": r.path, "old": r.old, "new": r.new} for r in self.redirects],
            "assets": {kind.value: [_asset_dict(c) for c in group] for kind, group in self.assets.items()},
            "read_from": [reading.to_dict() for reading in self.read_from],
            "files_read": self.files_read,
            "changed_files": self.changed_files,
            "unchanged_files": self.unchanged_files,
            "untitled": self.untitled,
        }

    def text(self, *, max_pages: int | None = None) -> str:
        """The review as plain text (terminal, email); with `max_pages`, the first pages of each list."""
        from chalicelib.review.text import review_text

        return review_text(self, max_pages=max_pages)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _asset_dict(change: FileChange) -> dict[str, str]:
    data = {"path": change.path, "change": change.change}
    if change.old_path:
        data["old_path"] = change.old_path
    return data


@dataclass(frozen=True)
class Side:
    """One build in a review: its prod-tree manifest, where its files are read from, and the base URL
    its pages have on staging (for links to the staging version; "" when not on staging)."""

    manifest: Manifest
    source: PageSource
    staging_base_url: str = ""


def review_builds(
    *, site: str, run: str, against: str, against_run: str | None, old: Side, new: Side
) -> ChangeReview:
    """The change review of `new`'s build against `old`'s (see the module's docstring)."""
    from chalicelib.search.records import page_url

    diff = compare(old.manifest, new.manifest)
    sample = diff.pages_markup_only[:SITE_WIDE_SAMPLE]
    titled_added, titled_removed = diff.pages_added[:MAX_TITLES], diff.pages_removed[:MAX_TITLES]
    with ContextPool(max_workers=2) as pool:  # the two sides are read at the same time
        reading_new = pool.submit(new.source.read_pages, [*diff.pages_changed, *sample, *titled_added])
        reading_old = pool.submit(old.source.read_pages, [*diff.pages_changed, *sample, *titled_removed])
        new_bytes, old_bytes = reading_new.result(), reading_old.result()

    def urls(path: str, side: Side) -> tuple[str, str]:
        staging = page_url(side.staging_base_url, path) if side.staging_base_url else ""
        return page_url(side.manifest.base_url, path), staging

    def read(found: dict[str, bytes], path: str) -> PageText:
        return read_page(found[path]) if path in found else PageText("", ())

    pages = {path: (read(old_bytes, path), read(new_bytes, path)) for path in diff.pages_changed}
    changes = {path: text_changes(before.lines, after.lines) for path, (before, after) in pages.items()}
    old_pages = {entry.path for entry in old.manifest.files if is_page(entry.path, old.manifest)}
    in_both = {
        entry.path
        for entry in new.manifest.files
        if entry.path in old_pages and is_page(entry.path, new.manifest)
    }
    lists = list_pages(new.manifest)
    with_changes = [path for path, change in changes.items() if change]
    removed_shapes, added_shapes = site_wide_lines(
        [changes[path] for path in with_changes],
        pages_in_site=len(in_both),
        lists=[path in lists for path in with_changes],
        singles_in_site=len(in_both - lists),
    )
    changed: list[PageChange] = []
    only_site_wide = len(diff.pages_markup_only)
    for path, (before, after) in pages.items():
        kept = without(changes[path], removed_shapes, added_shapes)
        if path not in old_bytes or path not in new_bytes:
            # Neither the target nor the tarball had it as the manifest says: listed, not guessed at.
            changed.append(replace(_changed_page(path, before, after, kept, urls(path, new)), unread=True))
            continue
        if not kept and before.title == after.title:
            only_site_wide += 1
            continue
        changed.append(_changed_page(path, before, after, kept, urls(path, new)))
    site_wide = []
    in_main = describe(list(changes.values()), removed_shapes, added_shapes)
    if in_main is not None:
        site_wide.append(_site_wide("main content", in_main))
    around = _around_main_content(sample, old_bytes, new_bytes, len(diff.pages_markup_only))
    if around is not None:
        site_wide.append(around)
    added = [
        PageChange(path, url, title=read(new_bytes, path).title, staging_url=staging)
        for path in diff.pages_added
        for url, staging in [urls(path, new)]
    ]
    removed = [
        PageChange(path, title=read(old_bytes, path).title, url=urls(path, old)[0])
        for path in diff.pages_removed
    ]
    untitled = len(diff.pages_added) - len(titled_added) + len(diff.pages_removed) - len(titled_removed)
    return ChangeReview(
        site=site,
        run=run,
        against=against,
        against_run=against_run,
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(changed),
        changed_site_wide_only=only_site_wide,
        site_wide=tuple(site_wide),
        redirects=diff.redirects,
        assets=diff.assets,
        read_from=(
            Reading("new", new.source.where, new.source.files_read, new.source.requests),
            Reading("old", old.source.where, old.source.files_read, old.source.requests),
        ),
        changed_files=diff.changed_files,
        unchanged_files=diff.unchanged_files,
        untitled=untitled,
    )


def _changed_page(
    path: str, before: PageText, after: PageText, kept: list[TextChange], urls: tuple[str, str]
) -> PageChange:
    lines, shown = 0, []
    for change in kept:
        lines += len(change.removed) + len(change.added)
        if lines > MAX_LINES_PER_PAGE:
            break
        shown.append(change)
    return PageChange(
        path,
        url=urls[0],
        staging_url=urls[1],
        title=after.title,
        old_title=before.title,
        changes=tuple(shown),
        truncated=len(shown) < len(kept),
    )


def _around_main_content(
    sample: tuple[str, ...], old_bytes: dict[str, bytes], new_bytes: dict[str, bytes], pages: int
) -> SiteWideChange | None:
    """What changed around the main content of the `pages` pages changed only in markup, told from a
    sample of them: what every sampled page's whole visible text has in common."""
    part = common_changes(
        [
            text_changes(
                read_page(old_bytes[path], whole_page=True).page_lines,
                read_page(new_bytes[path], whole_page=True).page_lines,
            )
            for path in sample
            if path in old_bytes and path in new_bytes
        ]
    )
    if part is None:
        return None
    return SiteWideChange(
        "around the main content (navigation, header, footer)", part.removed, part.added, pages
    )


def _site_wide(where: str, part: SiteWidePart) -> SiteWideChange:
    return SiteWideChange(where, part.removed, part.added, part.pages)
