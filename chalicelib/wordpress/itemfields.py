"""The front matter every item gets from its own data: title, dates, slug, draft, terms, language,
summary, old addresses, and the WordPress facts a theme or a later import may want (type, id, order).

What plugins kept in an item's meta (SEO, products, events, custom fields) is `frontmatter_meta`'s and
`customfields`'; media (a featured image, a podcast) is the writer's, which knows where files went.
This module must never write files or warn: it only reads the item, its placement and the plan.
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.wordpress.dates import iso_date
from chalicelib.wordpress.itemterms import taxonomy_params
from chalicelib.wordpress.mdescape import markdown_text
from chalicelib.wordpress.plaintext import plain
from chalicelib.wordpress.plan import Placement, Plan
from chalicelib.wordpress.polylang import page_language, page_translations
from chalicelib.wordpress.wxr import Item

#: How many of its first words name a post that has no title.
TITLE_WORDS = 8
_SHORTCODE = re.compile(r"\[/?[a-zA-Z][^\]]{0,500}\]")


def first_words(content: str) -> str:
    """A post without a title (Tumblr's photo and quote posts, 18 of a real export's 35) named by the
    start of its text, as feed readers name one; its slug (`post-1002799257266009`) read as a made-up
    title on the page, in lists and in the browser's tab. "" for a post with no text."""
    words = _SHORTCODE.sub(" ", plain(content)).split()
    return " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")


def own_fields(item: Item, placement: Placement, plan: Plan, *, title: str, draft: bool) -> dict[str, Any]:
    """The item's fields that lead its front matter, in the order they are written."""
    date = iso_date(item.date, item.date_gmt, plan.offset)
    lastmod = iso_date(item.modified, item.modified_gmt, plan.offset)
    meta: dict[str, Any] = {
        "title": title or first_words(item.content) or placement.slug,
        "date": date,
        "lastmod": lastmod if lastmod and date and lastmod > date else "",
        "slug": placement.slug,
        "draft": draft,
    }
    if placement.status == "future" and date:
        meta["publishDate"] = date
    meta.update(taxonomy_params(plan, item))
    meta.update(page_language(item.terms, plan.languages))
    if plan.languages and (group := plan.translations.get(item.id)):
        published = [
            (slug, placed.page_ref)
            for slug, member in group
            if (placed := plan.placements.get(member)) is not None and placed.status == "published"
        ]
        if translations := page_translations(published, plan.languages):
            meta["translations"] = translations
    if item.sticky:
        meta["sticky"] = True
    if excerpt := plain(item.excerpt):
        meta["summary"] = markdown_text(excerpt)  # Hugo renders a front matter summary as Markdown
    if placement.aliases:
        meta["aliases"] = sorted(set(placement.aliases))
    return meta


def wordpress_fields(item: Item, placement: Placement) -> dict[str, Any]:
    """The fields that end its front matter: its type (other than post and page), the layout its
    placement chose, a page's menu order, and its WordPress id."""
    meta: dict[str, Any] = {}
    if item.type not in ("post", "page"):
        meta["wordpress_type"] = item.type
    if placement.layout:
        meta["layout"] = placement.layout
    if item.menu_order and item.type == "page":
        meta["weight"] = item.menu_order
    meta["wordpress_id"] = item.id
    return meta
