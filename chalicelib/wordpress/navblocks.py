"""Block-theme menus: a `wp_navigation` post's blocks as menu items.

Block themes (WordPress 5.9 on, every default theme since Twenty Twenty-Two) keep a site's menus in
`wp_navigation` posts, not in `nav_menu_item`s. Their content is blocks: `navigation-link`,
`navigation-submenu` (a link with links inside), `home-link`, and `page-list`, which stands for every
published page as WordPress lists them. Other blocks in a navigation (search, social icons, spacers)
are not links and are left out.

Which menu is the header's: the one a template part names (`<!-- wp:navigation {"ref":N} /-->`),
else, where the site used a block theme or has no classic menu, the one WordPress's navigation block
falls back on: the most recently published `wp_navigation` post.

This module must never invent entries: each one comes from a block of the export (a page list's from
the pages it lists). It reads block comments only; the block's attributes are hostile JSON, read
with their types checked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from chalicelib.wordpress.menuitem import MenuItem
from chalicelib.wordpress.plaintext import plain

# A block's attributes never hold "-->" (WordPress writes "--" as \u002d\u002d): a comment that does is
# not a block, and cannot run on into the next one.
ATTRIBUTES = r"\{(?:(?!-->).)*?\}"
BLOCK = re.compile(rf"<!--\s*(/)?wp:([a-z][a-z0-9-]*(?:/[a-z][a-z0-9-]*)?)(\s+{ATTRIBUTES})?\s*(/)?-->", re.S)
NAVIGATION_REF = re.compile(rf"<!--\s*wp:(?:core/)?navigation\s+({ATTRIBUTES})\s*/?-->", re.S)
LINKS = frozenset({"navigation-link", "navigation-submenu"})
# The block's `type` for a tag is "tag" where a menu item's object is "post_tag".
OBJECTS = {"tag": "post_tag"}
MAX_DEPTH = 32
MAX_ENTRIES = 2_000


@dataclass
class Navigation:
    """One published `wp_navigation` post."""

    id: int
    slug: str
    title: str
    date: str
    items: list[MenuItem] = field(default_factory=list)


def _attributes(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        found = json.loads(raw)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _text(value: object) -> str:
    return plain(value) if isinstance(value, str) else ""


def _number(value: object) -> int:
    # JSON numbers only (a bool is an int to Python, never an id); an id WordPress could not have is 0.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    number = int(value)
    return number if number > 0 and number == value else 0


def _item(
    name: str, attributes: dict[str, Any], menu: str, key: str, parent_key: str, order: int
) -> MenuItem:
    kind = _text(attributes.get("kind")).replace("-", "_") or "custom"
    target = _text(attributes.get("type"))
    if name == "home-link":
        kind, target = "home", ""
    elif name == "page-list":
        kind, target = "page_list", "page"
    object_id = _number(attributes.get("parentPageID" if name == "page-list" else "id"))
    url = attributes.get("url")
    return MenuItem(
        id=0,
        menu=menu,
        menu_name="",
        title=_text(attributes.get("label")),
        order=order,
        parent=0,
        kind=kind,
        object=OBJECTS.get(target, target),
        object_id=object_id,
        url=url.strip() if isinstance(url, str) else "",
        key=key,
        parent_key=parent_key,
    )


def navigation_items(content: str, menu: str, navigation_id: int) -> list[MenuItem]:
    """The menu items a navigation's blocks hold, in order, each submenu's links under it."""
    items: list[MenuItem] = []
    parents: list[str] = []  # the keys of the open submenus, innermost last
    for match in BLOCK.finditer(content):
        closing, name, raw, self_closing = match.groups()
        name = name.removeprefix("core/")
        if closing:
            if name in LINKS and parents:
                parents.pop()
            continue
        if name not in LINKS and name not in ("home-link", "page-list"):
            continue
        if len(items) >= MAX_ENTRIES:
            break
        key = f"nav-{navigation_id}-{len(items) + 1}"
        items.append(_item(name, _attributes(raw), menu, key, parents[-1] if parents else "", len(items) + 1))
        if name in LINKS and not self_closing and len(parents) < MAX_DEPTH:
            parents.append(key)
    return items


def navigation_refs(content: str) -> list[int]:
    """The wp_navigation ids a template or template part shows, in the order it shows them."""
    refs = (_number(_attributes(raw).get("ref")) for raw in NAVIGATION_REF.findall(content))
    return [ref for ref in refs if ref]


def header_navigation(navigations: list[Navigation], refs: list[int]) -> Navigation | None:
    """The navigation a template names first, else the most recently published one."""
    by_id = {n.id: n for n in navigations}
    named = next((by_id[ref] for ref in refs if ref in by_id), None)
    if named is not None:
        return named
    return max(navigations, key=lambda n: (n.date, n.id), default=None)
