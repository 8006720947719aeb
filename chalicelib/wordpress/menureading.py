"""A site's menus as the export holds them, read into the plan: classic menus' `nav_menu_item`s, a
block theme's `wp_navigation` posts, and which navigation its templates show (`menus` writes them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.wordpress.menuitem import MenuItem
from chalicelib.wordpress.navblocks import Navigation, navigation_items, navigation_refs
from chalicelib.wordpress.plaintext import plain
from chalicelib.wordpress.slugs import slugify
from chalicelib.wordpress.wxr import Item, as_int

if TYPE_CHECKING:
    from chalicelib.wordpress.plan import Plan

#: Items only a block theme has: its templates and template parts, and its global styles.
BLOCK_THEME_TYPES = frozenset({"wp_template", "wp_template_part", "wp_global_styles"})


def read_menu_item(plan: Plan, item: Item) -> None:
    menu = next((t for t in item.terms if t.taxonomy == "nav_menu"), None)
    if menu is None:
        return
    plan.menu_items.append(
        MenuItem(
            id=item.id,
            menu=slugify(menu.slug) or "main",
            menu_name=menu.name,
            title=item.title,
            order=item.menu_order,
            parent=as_int(item.meta.get("_menu_item_menu_item_parent", "0")),
            kind=item.meta.get("_menu_item_type", "custom"),
            object=item.meta.get("_menu_item_object", ""),
            object_id=as_int(item.meta.get("_menu_item_object_id", "0")),
            url=item.meta.get("_menu_item_url", "").strip(),
        )
    )


def read_navigation(plan: Plan, item: Item) -> None:
    if item.status != "publish" or item.password:
        plan.counts["wp_navigation/skipped"] += 1
        return
    menu = slugify(item.slug) or f"navigation-{item.id}"
    items = navigation_items(item.content, menu, item.id)
    plan.navigations.append(Navigation(item.id, menu, plain(item.title), item.date_gmt or item.date, items))


def read_block_theme_part(plan: Plan, item: Item) -> None:
    """A block theme's template or styles: the site used a block theme; a template part names the
    navigations it shows (the header's first)."""
    plan.block_theme = True
    refs = navigation_refs(item.content)
    if item.type == "wp_template_part" and "header" in item.slug:
        plan.navigation_refs[:0] = refs
    else:
        plan.navigation_refs.extend(refs)
