"""WordPress's list blocks as the theme's shortcodes, which build the same lists from the new site.

WordPress renders Archives, Latest Posts, Categories, Tag Cloud, Search and Page List when a page is
viewed, from its database: the export holds only the block's settings (`<!-- wp:archives {"type":
"yearly"} /-->`).
A static site has the same posts and terms, so Hugo can build the same lists, each time the site is
built; this module reads each block's settings (WordPress's defaults where one is not given) and
calls the theme's shortcode that builds it. A Query Loop of posts is a Latest Posts list, showing
what its post template shows. What a shortcode cannot do is said: a block that lists one author's
posts lists everyone's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from chalicelib.wordpress.shortcodes import hugo_shortcode

#: A term's front matter value by its taxonomy and WordPress id ("" when the export has no such term).
TermValue = Callable[[str, int], str]

#: The blocks this module builds.
LIST_BLOCKS = frozenset({"archives", "latest-posts", "categories", "tag-cloud", "search", "page-list"})
#: WordPress's taxonomies, as the site's lists name them (terms.TAXONOMY_SECTIONS; theirs alone here:
#: a custom taxonomy's list is named by the export, which a block does not see).
_TAXONOMIES = {"category": "categories", "post_tag": "tags"}
_ARCHIVE_TYPES = frozenset({"monthly", "yearly", "weekly", "daily", "postbypost"})


def list_block(
    name: str, attributes: str, warn: Callable[[str, str], None], term_value: TermValue
) -> str | None:
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
        return hugo_shortcode("latest-posts", _latest_posts(settings, warn, term_value))
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


def _latest_posts(
    settings: dict[str, Any], warn: Callable[[str, str], None], term_value: TermValue
) -> dict[str, str]:
    content = ""
    if settings.get("displayPostContent") is True:
        content = "full" if settings.get("displayPostContentRadio") == "full_post" else "excerpt"
    categories, unnamed = _category_names(settings.get("categories"), term_value)
    if unnamed:
        warn(
            "dynamic-block",
            "latest posts: its categories are not in the export; it lists every category's posts",
        )
    if settings.get("selectedAuthor"):
        warn(
            "dynamic-block",
            "latest posts: lists every author's posts, not only one author's as WordPress did",
        )
    return {
        "count": str(_number(settings, "postsToShow", 5)),
        **_ordering(settings),
        "categories": "|".join(categories),
        "date": _flag(settings, "displayPostDate"),
        "author": _flag(settings, "displayAuthor"),
        "image": _flag(settings, "displayFeaturedImage"),
        "content": content,
        "words": str(_number(settings, "excerptLength", 55)) if content == "excerpt" else "",
        "grid": str(_number(settings, "columns", 3)) if settings.get("postLayout") == "grid" else "",
    }


def query_loop(
    attributes: str, template: str, warn: Callable[[str, str], None], term_value: TermValue
) -> str | None:
    """A Query Loop of posts (`<!-- wp:query {"query":{...}} -->` and its post template) as the
    latest-posts shortcode; None for one WordPress fills from the page being viewed (`inherit`) or
    that lists pages or another type."""
    query = _settings(attributes).get("query")
    query = query if isinstance(query, dict) else {}
    if query.get("inherit") is True or _text(query, "postType", "post") != "post":
        return None
    categories: list[str] = []
    unnamed = False
    tax_query = query.get("taxQuery")
    if isinstance(tax_query, dict):
        categories, unnamed = _category_names(tax_query.get("category"), term_value)
        if tax_query.get("post_tag") or set(tax_query) - {"category", "post_tag"}:
            unnamed = True
    narrowed = [key for key in ("author", "search", "exclude", "offset", "sticky") if query.get(key)]
    if unnamed or narrowed:
        what = ", ".join([*(["its terms"] if unnamed else []), *narrowed])
        warn("dynamic-block", f"query loop: lists the newest posts, not narrowed by {what} as WordPress did")
    excerpt = re.search(r"<!--\s*wp:post-excerpt(\s+\{[^>]*?\})?\s*/-->", template)
    content = "full" if "wp:post-content" in template else "excerpt" if excerpt else ""
    excerpt = excerpt if content == "excerpt" else None
    layout = _settings(attributes).get("displayLayout")
    columns = layout.get("columns") if isinstance(layout, dict) and layout.get("type") == "flex" else None
    return hugo_shortcode(
        "latest-posts",
        {
            "count": str(_number(query, "perPage", 10)),
            **_ordering(query),
            "categories": "|".join(categories),
            "date": "true" if "wp:post-date" in template else "",
            "author": "true" if "wp:post-author" in template else "",
            "image": "true" if "wp:post-featured-image" in template else "",
            "content": content,
            "words": str(_number(_settings(excerpt.group(1) or ""), "excerptLength", 55)) if excerpt else "",
            "grid": str(_number({"columns": columns}, "columns", 3)) if columns else "",
        },
    )


def _category_names(value: object, term_value: TermValue) -> tuple[list[str], bool]:
    """The category names a list is limited to, and whether some could not be named: given by id
    (`"categories":"3"`, a Query Loop's `[3, 5]`, the editor's `{"id": 8, "value": "Articles"}`, the
    REST API's category with its "name"), each is the export's term of that id, else the name given."""
    entries = [value] if isinstance(value, (str, int)) and str(value).strip() else value
    if not isinstance(entries, list):
        return [], False
    names: list[str] = []
    unnamed = False
    for entry in entries:
        term_id = entry.get("id") if isinstance(entry, dict) else entry
        name = term_value("category", int(str(term_id))) if str(term_id).strip().isdigit() else ""
        if not name and isinstance(entry, dict):
            given = entry.get("value") or entry.get("name")
            name = given.strip() if isinstance(given, str) else ""
        if name and "|" not in name:
            names.append(name)
        else:
            unnamed = True
    return names, unnamed


def _ordering(settings: dict[str, Any]) -> dict[str, str]:
    """A list's order as the shortcode takes it: by date (or title), newest first (or "asc")."""
    return {
        "orderby": "title" if _text(settings, "orderBy", "date") == "title" else "date",
        "order": "asc" if _text(settings, "order", "desc").lower() == "asc" else "desc",
    }


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
