"""SEO plugins' per-item title and description (Yoast, Rank Math, All in One SEO) as front matter.

The title goes to `seo_title` (the theme's `<title>` uses it as written, since these titles already
carry the site name where the author wanted it), the description to `description` (the theme's
meta description) and a "noindex" setting to `noindex` (the theme's robots meta). The plugins'
template variables are expanded from what the export knows (title, site name and tagline, excerpt,
separator) and the ones it cannot know (page numbers, the current year, custom fields) are dropped,
never shown raw.

This module must never read anything but the item's meta and the facts it is given.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from chalicelib.wordpress.phpdata import NotPhpData, php_unserialize

# (title key, description key) per plugin, the first with a value wins: an item edited with several
# plugins over the years keeps the newest plugin's words.
SOURCES = (
    ("_yoast_wpseo_title", "_yoast_wpseo_metadesc"),
    ("rank_math_title", "rank_math_description"),
    ("_aioseo_title", "_aioseo_description"),
    ("_aioseop_title", "_aioseop_description"),
)
# Each plugin's default separator (the site's choice lives in an option the export does not carry).
SEPARATOR = "-"
YOAST_VAR = re.compile(r"%%([a-z_]+)%%", re.I)
RANK_MATH_VAR = re.compile(r"%([a-z_]+)%", re.I)
AIOSEO_VAR = re.compile(r"#([a-z_]+)")
AIOSEO_TAGS = frozenset({"tagline", "categories", "current_date", "current_year", "page_number"})
TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class SeoFacts:
    """What the export knows that the plugins' variables may name."""

    title: str
    site_title: str
    site_description: str = ""
    excerpt: str = ""
    category: str = ""
    author: str = ""


def _values(facts: SeoFacts) -> dict[str, str]:
    return {
        "title": facts.title,
        "post_title": facts.title,
        "sitename": facts.site_title,
        "site_title": facts.site_title,
        "blog_title": facts.site_title,
        "sitedesc": facts.site_description,
        "tagline": facts.site_description,
        "site_description": facts.site_description,
        "excerpt": facts.excerpt,
        "excerpt_only": facts.excerpt,
        "post_excerpt": facts.excerpt,
        "post_content": facts.excerpt,
        "primary_category": facts.category,
        "category": facts.category,
        "categories": facts.category,
        "post_category": facts.category,
        "name": facts.author,
        "author_name": facts.author,
        "post_author": facts.author,
        "sep": SEPARATOR,
        "separator_sa": SEPARATOR,
        "separator": SEPARATOR,
    }


def expand(template: str, facts: SeoFacts) -> str:
    """A plugin title or description with its variables expanded (unknown ones dropped)."""
    values = _values(facts)
    text = html.unescape(TAG.sub(" ", template))

    def value(m: re.Match[str]) -> str:
        return values.get(m.group(1).lower(), "")

    def aioseo_value(m: re.Match[str]) -> str:
        # AIOSEO's tags are only its own names; a "#hashtag" of the author's stays.
        return value(m) if _is_aioseo_tag(m.group(1).lower()) else m.group(0)

    text = YOAST_VAR.sub(value, text)
    text = RANK_MATH_VAR.sub(value, text)
    text = AIOSEO_VAR.sub(aioseo_value, text)
    text = " ".join(text.split())
    # A dropped variable can leave a separator dangling at either end ("Title -").
    return text.strip(f" {SEPARATOR}|·»–—")


def _is_aioseo_tag(name: str) -> bool:
    return name in AIOSEO_TAGS or name.startswith(("post_", "site_", "separator", "author_", "taxonomy_"))


def noindex(meta: dict[str, str]) -> bool:
    """True when an SEO plugin told search engines not to index the item (the theme's head says so too)."""
    if meta.get("_yoast_wpseo_meta-robots-noindex", "").strip() == "1":  # "2" means index explicitly
        return True
    if meta.get("_aioseop_noindex", "").strip() in ("on", "1"):
        return True
    try:
        robots = php_unserialize(meta.get("rank_math_robots", "")) if meta.get("rank_math_robots") else None
    except NotPhpData:
        return False
    return isinstance(robots, dict) and "noindex" in robots.values()


def seo_params(meta: dict[str, str], facts: SeoFacts) -> dict[str, Any]:
    """`seo_title`, `description` and `noindex` for the item's front matter (only those a plugin set)."""
    params: dict[str, Any] = {"noindex": True} if noindex(meta) else {}
    for title_key, description_key in SOURCES:
        if "seo_title" not in params and meta.get(title_key, "").strip():
            title = expand(meta[title_key], facts)
            if title:
                params["seo_title"] = title
        if "description" not in params and meta.get(description_key, "").strip():
            description = expand(meta[description_key], facts)
            if description:
                params["description"] = description
    return params
