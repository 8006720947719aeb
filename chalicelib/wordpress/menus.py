"""WordPress nav menus as Hugo menu entries.

The site's main menu becomes Hugo's `main`; other menus keep their own (slug) names. Entries that point
at content which is not published are left out, so a menu never links to a missing page.
A block theme's menus (`wp_navigation` posts, read by `navblocks`) become Hugo menus the same way; the
one its header shows is `main`. This module must never invent entries: each one comes from a
nav_menu_item or a navigation block of the export (a page list's from the pages it lists).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from chalicelib.wordpress.links import SiteMap
from chalicelib.wordpress.navblocks import MAX_ENTRIES, Navigation, header_navigation
from chalicelib.wordpress.oldurls import site_base_path, site_relative
from chalicelib.wordpress.plaintext import plain
from chalicelib.wordpress.plan import MenuItem, Plan

MAX_PAGE_DEPTH = 16
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
LINK_SCHEMES = frozenset({"", "http", "https", "mailto", "tel"})
MAIN_NAMES = ("main", "primary", "main-menu", "primary-menu", "header", "header-menu", "top", "menu")


def main_menu_slug(items: list[MenuItem], wanted: str) -> str:
    slugs = sorted({i.menu for i in items})
    if not slugs:
        return ""
    if wanted and wanted in slugs:
        return wanted
    for name in MAIN_NAMES:
        if name in slugs:
            return name
    sizes = {s: sum(1 for i in items if i.menu == s) for s in slugs}
    return sorted(slugs, key=lambda s: (-sizes[s], s))[0]


def _target(item: MenuItem, plan: Plan, sitemap: SiteMap) -> tuple[str, str, str] | None:
    """(key, value, fallback title) for an entry: ("pageRef", "/about", "About") or ("url", ...)."""
    if item.kind == "post_type":
        placement = plan.placements.get(item.object_id)
        if placement is None or placement.status != "published":
            return None
        return "pageRef", placement.page_ref, ""
    if item.kind == "taxonomy":
        url = sitemap.term_urls.get((item.object, str(item.object_id)))
        return ("pageRef", url.rstrip("/"), "") if url else None
    if item.kind == "post_type_archive":  # a custom type's archive (Events, Portfolio): its section's list
        if item.object in ("post", "page"):
            return None
        shown = (
            p.section for p in plan.placements.values() if p.type == item.object and p.status == "published"
        )
        section = next(shown, "")
        return ("pageRef", "/" + section, section.replace("-", " ").capitalize()) if section else None
    if not item.url or _scheme(item.url) not in LINK_SCHEMES:  # javascript:, data: and the like
        return None
    rewritten = sitemap.rewrite(item.url)
    if rewritten is None and item.url.startswith("/") and not item.url.startswith("//"):
        # A path on the old site's host that no page here answers by name (a post format's archive):
        # from the new site's root, as Hugo puts the baseURL's own path before a menu's `url` (a site
        # at /qtron linked /qtron/qtron/type/audio/).
        path, mark, rest = item.url.partition("?") if "?" in item.url else item.url.partition("#")
        rewritten = site_relative(path, site_base_path(plan.site)) + mark + rest
    if rewritten is None and item.url.startswith("index.php"):
        # WordPress's front controller, named in a link to the home page's parts (`index.php/#about`):
        # the new site's home; as written it led to /index.php/ on every page of the new site.
        rewritten = "/" + item.url.removeprefix("index.php").lstrip("/")
    return "url", rewritten or item.url, ""


def _scheme(url: str) -> str:
    found = SCHEME.match(url.strip())
    return found.group(1).lower() if found else ""


def _in_export(item: MenuItem, plan: Plan) -> bool:
    """Whether the page or term a navigation link names by id is in this export (published or not)."""
    if item.kind == "taxonomy":
        return any(t.id == item.object_id for t in plan.site.terms)
    return item.object_id in plan.placements or item.object_id in plan.skipped


def _linked_name(item: MenuItem, term_names: dict[tuple[str, int], str], titles: dict[int, str]) -> str:
    """What WordPress shows for an entry saved without a title: the linked page's or term's name."""
    if item.kind == "taxonomy":
        # A term id is not a post id: look it up among the terms, never in the titles of posts.
        return " ".join(html.unescape(term_names.get((item.object, item.object_id), "")).split())
    if item.kind == "post_type":
        return titles.get(item.object_id, "")
    return ""


def _main_menu(plan: Plan) -> tuple[str, str | int]:
    """The header's menu: ("classic", its slug), ("navigation", its post id), or ("", "") for none."""
    wanted = plan.options.main_menu
    classic = main_menu_slug(plan.menu_items, wanted)
    if wanted and wanted != classic:
        chosen = next((n for n in plan.navigations if n.slug == wanted), None)
        if chosen is not None:
            return "navigation", chosen.id
    if wanted and wanted == classic:
        return "classic", classic
    # A block theme shows a navigation (the one its header names, else WordPress's fallback: the most
    # recent); a classic theme shows its classic menu, and an export without either kind has one kind.
    navigation = header_navigation(plan.navigations, plan.navigation_refs)
    if navigation is not None and (plan.block_theme or plan.navigation_refs or not classic):
        return "navigation", navigation.id
    return ("classic", classic) if classic else ("", "")


def _entry(name: str, key: str, value: str, weight: int, identifier: str, parent: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name}
    if key:
        entry[key] = value
    entry.update(weight=weight, identifier=identifier)
    if parent:
        entry["parent"] = parent
    return entry


def _classic_entries(plan: Plan, titles: dict[int, str], main: str) -> dict[str, list[dict[str, Any]]]:
    entries: dict[str, list[dict[str, Any]]] = {}
    kept: set[str] = set()
    resolved: list[tuple[MenuItem, str, str, str]] = []
    term_names = _term_names(plan)
    for item in plan.menu_items:
        target = _target(item, plan, plan.sitemap)
        if target is None:
            continue
        resolved.append((item, *target))
        kept.add(item.key)
    for item, key, value, fallback in sorted(resolved, key=lambda r: (r[0].menu, r[0].order, r[0].id)):
        # WordPress shows a menu item's title as HTML (a theme demo's icon `<span>`s): its text, here.
        title = plain(item.title)
        name = title or _linked_name(item, term_names, titles) or fallback or value
        parent = item.parent_key if item.parent_key in kept else ""
        menu = "main" if item.menu == main else item.menu
        entries.setdefault(menu, []).append(_entry(name, key, value, item.order, item.key, parent))
    return entries


def _term_names(plan: Plan) -> dict[tuple[str, int], str]:
    return {(t.taxonomy, t.id): t.name for t in plan.site.terms if t.id}


def _listed_pages(plan: Plan, titles: dict[int, str]) -> dict[int, list[int]]:
    """The published pages by parent, in the order WordPress's page list shows them (menu order, then
    title); a page under an unpublished one is not shown, as there."""
    children: dict[int, list[int]] = {}
    for page_id, placement in plan.placements.items():
        if placement.type == "page" and placement.status == "published" and page_id in plan.page_order:
            children.setdefault(plan.page_order[page_id][1], []).append(page_id)
    for pages in children.values():
        pages.sort(key=lambda p: (plan.page_order[p][0], titles.get(p, "")))
    return children


def _navigation_entries(
    navigation: Navigation, plan: Plan, titles: dict[int, str], pages: dict[int, list[int]]
) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    shown: dict[str, str] = {"": ""}  # an item's key -> the identifier its children go under
    term_names = _term_names(plan)

    def add_pages(parent_page: int, under: str, key: str, depth: int) -> None:
        for page_id in pages.get(parent_page, []):
            if len(entries) >= MAX_ENTRIES or depth > MAX_PAGE_DEPTH:
                return
            identifier = f"{key}-{page_id}"
            ref = plan.placements[page_id].page_ref
            name = titles.get(page_id) or "(no title)"
            entries.append(_entry(name, "pageRef", ref, len(entries) + 1, identifier, under))
            add_pages(page_id, identifier, key, depth + 1)

    for item in navigation.items:
        under = shown.get(item.parent_key, "")
        if item.kind == "page_list":
            add_pages(item.object_id, under, item.key, 0)
            continue
        target = ("pageRef", "/", "Home") if item.kind == "home" else _target(item, plan, plan.sitemap)
        if target is None and item.kind != "custom" and not _in_export(item, plan):
            target = _target(replace(item, kind="custom"), plan, plan.sitemap)  # its old address, then
        if target is None and not item.url and item.title:
            target = ("", "", "")  # a submenu's heading that links nowhere
        if target is None:
            shown[item.key] = under  # its links go where it would have been
            continue
        key, value, fallback = target
        name = item.title or _linked_name(item, term_names, titles) or fallback or value
        entries.append(_entry(name, key, value, len(entries) + 1, item.key, under))
        shown[item.key] = item.key
    return entries


def menu_entries(plan: Plan, titles: dict[int, str]) -> dict[str, list[dict[str, Any]]]:
    """Hugo's menus: the header's as `main`, every other by its slug."""
    kind, main = _main_menu(plan)
    classic_slugs = {i.menu for i in plan.menu_items}
    entries = _classic_entries(plan, titles, str(main) if kind == "classic" else "")
    if kind == "navigation" and "main" in entries:  # a classic menu named main, no longer the header's
        entries["classic-main"] = entries.pop("main")
    pages = _listed_pages(plan, titles) if plan.navigations else {}
    for navigation in plan.navigations:
        if kind == "navigation" and navigation.id == main:
            name = "main"
        elif navigation.slug in classic_slugs or navigation.slug in entries or navigation.slug == "main":
            continue  # WordPress's block copy of a classic menu, already there under its name
        else:
            name = navigation.slug
        entries[name] = _navigation_entries(navigation, plan, titles, pages)
    return {name: found for name, found in entries.items() if found}


def left_out_note(items: Iterable[MenuItem], written: set[str]) -> str:
    """The warning for menu entries left out (their page, term or address is not in the export): each
    named by its menu and title or what it linked, so the operator can add it by hand. Six entries under
    a "Post formats" item went with a count alone, and their parent opened nothing."""
    gone = [item for item in items if item.key not in written]
    named = [
        f"{item.menu_name or item.menu}: {item.title or f'{item.object} {item.object_id}'}"
        for item in gone[:8]
    ]
    more = f" and {len(gone) - 8} more" if len(gone) > 8 else ""
    return (
        f"{len(gone)} menu entr{'y' if len(gone) == 1 else 'ies'} left out, linking to what the export does "
        f"not have: {'; '.join(named)}{more}"
    )
