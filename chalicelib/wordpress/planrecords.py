"""What a conversion's plan holds (plan.py makes it): where each item goes (`Placement`), the media
library (`MediaItem`), and the whole plan (`Plan`) the writing pass reads. Records only: no logic
beyond a field's own derivation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from chalicelib.wordpress.links import LOCAL_UPLOADS_PREFIX, SiteMap
from chalicelib.wordpress.menuitem import MenuItem
from chalicelib.wordpress.navblocks import Navigation
from chalicelib.wordpress.options import ConvertOptions
from chalicelib.wordpress.polylang import Language
from chalicelib.wordpress.terms import TermPage, term_key
from chalicelib.wordpress.wxr import Site, Term


@dataclass
class Placement:
    """Where one content item goes and how it is published."""

    id: int
    type: str
    section: str
    slug: str
    folder: str  # content-relative: "posts/harbour-day", "about/team"
    url: str
    status: str  # "published", "draft", "future"
    branch: bool = False  # has child pages: written as _index.md
    aliases: list[str] = field(default_factory=list)
    front: bool = False  # the static front page: written as the home page (frontpage.py)
    posts_page: bool = False  # the page that listed the posts: the posts section's list (postspage.py)
    ref: str = ""  # Hugo's path of the page when not its folder's: "/" for the front page
    old_path: str = ""  # its own address on the old site (its link's path), when it had one there
    layout: str = ""  # the theme's layout it is shown with, when not its kind's ("search")

    @property
    def page_ref(self) -> str:
        """Hugo's path of the page (a menu's pageRef)."""
        return self.ref or "/" + self.folder

    renamed_from: str = ""


@dataclass
class MediaItem:
    id: int
    rel: str
    url: str
    title: str
    alt: str
    caption: str
    parent: int
    link: str

    @property
    def local_url(self) -> str:
        """Where the file is served from in the new site (its old URL when it was not an upload)."""
        return LOCAL_UPLOADS_PREFIX + self.rel if self.rel else self.url


@dataclass
class Plan:
    site: Site
    options: ConvertOptions
    sitemap: SiteMap = field(default_factory=SiteMap)
    placements: dict[int, Placement] = field(default_factory=dict)
    skipped: dict[int, str] = field(default_factory=dict)  # id -> why
    media: dict[int, MediaItem] = field(default_factory=dict)
    menu_items: list[MenuItem] = field(default_factory=list)
    navigations: list[Navigation] = field(default_factory=list)  # published wp_navigation posts
    navigation_refs: list[int] = field(default_factory=list)  # those the templates show, header's first
    block_theme: bool = False  # the export has a block theme's templates or styles
    page_order: dict[int, tuple[int, int]] = field(default_factory=dict)  # page id -> (menu_order, parent)
    term_pages: dict[tuple[str, str], TermPage] = field(default_factory=dict)
    taxonomies: dict[str, str] = field(default_factory=dict)  # singular -> plural
    children_by_parent: dict[int, list[int]] = field(default_factory=dict)
    home_aliases: list[str] = field(default_factory=list)
    offset: str = "+00:00"
    counts: Counter[str] = field(default_factory=Counter)
    renamed: list[tuple[int, str, str]] = field(default_factory=list)
    # (page id, its parent's folder): pages nested too deep for a path, placed at the top level instead
    flattened: list[tuple[int, str]] = field(default_factory=list)
    password_protected: list[int] = field(default_factory=list)
    # an id that leads to another item's page (a guid's ?p=N, a repeat's own id) -> that item's id
    id_aliases: dict[int, int] = field(default_factory=dict)
    term_ids: dict[tuple[str, int], str] = field(default_factory=dict)  # (taxonomy, term id) -> url
    item_queries: dict[str, dict[str, str]] = field(default_factory=dict)  # query var -> value -> url
    dropped_aliases: list[tuple[str, str]] = field(default_factory=list)  # (alias, whose)
    nested_aliases: list[tuple[str, str, str]] = field(default_factory=list)  # (alias, whose, url)
    long_aliases: list[tuple[str, str]] = field(default_factory=list)  # (alias, whose): too long for a path
    term_values: dict[tuple[str, str], str] = field(default_factory=dict)  # term_key -> front matter value
    term_values_by_id: dict[tuple[str, int], str] = field(default_factory=dict)  # (taxonomy, id) -> value
    languages: dict[str, Language] = field(default_factory=dict)  # Polylang's, by slug (polylang.py)
    # Polylang's groups of translations: item id -> its group's (language slug, item id), itself included
    translations: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    list_pages: dict[int, str] = field(default_factory=dict)  # page id -> the taxonomy list it is
    unlisted: dict[str, int] = field(default_factory=dict)  # a list not built -> the item at its address
    # The Hugo taxonomy that lists published posts by year and month (datearchives.py), "" for none.
    date_archives: str = ""
    # The Hugo taxonomy that lists published posts by Polylang language (polylang.py), "" for none.
    language_lists: str = ""
    # Published posts by author login: how many pages of /author/login/ WordPress served.
    author_posts: Counter[str] = field(default_factory=Counter)

    def term_value(self, term: Term) -> str:
        """What a post's front matter names the term by ("" when it has no page of its own)."""
        return self.term_values.get(term_key(term.taxonomy, term.slug), "")
