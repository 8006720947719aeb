"""Block-editor blocks that hold no HTML of their own: social links kept, the rest named.

Most blocks store their HTML between their comments, and dropping the comments keeps it. Some store
nothing but attributes in a self-closing comment, because WordPress builds them when the page is
viewed: a social link (`<!-- wp:social-link {"url": ..., "service": "github"} /-->`) keeps its address
only there, so it becomes a link here; archives, latest posts, category lists, tag clouds and search
forms become the theme's shortcodes, which build them from the new site (listblocks.py); query loops,
a post's own title or date and the like need WordPress running, so they are left out, and the item
gets one `dynamic-block` warning naming them, instead of losing them without a word; so do plugins'
blocks that saved no HTML (`a8c/blog-posts`, `jetpack/related-posts`), which their plugins build.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable

from chalicelib.wordpress.listblocks import LIST_BLOCKS, TermValue, list_block, query_loop

# WordPress writes a block's attributes as JSON with `<`, `>` and `--` escaped, so `[^>]` keeps one match
# inside one comment (never from an open block's comment to a later self-closing one).
SELF_CLOSING = re.compile(r"<!--\s*wp:([a-z][a-z0-9-]*(?:/[a-z][a-z0-9-]*)?)(\s+\{[^>]*?\})?\s*/-->")
QUERY = re.compile(r"<!--\s*wp:query(\s+\{.*?\})?\s*-->(.*?)<!--\s*/wp:query\s*-->", re.S)
#: Core blocks WordPress renders when a page is viewed, from its database rather than the post's HTML.
DYNAMIC = frozenset(
    {
        "archives",
        "calendar",
        "categories",
        "latest-comments",
        "latest-posts",
        "loginout",
        "page-list",
        "rss",
        "search",
        "tag-cloud",
        "navigation",
        "comments",
        "post-comments-form",
        "home-link",
        "avatar",
    }
)
_DYNAMIC_PREFIXES = ("post-", "query-", "comment", "site-", "term-")
#: Core blocks that stand for a theme's own markup, named by their `slug`.
THEME_PARTS = frozenset({"pattern", "template-part"})
#: Plugins' blocks a later pass reads (shoppages.py names the shop's pages it leaves out).
_LATER = frozenset({"woocommerce/cart", "woocommerce/checkout", "woocommerce/classic-shortcode"})
_SERVICE_NAMES = {
    "x": "X",
    "github": "GitHub",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "wordpress": "WordPress",
}


def has_attribute_only_blocks(text: str) -> bool:
    return "/-->" in text or "wp:query" in text


def attribute_only_blocks(
    text: str,
    warn: Callable[[str, str], None],
    add_block: Callable[[str], str],
    term_value: TermValue = lambda taxonomy, term_id: "",
) -> str:
    """`text` with social links as links, the lists the theme builds as its shortcodes (`add_block`
    holds one out of the HTML's way; `term_value` names a term by its id), and the blocks only
    WordPress can build left out (named)."""
    left_out: list[str] = []

    def loop(match: re.Match[str]) -> str:
        shortcode = query_loop(match.group(1) or "", match.group(2), warn, term_value)
        if shortcode is None:
            left_out.append("query")
            return "\n"
        return add_block(shortcode)

    if "wp:query" in text:
        text = QUERY.sub(loop, text)

    def replace(match: re.Match[str]) -> str:
        name = match.group(1).removeprefix("core/")
        if name == "social-link":
            return _social_link(match.group(2) or "")
        if name in LIST_BLOCKS and (shortcode := list_block(name, match.group(2) or "", warn, term_value)):
            return add_block(shortcode)
        if name in DYNAMIC or name.startswith(_DYNAMIC_PREFIXES):
            left_out.append(name)
            return ""
        if name in THEME_PARTS:
            # A theme's pattern or template part: its HTML is in the theme's files, not the export.
            slug = _attribute(match.group(2) or "", "slug")
            left_out.append(f"{name} {slug} (the theme's)" if slug else f"{name} (the theme's)")
            return ""
        if "/" in name and name not in _LATER:
            # A plugin's block that saved no HTML (WordPress.com's `a8c/blog-posts`): its plugin builds
            # it when the page is viewed. It was left out without a word.
            left_out.append(name)
            return ""
        return match.group(0)

    text = SELF_CLOSING.sub(replace, text)
    if left_out:
        names = ", ".join(dict.fromkeys(left_out))
        warn("dynamic-block", f"left out what WordPress builds when the page is viewed: {names}")
    return text


def _attribute(attributes: str, key: str) -> str:
    """A block's string attribute `key`, or "" (no attributes, bad JSON, not a string)."""
    try:
        data = json.loads(attributes) if attributes.strip() else {}
    except (json.JSONDecodeError, RecursionError):
        return ""
    value = data.get(key) if isinstance(data, dict) else None
    return " ".join(value.split()) if isinstance(value, str) else ""


def _social_link(attributes: str) -> str:
    try:
        data = json.loads(attributes) if attributes.strip() else {}
    except (json.JSONDecodeError, RecursionError):
        return ""
    if not isinstance(data, dict):
        return ""
    url, service, label = data.get("url"), data.get("service"), data.get("label")
    if not isinstance(url, str) or not url.strip():
        return ""
    name = label if isinstance(label, str) and label.strip() else _service_name(service)
    return f'<li><a href="{html.escape(url.strip())}">{html.escape(name)}</a></li>'


def _service_name(service: object) -> str:
    if not isinstance(service, str) or not service:
        return "Link"
    return _SERVICE_NAMES.get(service, service.replace("-", " ").title())
