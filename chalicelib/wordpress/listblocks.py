"""WordPress's list blocks as the theme's shortcodes, which build the same lists from the new site.

WordPress renders Archives, Latest Posts, Categories, Tag Cloud, Search and Page List when a page is
viewed, from its database: the export holds only the block's settings (`<!-- wp:archives {"type":
"yearly"} /-->`).
A static site has the same posts and terms, so Hugo can build the same lists, each time the site is
built; this module reads each block's settings (WordPress's defaults where one is not given) and
calls the theme's shortcode that builds it. What a shortcode cannot do is said: a block that lists
one author's posts lists everyone's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chalicelib.wordpress.shortcodes import hugo_shortcode

#: The blocks this module builds.
LIST_BLOCKS = frozenset({"archives", "latest-posts", "categories", "tag-cloud", "search", "page-list"})
#: WordPress's taxonomies, as the site's lists name them (terms.TAXONOMY_SECTIONS; theirs alone here:
#: a custom taxonomy's list is named by the export, which a block does not see).
_TAXONOMIES = {"category": "categories", "post_tag": "tags"}
_ARCHIVE_TYPES = frozenset({"monthly", "yearly", "weekly", "daily", "postbypost"})


def list_block(name: str, attributes: str, warn: Callable[[str, str], None]) -> str | None:
    """The shortcode call standing for the block `name` with its JSON `attributes`; None when this
    module does not build it (a block it does not know, a taxonomy it cannot name)."""
    settings = _settings(attributes)
    if name == "archives":
        kind = _text(settings, "type", "monthly").lower()
        return hugo_shortcode(
            "archives",
            {
                "type": kind if kind in _ARCHIVE_TYPES else "monthly",
                "showcount": _flag(settings, "showPostCounts"),
            },
        )
    if name in ("categories", "tag-cloud"):
        cloud = name == "tag-cloud"
        taxonomy = _TAXONOMIES.get(_text(settings, "taxonomy", "post_tag" if cloud else "category"))
        if taxonomy is None:
            return None
        params = {
            "taxonomy": taxonomy,
            "showcount": _flag(settings, "showTagCounts" if cloud else "showPostCounts"),
        }
        if cloud:
            params |= {"cloud": "true", "limit": str(_number(settings, "numberOfTags", 45))}
        return hugo_shortcode("terms", params)
    if name == "page-list":  # every page, nested, or those below `parentPageID` (its WordPress id)
        parent = settings.get("parentPageID")
        below = isinstance(parent, int) and not isinstance(parent, bool) and parent > 0
        return hugo_shortcode("page-list", {"parent": str(parent) if below else ""})
    if name == "latest-posts":
        return hugo_shortcode("latest-posts", _latest_posts(settings, warn))
    if name == "search":
        return hugo_shortcode(
            "search-form",
            {
                "label": _text(settings, "label", "Search"),
                "showlabel": "" if settings.get("showLabel", True) is False else "true",
                "placeholder": _text(settings, "placeholder", ""),
                "button": ""
                if settings.get("buttonPosition") == "no-button"
                else _text(settings, "buttonText", "Search"),
            },
        )
    return None


def _latest_posts(settings: dict[str, Any], warn: Callable[[str, str], None]) -> dict[str, str]:
    content = ""
    if settings.get("displayPostContent") is True:
        content = "full" if settings.get("displayPostContentRadio") == "full_post" else "excerpt"
    categories, unnamed = _category_names(settings.get("categories"))
    if unnamed or settings.get("selectedAuthor"):
        what = "its categories by id alone" if unnamed else "one author's posts"
        warn("dynamic-block", f"latest posts: lists every post, not {what} as WordPress did")
    order = _text(settings, "order", "desc").lower()
    return {
        "count": str(_number(settings, "postsToShow", 5)),
        "orderby": "title" if _text(settings, "orderBy", "date") == "title" else "date",
        "order": "asc" if order == "asc" else "desc",
        "categories": "|".join(categories),
        "date": _flag(settings, "displayPostDate"),
        "author": _flag(settings, "displayAuthor"),
        "image": _flag(settings, "displayFeaturedImage"),
        "content": content,
        "words": str(_number(settings, "excerptLength", 55)) if content == "excerpt" else "",
        "grid": str(_number(settings, "columns", 3)) if settings.get("postLayout") == "grid" else "",
    }


def _category_names(value: object) -> tuple[list[str], bool]:
    """The category names a Latest Posts block is limited to, and whether some were given by id
    alone (an old block's `"categories":"3"`), which the site's pages do not carry."""
    if isinstance(value, (str, int)) and str(value).strip():
        return [], True
    if not isinstance(value, list):
        return [], False
    names: list[str] = []
    unnamed = False
    for entry in value:
        # {"id": 8, "value": "Articles"} (the editor's), or the REST API's category with its "name"
        name = (entry.get("value") or entry.get("name")) if isinstance(entry, dict) else None
        if isinstance(name, str) and name.strip() and "|" not in name:
            names.append(name.strip())
        else:
            unnamed = True
    return names, unnamed


def _settings(attributes: str) -> dict[str, Any]:
    try:
        data = json.loads(attributes) if attributes.strip() else {}
    except (json.JSONDecodeError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _text(settings: dict[str, Any], key: str, default: str) -> str:
    value = settings.get(key, default)
    return value.strip() if isinstance(value, str) else default


def _flag(settings: dict[str, Any], key: str) -> str:
    return "true" if settings.get(key) is True else ""


def _number(settings: dict[str, Any], key: str, default: int) -> int:
    value = settings.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1000:
        return default
    return int(value)
