"""Which items a WordPress site showed its visitors, by `<wp:status>`.

Core registers `publish` as its only public status: `future` becomes it on its date, and an
attachment's `inherit` follows its parent. Plugins register more, nearly all of them hidden: Yoast
Duplicate Post's `dp-rewrite-republish` (the copy of a published page being rewritten to replace it),
PublishPress's and Edit Flow's editorial statuses (`pitch`, `assigned`, `in-progress`), bbPress's
`hidden`; bbPress's `closed` (a closed topic, still shown) is public. On a site without the
plugin a status it does not know is not viewable at all (`is_post_status_viewable`), so an unknown
status is written as a draft, with a warning: nothing a visitor never saw gets published.
"""

from __future__ import annotations

from typing import Protocol

from chalicelib.wordpress.wxr import UNTYPED

DRAFT_STATUSES = frozenset({"draft", "pending", "private", UNTYPED})
SKIPPED_STATUSES = frozenset({"trash", "auto-draft", "inherit", "spam"})  # spam: Jetpack's, bbPress's
#: Statuses a visitor saw: WordPress's own, and those plugins register as public.
PUBLIC_STATUSES = frozenset({"publish", "closed"})
KNOWN_STATUSES = DRAFT_STATUSES | SKIPPED_STATUSES | PUBLIC_STATUSES | {"future"}


class _Stated(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def password(self) -> str: ...


def item_status(item: _Stated) -> str:
    """published, draft, future or skipped (trash, auto-drafts, spam, revisions' inherit). An attachment's
    own status is `inherit` (its parent's): it is published unless marked otherwise."""
    attachment = item.type == "attachment"
    if item.status in SKIPPED_STATUSES and not attachment:
        return "skipped"
    if item.password or item.status in DRAFT_STATUSES:
        return "draft"
    if item.status == "future":
        return "future"
    return "published" if attachment or item.status in PUBLIC_STATUSES else "draft"


def unknown_status_note(status: str) -> str:
    """The warning for a status WordPress does not know without a plugin ("" for a known one)."""
    if status in KNOWN_STATUSES:
        return ""
    return (
        f"status {status!r} is a plugin's, which WordPress does not show visitors without it; "
        "written as a draft"
    )
