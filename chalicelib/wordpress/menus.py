"""WordPress nav menus as Hugo menu entries.

The site's main menu becomes Hugo's `main`; other menus keep their own (slug) names. Entries that point
at content which is not published are left out, so a menu never links to a missing page.
This module must never invent entries: each one comes from a nav_menu_item of the export.
"""

from __future__ import annotations

import html
from typing import Any

from chalicelib.wordpress.links import SiteMap
from chalicelib.wordpress.plan import MenuItem, Plan

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
        return "pageRef", "/" + placement.folder, ""
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
    if not item.url:
        return None
    rewritten = sitemap.rewrite(item.url)
    return "url", rewritten or item.url, ""


def _linked_name(item: MenuItem, term_names: dict[tuple[str, int], str], titles: dict[int, str]) -> str:
    """What WordPress shows for an entry saved without a title: the linked page's or term's name."""
    if item.kind == "taxonomy":
        # A term id is not a post id: look it up among the terms, never in the titles of posts.
        return " ".join(html.unescape(term_names.get((item.object, item.object_id), "")).split())
    if item.kind == "post_type":
        return titles.get(item.object_id, "")
    return ""


def menu_entries(plan: Plan, titles: dict[int, str]) -> dict[str, list[dict[str, Any]]]:
    main = main_menu_slug(plan.menu_items, plan.options.main_menu)
    entries: dict[str, list[dict[str, Any]]] = {}
    kept: set[int] = set()
    resolved: list[tuple[MenuItem, str, str, str]] = []
    term_names = {(t.taxonomy, t.id): t.name for t in plan.site.terms if t.id}
    for item in plan.menu_items:
        target = _target(item, plan, plan.sitemap)
        if target is None:
            continue
        resolved.append((item, *target))
        kept.add(item.id)
    for item, key, value, fallback in sorted(resolved, key=lambda r: (r[0].menu, r[0].order, r[0].id)):
        title = " ".join(html.unescape(item.title).split())
        name = title or _linked_name(item, term_names, titles) or fallback or value
        entry: dict[str, Any] = {
            "name": name,
            key: value,
            "weight": item.order,
            "identifier": f"wp-{item.id}",
        }
        if item.parent and item.parent in kept:
            entry["parent"] = f"wp-{item.parent}"
        entries.setdefault("main" if item.menu == main else item.menu, []).append(entry)
    return entries
