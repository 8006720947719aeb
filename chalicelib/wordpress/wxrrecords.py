"""What an export's reader (wxr.py) gives: its site (`Site`), authors, terms, and each item with its
comments, as WordPress wrote them. Records only.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Author:
    login: str
    display_name: str
    email: str = ""
    id: int = 0


@dataclass(frozen=True)
class Term:
    """A category, tag, or term of another taxonomy (nav menus included)."""

    taxonomy: str
    slug: str
    name: str
    parent: str = ""
    description: str = ""
    id: int = 0


@dataclass(frozen=True)
class Comment:
    id: int
    parent: int
    author: str
    author_url: str
    date: str
    date_gmt: str
    content: str
    approved: str
    type: str
    rating: int = 0  # a WooCommerce review's stars (its `rating` comment meta, 1 to 5); 0 for none


@dataclass
class Item:
    """One `<item>` of the export, whatever its post type."""

    id: int
    type: str
    title: str
    link: str
    guid: str
    creator: str
    content: str
    excerpt: str
    date: str
    date_gmt: str
    modified: str
    modified_gmt: str
    slug: str
    status: str
    parent: int
    menu_order: int
    password: str
    sticky: bool
    attachment_url: str
    line: int
    terms: list[Term] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    # Every value of a meta key written more than once (`meta` holds the last, as get_post_meta's
    # single form would); WooCommerce writes one `_price` row per price of a variable product.
    repeated_meta: dict[str, list[str]] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    raw_id: str = ""  # a `<wp:post_id>` that is not a number, as written (the item gets a new id)

    def meta_values(self, key: str) -> list[str]:
        """Every value of a meta key, in export order (`_wp_old_slug` has one per rename)."""
        if key in self.repeated_meta:
            return self.repeated_meta[key]
        return [self.meta[key]] if key in self.meta else []


@dataclass
class Site:
    title: str = ""
    link: str = ""
    description: str = ""
    language: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""
    authors: dict[str, Author] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
