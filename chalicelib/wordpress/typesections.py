"""The content section of each custom post type: where its pages were on the old site.

WordPress serves a custom post type below its rewrite slug, which is rarely the type's name: The
Events Calendar's `tribe_events` at /event/<slug>/, Jetpack's `jetpack-portfolio` at
/portfolio/<slug>/. A section named after the type moved every such page (a redirect each) and gave
the new site addresses like /tribe_events/summer-fair/. The section is now the first segment of the
type's old addresses, when every one of them has it below the old site's base, and it is a plain
slug that is not a year (a dated address), not the first segment of a post's or page's address (a
language prefix, or a page's folder), not a section or taxonomy of the new site, and no other
type's. Otherwise the type keeps a section named after it, as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Set

from chalicelib.wordpress.links import url_path
from chalicelib.wordpress.oldurls import site_relative
from chalicelib.wordpress.slugs import slugify

BUILT_IN = frozenset(["post", "page", "attachment", "nav_menu_item"])
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,60}")


def type_sections(
    links: Iterable[tuple[str, str]],
    *,
    is_old_site: Callable[[str], bool],
    base: str,
    taken: Set[str],
) -> dict[str, str]:
    """type -> section for the custom types whose old addresses share a first segment (see above);
    `links` are (type, old address) of the written items, `base` the old site's base path, `taken`
    the new site's sections and taxonomies."""
    links = list(links)
    if all(kind in BUILT_IN for kind, _ in links):
        return {}  # most exports: no address to read
    firsts: dict[str, set[str]] = {}
    elsewhere: set[str] = set()
    for kind, link in links:
        if not link or "?" in link or not is_old_site(link):
            continue  # a draft's ?post_type=...&p=N, an address elsewhere: no section either way
        parts = site_relative(url_path(link), base).strip("/").split("/")
        if kind in ("post", "page"):
            elsewhere.add(parts[0])
        elif kind not in BUILT_IN:
            firsts.setdefault(kind, set()).add(parts[0] if len(parts) > 1 else "")
    taken = {*taken, *(slugify(kind) for kind in firsts)}  # the sections named after types
    found: dict[str, str] = {}
    for kind, segments in firsts.items():
        (segment,) = segments if len(segments) == 1 else ("",)  # none, or several: no one section
        if SLUG.fullmatch(segment) and not segment.isdigit() and segment not in elsewhere | taken:
            found[kind] = segment
    shared = {segment for segment in found.values() if list(found.values()).count(segment) > 1}
    return {kind: segment for kind, segment in found.items() if segment not in shared}
