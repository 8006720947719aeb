"""Where each category, tag and custom term goes: its Hugo term page, the value posts name it by, and
the WordPress archive paths that must lead there.

A term is known by its taxonomy and slug (the nicename, compared the way WordPress sanitises it, so a
channel's "Company News" and an item's "company-news" are one term). Hugo files a term under the
`urlize` of the value in a post's front matter, so two terms that share a display name (two "Foo"
categories under different parents) would become one: the term whose slug matches the name keeps the
name, the others are named in front matter by their own slug-derived folder, and their pages keep the
display name as their title. No term ever loses its own archive URL.

This module must never write files.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import unquote

from chalicelib.wordpress.oldurls import SAFE_SEGMENT
from chalicelib.wordpress.slugs import fit_segment, hugo_term_path, plain_text, slugify
from chalicelib.wordpress.wxr import Term

TAXONOMY_SECTIONS = {
    "category": "categories",
    "post_tag": "tags",
    "author": "authors",
    "post_format": "formats",  # Aside, Gallery, Quote...: WordPress's archive of each is /type/aside/
}
SINGULAR = {"category": "category", "post_tag": "tag", "author": "author", "post_format": "post_format"}
# Where a taxonomy's WordPress archives live, where that is not its name (SINGULAR): post formats',
# and WooCommerce's product categories and tags (its default permalink bases).
ARCHIVE_BASE = {"post_format": "type", "product_cat": "product-category", "product_tag": "product-tag"}
# How WordPress names a post format's term ("post-format-aside") beside its archive's slug ("aside").
FORMAT_PREFIX = "post-format-"
SKIPPED_TAXONOMIES = frozenset(
    {"nav_menu", "link_category", "wp_theme", "wp_template_part_area", "wp_pattern_category"}
    # WooCommerce's internal taxonomies (registered with public => false; products.py reads them).
    | {"product_type", "product_visibility", "product_shipping_class"}
    # Polylang's bookkeeping: which posts and terms translate which (public => false).
    | {"post_translations", "term_language", "term_translations"}
    # Other plugins' internal groupings: AVH Extended Categories' widget groups, WooCommerce's coupon
    # categories, MetaSlider's slideshows.
    | {"avhec_catgroup", "shop_coupon_cat", "ml-slider"}
    # Action Scheduler's groups of queued jobs (its scheduled-action type is never a page either).
    | {"action-group"}
    # Plugins' own, for their records and snippets (privatetypes.py): WPCode's, Elementor's library.
    | {
        "wpcode_type",
        "wpcode_location",
        "wpcode_tags",
        "elementor_library_type",
        "elementor_library_category",
    }
)


@dataclass
class TermPage:
    taxonomy: str  # Hugo taxonomy plural: categories, tags, authors, or a custom one
    folder: str
    title: str
    description: str
    aliases: list[str]
    archives: list[str] = field(default_factory=list)  # its WordPress archive paths, its own URL included
    publish_date: str = ""  # when Hugo may publish it, if later than the build (scheduled posts only)
    params: dict[str, str] = field(default_factory=dict)  # more front matter (a language's locale)


@dataclass
class PlacedTerm:
    taxonomy: str  # WordPress taxonomy: category, post_tag, ...
    slug: str  # the raw nicename as the export spells it
    id: int
    url: str
    value: str  # what a post's front matter names it by
    # the ids of other terms of the same slug (two categories both "risk-management"): `?cat=51`
    # leads to the same page as `?cat=50`
    other_ids: tuple[int, ...] = ()


def term_key(taxonomy: str, slug: str) -> tuple[str, str]:
    return taxonomy, slugify(slug) or slug


def category_parents(terms: list[Term]) -> dict[str, str]:
    """Each category's parent, by their sanitised slugs."""
    return {slugify(t.slug): slugify(t.parent) for t in terms if t.taxonomy == "category" and t.parent}


def archive_paths(taxonomy: str, slug: str, parents: dict[str, str]) -> list[str]:
    """Where WordPress served a term's archive: `/category/child/`, and `/category/parent/child/`
    for a subcategory. `slug` is sanitised; a custom taxonomy's archive base is its name."""
    if taxonomy == "post_format":
        slug = slug.removeprefix(FORMAT_PREFIX)
    base = ARCHIVE_BASE.get(taxonomy) or SINGULAR.get(taxonomy) or slugify(taxonomy)
    paths = [f"/{base}/{slug}/"]
    if taxonomy == "category":
        chain, seen = [slug], {slug}
        while parents.get(chain[0]) and parents[chain[0]] not in seen:
            seen.add(parents[chain[0]])
            chain.insert(0, parents[chain[0]])
        if len(chain) > 1:
            paths.append("/category/" + "/".join(chain) + "/")
    return paths


def term_archives(taxonomy: str, raw_slug: str, parents: dict[str, str]) -> list[str]:
    """Every path a term's archive answered at: those of its sanitised slug, and the slug as the
    export spells it when WordPress stored it unsanitised (an importer's test term with a
    right-to-left mark), as long as that is one lower-case path segment without spaces."""
    clean = slugify(raw_slug)
    paths = archive_paths(taxonomy, clean, parents) if clean else []
    spelled = unquote(raw_slug).strip()
    if (
        spelled
        and spelled != clean
        and spelled == spelled.lower()
        and not any(ch.isspace() for ch in spelled)
        and SAFE_SEGMENT.fullmatch(spelled)
    ):
        paths.append(archive_paths(taxonomy, spelled, {})[0])
    return paths


def _merged(terms: list[Term]) -> tuple[dict[tuple[str, str], Term], dict[tuple[str, str], set[int]]]:
    """One term per key; a later mention fills what an earlier one lacked (name, id, parent). And by
    key, the ids of the other terms of that key."""
    merged: dict[tuple[str, str], Term] = {}
    ids: dict[tuple[str, str], set[int]] = {}
    for term in terms:
        if term.taxonomy in SKIPPED_TAXONOMIES or not term.slug:
            continue
        key = term_key(term.taxonomy, term.slug)
        known = merged.get(key)
        if term.id:
            ids.setdefault(key, set()).add(term.id)
        if known is None:
            merged[key] = term
        elif (
            (not known.name and term.name)
            or (not known.id and term.id)
            or (not known.parent and term.parent)
            or (not known.description and term.description)
        ):  # most mentions (each post's) add nothing to the term already known
            merged[key] = replace(
                known,
                name=known.name or term.name,
                id=known.id or term.id,
                parent=known.parent or term.parent,
                description=known.description or term.description,
            )
    return merged, ids


def _folders(terms: dict[tuple[str, str], Term], plurals: dict[str, str]) -> dict[tuple[str, str], str]:
    """A distinct folder for every term: its name's, or its own slug's when another term has that name."""
    by_name: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for key, term in sorted(terms.items()):
        name_folder = _shown_folder(plain_text(term.name)) or _shown_folder(key[1])
        if name_folder:
            by_name.setdefault((plurals[key[0]], name_folder), []).append(key)
    taken = set(by_name)
    folders: dict[tuple[str, str], str] = {}
    for (plural, name_folder), keys in sorted(by_name.items()):
        # the term whose slug spells its name keeps the name; otherwise the first by slug does
        keys.sort(key=lambda k: (hugo_term_path(k[1]) != name_folder, k[1]))
        folders[keys[0]] = name_folder
        for key in keys[1:]:
            base = _shown_folder(key[1]) or name_folder
            folder, n = base, 2
            while (plural, folder) in taken:
                folder, n = f"{base}-{n}", n + 1
            taken.add((plural, folder))
            folders[key] = folder
    return folders


def _shown_folder(name: str) -> str:
    """Hugo's folder for a term named `name`, or "" when it cannot be one: too long to cut, hidden (a
    tag ".bat" or ".NET": Hugo passes over a content folder whose name starts with a dot, so the term's
    title and its old addresses were lost, and servers refuse hidden folders), or with a `#` (a tag
    "#parkrun": its address /tags/#parkrun/ is the tags page and a fragment)."""
    folder = fit_segment(hugo_term_path(name))
    return "" if folder.startswith(".") or "#" in folder else folder


def place_terms(
    terms: list[Term],
) -> tuple[dict[tuple[str, str], TermPage], list[PlacedTerm], dict[str, str]]:
    """The term pages by (plural, folder), every placed term, and the taxonomies (singular -> plural)."""
    merged, ids = _merged(terms)
    plurals = {tax: TAXONOMY_SECTIONS.get(tax) or slugify(tax) for tax, _ in merged}
    merged = {key: term for key, term in merged.items() if plurals[key[0]]}
    folders = _folders(merged, plurals)
    parents = category_parents(list(merged.values()))
    pages: dict[tuple[str, str], TermPage] = {}
    placed: list[PlacedTerm] = []
    taxonomies: dict[str, str] = {}
    for key, term in sorted(merged.items()):
        taxonomy, slug = key
        folder = folders.get(key)
        if not folder:
            continue
        plural = plurals[taxonomy]
        taxonomies[SINGULAR.get(taxonomy, plural)] = plural
        name = plain_text(term.name) or slug
        archives = term_archives(taxonomy, term.slug, parents)
        url = f"/{plural}/{folder}/"
        aliases = [a for a in archives if a != url]
        pages[(plural, folder)] = TermPage(plural, folder, name, term.description, aliases, archives)
        value = name if hugo_term_path(name) == folder else folder
        others = tuple(sorted(ids.get(key, set()) - {term.id}))
        placed.append(PlacedTerm(taxonomy, term.slug, term.id, url, value, others))
    return pages, placed, taxonomies
