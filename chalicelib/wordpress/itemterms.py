"""An item's taxonomy front matter: its categories, tags and authors, its other taxonomies' terms as
the site's taxonomies name them, and a published post's year and month for the date archives and
its Polylang language for its language's list.

Tags, categories and authors come first, then the other taxonomies by name, so every page's front
matter reads alike (and the same export gives the same bytes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.wordpress.datearchives import archive_terms
from chalicelib.wordpress.plaintext import plain
from chalicelib.wordpress.polylang import TAXONOMY as LANGUAGE_TAXONOMY
from chalicelib.wordpress.polylang import item_language
from chalicelib.wordpress.slugs import taxonomy_value
from chalicelib.wordpress.statuses import item_status

if TYPE_CHECKING:
    from chalicelib.wordpress.plan import Plan
    from chalicelib.wordpress.wxr import Item

#: WordPress's own taxonomies, by the front matter key Hugo's taxonomies read.
CORE_KEYS = {"category": "categories", "post_tag": "tags", "author": "authors"}


def taxonomy_params(plan: Plan, item: Item) -> dict[str, list[str]]:
    """The front matter of `item`'s terms (see the module's docstring)."""
    values: dict[str, list[str]] = {}
    for term in item.terms:
        if plan.languages and term.taxonomy == LANGUAGE_TAXONOMY:
            continue  # Polylang's: a page's locale, and a post's `language_lists` below
        key = CORE_KEYS.get(term.taxonomy) or plan.taxonomies.get(term.taxonomy, "")
        if not key or (term.taxonomy not in CORE_KEYS and key not in plan.taxonomies.values()):
            continue
        name = plan.term_value(term) or taxonomy_value(plain(term.name) or term.slug)
        if name and name not in values.setdefault(key, []):
            values[key].append(name)
    listed = item.type == "post" and item_status(item) in ("published", "future")
    if plan.date_archives and listed:
        values[plan.date_archives] = archive_terms(item.date)
    language = item_language(item.terms) if plan.language_lists and listed else ""
    if language and (plan.language_lists, language) in plan.term_pages:
        values[plan.language_lists] = [language]
    if "authors" not in values and item.creator:
        author = plan.site.authors.get(item.creator)
        values["authors"] = [taxonomy_value(plain(author.display_name) if author else item.creator)]
    first = {key: values.pop(key) for key in ("tags", "categories", "authors") if values.get(key)}
    return {**first, **{key: values[key] for key in sorted(values)}}
