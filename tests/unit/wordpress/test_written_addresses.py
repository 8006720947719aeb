"""Addresses as exports write them, read as what they are: a media item's URL with junk before its
address (`=https://...`, a machine-made export's 18 products) is read from where the address starts
(Hugo showed each featured image as `#ZgotmplZ`), and a hand-written item link without its slash is
the site's path."""

from __future__ import annotations

import pytest

from chalicelib.wordpress.links import media_address


@pytest.mark.parametrize(
    ("written", "read"),
    [
        (
            "=https://raw.githubusercontent.com/a/b/beanie-2.jpg",
            "https://raw.githubusercontent.com/a/b/beanie-2.jpg",
        ),
        ("  https://old.example/wp-content/uploads/a.jpg ", "https://old.example/wp-content/uploads/a.jpg"),
        ("HTTP://old.example/a.jpg", "HTTP://old.example/a.jpg"),
        ("/wp-content/uploads/a.jpg", "/wp-content/uploads/a.jpg"),
        ("a.jpg", "a.jpg"),
        ("", ""),
    ],
)
def test_the_address_is_read_from_where_it_starts(written: str, read: str) -> None:
    assert media_address(written) == read


@pytest.mark.parametrize(
    ("link", "read"),
    [
        ("miscellaneous/wiki-documentation/", "/miscellaneous/wiki-documentation/"),
        ("/misc/rooted/", "/misc/rooted/"),
        ("https://old.example/a/", "https://old.example/a/"),
        ("?p=5", "?p=5"),
        ("www.example.org/a/", "www.example.org/a/"),
        ("about", "about"),
    ],
)
def test_a_hand_written_item_link_without_its_slash_is_the_sites_path(link: str, read: str) -> None:
    """A wiki's hand-edited export wrote `<link>miscellaneous/wiki-documentation/</link>`: the page's
    old address answered nothing, while its old slug's (made from the same link) did."""
    from chalicelib.wordpress.wxrelements import rooted

    assert rooted(link) == read
