"""Old URLs that are a page's own address on the new site, taken off the aliases that name them.

An alias on a URL that a page lives at would replace that page with a redirect: a page's, a term's,
a section's or a taxonomy list's address, the home page, or one of their later pages, which Hugo's
pagination writes there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.wordpress.oldurls import LATER_PAGE, site_base_path, site_relative

if TYPE_CHECKING:
    from chalicelib.wordpress.plan import Plan


def drop_aliases_that_are_pages(plan: Plan) -> None:
    """Take off every alias of `plan` that is a page's own address (see the module's docstring)."""
    # An alias on a URL that a page lives at would replace that page with a redirect.
    taken = (
        {p.url for p in plan.placements.values()}
        | {f"/{t.taxonomy}/{t.folder}/" for t in plan.term_pages.values()}
        | {f"/{p.section}/" for p in plan.placements.values()}
        | {f"/{plural}/" for plural in plan.taxonomies.values()}  # a taxonomy's list of its terms
        | {"/"}
    )
    base = site_base_path(plan.site)

    def free(alias: str) -> bool:
        # Nor on one of a page's own later pages, which Hugo's pagination writes there.
        later = LATER_PAGE.match(alias)
        return alias not in taken and (later is None or later.group(1) not in taken)

    def kept(aliases: list[str]) -> list[str]:
        relative = dict.fromkeys(site_relative(a, base) for a in aliases)
        return [a for a in relative if free(a)]

    for placement in plan.placements.values():
        placement.aliases = kept(placement.aliases)
    plan.home_aliases = kept(plan.home_aliases)
    for term_page in plan.term_pages.values():  # their aliases are the new site's paths already
        term_page.aliases = [alias for alias in term_page.aliases if free(alias)]
