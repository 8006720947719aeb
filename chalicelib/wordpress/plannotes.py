"""What the plan had to leave out or move, as the import report's warnings.

The plan records each old URL it could not give a redirect (too long for a folder, over a file of the
site, inside another old URL ending in `.html` where no `_redirects` rule can hold it) and each page
it moved up for want of depth; this module words them for the report, in the order the report has
always listed them.
"""

from __future__ import annotations

from chalicelib.wordpress.aliasdrops import nested_rules
from chalicelib.wordpress.plan import Plan
from chalicelib.wordpress.planrecords import Placement
from chalicelib.wordpress.report import ConversionReport
from chalicelib.wordpress.slugs import renamed_slug_note, slugify


def report_placement_notes(plan: Plan, report: ConversionReport) -> None:
    """One warning for each alias the plan dropped and each page it flattened; one for all the
    attachment pages below posts' `.html` addresses (a real blog had 56, one line each)."""
    for alias, whose in plan.long_aliases:
        report.warn(
            "alias-too-long",
            f"old URL of {whose} too long for a folder ({len(alias.encode())} bytes); no redirect made",
            alias[:200],
        )
    for page_id, parent_folder in plan.flattened:
        report.warn(
            "page-too-deep",
            f"nested too deep for a folder under {parent_folder[:80]}…; placed at the top level",
            f"page {page_id}",
        )
    for plural, item_id in plan.unlisted.items():
        placement = plan.placements[item_id]
        report.warn(
            "list-not-built",
            f"the list of all {plural} is not built: its address /{plural}/ was {placement.type} {item_id}'s"
            f" on the old site, and leads to it ({placement.url})",
            f"/{plural}/",
        )
    for alias, whose in plan.dropped_aliases:
        report.warn(
            "alias-collides-with-file",
            f"old URL {alias} of {whose} is a file of the site; no redirect made",
            alias,
        )
    if nested := nested_rules(plan)[1]:
        (first, whose), pages = nested[0], len({page for _, page in nested})
        of = "1 page" if pages == 1 else f"{pages} pages"
        where = f"{len(nested)} old URLs of {of} (the first {first}, of {whose}) lie"
        report.warn(
            "alias-collides-with-file",
            (where if len(nested) > 1 else f"old URL {first} of {whose} lies")
            + " inside an old URL ending in .html and cannot be a _redirects rule (a space, ':' or '*', or"
            " its page is not published); no redirect made",
            first,
        )


def report_renamed_slugs(plan: Plan, report: ConversionReport) -> None:
    """One `duplicate-slug` warning per item written under another slug, naming it as other warnings
    name items (`post 235`) and the item that has its slug (it was a bare id, and said only "taken")."""
    for item_id, wanted, slug in plan.renamed:
        placed = plan.placements.get(item_id)
        holder = next(
            (
                other
                for other in plan.placements.values()
                if placed is not None
                and other.id != item_id
                and _siblings(other, placed)
                and other.slug == slugify(wanted)
            ),
            None,
        )
        note = renamed_slug_note(wanted, slug) + (f" ({holder.type} {holder.id} has it)" if holder else "")
        report.warn("duplicate-slug", note, f"{placed.type} {item_id}" if placed else str(item_id))


def _siblings(one: Placement, other: Placement) -> bool:
    """Whether two items claim slugs from the same registry: a section's posts, or a folder's pages (a
    top-level page's section is its own slug, so the page holding a draft's slug was never named)."""
    if one.type == "page" or other.type == "page":
        return one.type == other.type and one.folder.rpartition("/")[0] == other.folder.rpartition("/")[0]
    return one.section == other.section
