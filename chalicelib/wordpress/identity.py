"""Every item of an export gets its own identity, the way WordPress's importer settles it.

The importer (`WP_Import::process_posts`) imports an item with an empty or missing `<wp:post_id>` as
a new post, and does not create a post that "already exists": one of the same type with the same
title and date (`post_exists`; here also the same status, so a trashed or draft copy never hides the
published post). Nav menu items are not checked that way (the importer handles them
before the check). An item whose id was already used by a different item is a second post that the
importer would drop without a word; here it is kept as its own page with a new identity and reported,
naming both items.

New identities are stable: derived from the item's guid (or link, or type, title and date), never
from the order of the export alone, and drawn from a range no WordPress site reaches, so they never
collide with a real post id.

This module must never keep item bodies: it remembers a few short strings per item.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from chalicelib.wordpress.wxr import UNTYPED, Item

# wp_posts.ID is a BIGINT; no site reaches 10^15 posts, and JSON, YAML and Hugo keep these exactly.
SYNTHETIC_BASE = 10**15
SYNTHETIC_SPAN = 10**14


@dataclass(frozen=True)
class Settled:
    """What happened to one item: kept under its own id, given a new one, or left out as a repeat."""

    kept: bool
    new_id: bool = False
    message: str = ""
    same_as: int = 0  # a repeat: the id of the item it repeats


def describe(item: Item) -> str:
    return f"{item.type} {item.id or '(no id)'} {item.title!r} (line {item.line})"


class ItemIdentities:
    """Settles each item's id as the export is read, in export order."""

    def __init__(self) -> None:
        self._by_id: dict[int, str] = {}  # id -> description of the item that holds it
        # (type, title, date, status, attachment file) -> description. The status and the file go
        # beyond `post_exists`: a trashed copy never hides the published post, nor one image another.
        # With the hash of its text, to say when a left-out repeat's text was not the same.
        self._existing: dict[tuple[str, ...], tuple[str, int, int]] = {}

    def settle(self, item: Item) -> Settled:
        """Decides the item's identity; sets `item.id` when it needs a new one."""
        label = describe(item)
        exists_key = (
            item.type,
            item.title.strip(),
            item.date.strip(),
            item.status.strip(),
            item.attachment_url.strip(),
        )
        if item.type != "nav_menu_item" and all(exists_key[:3]) and exists_key in self._existing:
            other, other_id, text = self._existing[exists_key]
            message = f"{label} already exists as {other} (same title and date); left out"
            if hash(item.content) != text:  # as the importer drops it, but its text was not the same
                message += "; its text differs from that item's: compare the two in the export"
            return Settled(False, message=message, same_as=other_id)
        original = item.id
        # An item the importer would refuse (no type, no status) never takes an id from one it imports.
        if original > 0 and original not in self._by_id and item.status != UNTYPED:
            self._hold(item, exists_key, label)
            return Settled(True)
        item.id = self._new_id(item)
        if original > 0 and item.status != UNTYPED:
            message = f"{label} has the id of {self._by_id[original]}; written with the new id {item.id}"
        else:
            message = ""
        self._hold(item, exists_key, describe(item))
        return Settled(True, new_id=True, message=message)

    def _hold(self, item: Item, exists_key: tuple[str, ...], label: str) -> None:
        self._by_id[item.id] = label
        if item.type != "nav_menu_item" and all(exists_key[:3]):
            self._existing.setdefault(exists_key, (label, item.id, hash(item.content)))

    def _new_id(self, item: Item) -> int:
        source = item.guid or item.link or f"{item.type}\n{item.title}\n{item.date}\n{item.slug}"
        digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).digest()
        candidate = SYNTHETIC_BASE + int.from_bytes(digest[:8], "big") % SYNTHETIC_SPAN
        while candidate in self._by_id:  # the same guid twice, or (rarely) a hash collision
            candidate += 1
        return candidate
