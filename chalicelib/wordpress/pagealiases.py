"""Old URLs that are a page's own address on the new site, taken off the aliases that name them.

An alias on a URL that a page lives at would replace that page with a redirect: a page's, a term's,
a section's or a taxonomy list's address, the home page, or one of their later pages, which Hugo's
pagination writes there.

One exception: a taxonomy's list of its terms (`/tags/`, `/archives/`) is Presslift's, not the old
site's. Where a published post (or a page that could not be that list's page) lived at that address,
the list is not built and the address keeps leading to the item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.wordpress.oldurls import LATER_PAGE, site_base_path, site_relative

if TYPE_CHECKING:
    from chalicelib.wordpress.plan import Plan


def drop_aliases_that_are_pages(plan: Plan) -> None:
    """Take off every alias of `plan` that is a page's own address (see the module's docstring)."""
    # An alias on a URL that a page lives at would replace that page with a redirect.
    base = site_base_path(plan.site)
    unlisted = _lists_given_up(plan, base)
    taken = (
        {p.url for p in plan.placements.values()}
        | {f"/{t.taxonomy}/{t.folder}/" for t in plan.term_pages.values()}
        | {f"/{p.section}/" for p in plan.placements.values()}
        | {f"/{plural}/" for plural in plan.taxonomies.values()}  # a taxonomy's list of its terms
        | {"/"}
    )

    def free(alias: str, owner: int = 0) -> bool:
        if alias in unlisted:  # a list not built: its address is its old item's alone
            return unlisted[alias][1] == owner
        # Nor on one of a page's own later pages, which Hugo's pagination writes there.
        later = LATER_PAGE.match(alias)
        return alias not in taken and (later is None or later.group(1) not in taken)

    def kept(aliases: list[str], owner: int = 0) -> list[str]:
        relative = dict.fromkeys(site_relative(a, base) for a in aliases)
        return [a for a in relative if free(a, owner)]

    for placement in plan.placements.values():
        placement.aliases = kept(placement.aliases, placement.id)
    plan.home_aliases = kept(plan.home_aliases)
    for term_page in plan.term_pages.values():  # their aliases are the new site's paths already
        term_page.aliases = [alias for alias in term_page.aliases if free(alias)]


def _lists_given_up(plan: Plan, base: str) -> dict[str, tuple[str, int]]:
    """The taxonomy lists whose address a published item had on the old site (its own link, an alias
    of its): address -> (the taxonomy's plural, the item's id), recorded in `plan.unlisted`. A list
    with a page of its own (an "Archives" page, `plan.list_pages`) is kept."""
    lists = {f"/{plural}/": plural for plural in plan.taxonomies.values()}
    own = {p.url for p in plan.placements.values()}
    given_up: dict[str, tuple[str, int]] = {}
    for placement in plan.placements.values():
        if placement.status != "published" or placement.old_path not in placement.aliases:
            continue
        old = site_relative(placement.old_path, base)
        if old in lists and old not in own and old not in given_up:
            given_up[old] = (lists[old], placement.id)
            plan.unlisted[lists[old]] = placement.id
    return given_up
