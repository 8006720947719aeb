"""Every item's identity, settled the way WordPress's importer settles it."""

import pytest

from chalicelib.wordpress.identity import SYNTHETIC_BASE, ItemIdentities
from chalicelib.wordpress.wxr import Item


def make(
    item_id, title="Hello", date="2024-01-02 03:04:05", item_type="post", guid="", file="", status="publish"
):
    return Item(
        id=item_id, type=item_type, title=title, link="", guid=guid, creator="", content="", excerpt="",
        date=date, date_gmt="", modified="", modified_gmt="", slug="", status=status, parent=0,
        menu_order=0, password="", sticky=False, attachment_url=file, line=7,
    )  # fmt: skip


def test_a_real_id_is_kept():
    item = make(12)
    assert ItemIdentities().settle(item).kept and item.id == 12


def test_a_missing_id_gets_a_new_one_from_the_guid_that_no_real_id_reaches():
    first, again = make(0, guid="https://old.example/?p=5"), make(0, guid="https://old.example/?p=5")
    ItemIdentities().settle(first)
    ItemIdentities().settle(again)
    assert first.id == again.id >= SYNTHETIC_BASE


def test_a_taken_id_gets_a_new_one_and_names_both_items():
    identities = ItemIdentities()
    identities.settle(make(12, title="First"))
    second = make(12, title="Second")
    settled = identities.settle(second)
    assert settled.kept and settled.new_id and second.id >= SYNTHETIC_BASE
    assert "'Second'" in settled.message and "'First'" in settled.message


@pytest.mark.parametrize(
    ("other", "kept"),
    [
        (make(13), False),  # same type, title and date: the importer's "already exists"
        (make(12), False),  # the same post listed twice
        (make(13, item_type="page"), True),
        (make(13, date="2024-01-03 00:00:00"), True),
        (make(13, title=""), True),  # no title: nothing to compare
        (make(13, status="trash"), True),  # a trashed copy is not the published post
        (make(13, item_type="nav_menu_item"), True),
    ],
)
def test_an_item_that_already_exists_is_left_out(other, kept):
    identities = ItemIdentities()
    identities.settle(make(12))
    assert identities.settle(other).kept is kept


def test_attachments_with_one_title_and_date_but_different_files_are_both_kept():
    identities = ItemIdentities()
    assert identities.settle(make(0, item_type="attachment", file="https://x/a.png")).kept
    assert identities.settle(make(0, item_type="attachment", file="https://x/b.png")).kept
