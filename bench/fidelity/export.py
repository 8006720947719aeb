"""What a WordPress export says, read independently of the converter (lxml in recover mode, the way
a forgiving reader sees the file), so the fidelity measures check the converter instead of trusting
it. Benchmark-only code: never imported by chalicelib.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from chalicelib.wordpress.privatetypes import BUILDER_LIBRARIES, DEFINITIONS, VISITORS_RECORDS

# Post types that are WordPress's own machinery, never a page of the site. Written out here, not
# taken from the converter's skip_types option, so that a type the converter wrongly skips shows up;
# plugins' types are facts about the plugins (which they register as not public), named once.
INTERNAL_TYPES = frozenset(
    {
        "attachment",
        "nav_menu_item",
        "revision",
        "customize_changeset",
        "custom_css",
        "oembed_cache",
        "user_request",
        "wp_block",
        "wp_template",
        "wp_template_part",
        "wp_global_styles",
        "wp_navigation",
        "wp_font_family",
        "wp_font_face",
        "product_variation",  # WooCommerce's: listed on its product's page, never a page of its own
    }
    # Plugins' records, definitions and page builders' libraries, which they register as not public
    # (no page, no query answers them): chalicelib.wordpress.privatetypes names them, with why. A real
    # export of a small business held 71 feedback posts, each a visitor's name and message.
    | set(VISITORS_RECORDS)
    | set(DEFINITIONS)
    | set(BUILDER_LIBRARIES)
)
TAG = re.compile(r"<[^>]+>")
# WooCommerce's cart, checkout, account and order tracking, as a shortcode or a block: a page that is
# one of them and nothing else works only on WordPress's server, and no static site has it.
SHOP_ONLY = re.compile(
    r"\s*(?:\[woocommerce_(?:cart|checkout|my_account|order_tracking)\]"
    r"|<!--\s*wp:woocommerce/(cart|checkout)\b.*<!--\s*/wp:woocommerce/\1\s*-->"
    r'|<!--\s*wp:woocommerce/classic-shortcode\s+\{[^}]*"shortcode"\s*:\s*"(?:cart|checkout|my-account|'
    r'order-tracking)"[^}]*\}\s*/-->)\s*',
    re.S,
)
# The block a shortcode is written in: `<!-- wp:shortcode -->[woocommerce_cart]<!-- /wp:shortcode -->`.
SHORTCODE_BLOCK = re.compile(r"<!--\s*/?wp:shortcode\s*-->")
NO_DATE = ("", "0000-00-00 00:00:00")


@dataclass
class Comment:
    id: str
    content: str
    approved: bool
    type: str = ""  # "" or comment, pingback, trackback; a plugin's own (ActivityPub's like, repost)


@dataclass
class ExportItem:
    id: str
    type: str
    status: str
    password: str
    title: str
    link: str
    slug: str
    post_date: str
    post_date_gmt: str
    content: str
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    # (taxonomy, slug) of each category and tag, for their archive URLs.
    term_slugs: list[tuple[str, str]] = field(default_factory=list)
    old_slugs: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    attachment_url: str = ""
    parent: str = ""

    @property
    def public(self) -> bool:
        """WordPress shows it to anyone: published (or scheduled for a time now past, which WordPress
        publishes on import and on schedule alike), not password-protected, a content type."""
        published = self.status == "publish" or (self.status == "future" and not self.scheduled_ahead)
        shop_only = (
            self.type == "page" and SHOP_ONLY.fullmatch(SHORTCODE_BLOCK.sub("", self.content)) is not None
        )
        return published and not self.password and self.type not in INTERNAL_TYPES and not shop_only

    @property
    def hidden(self) -> bool:
        """WordPress shows it to no visitor (drafts, pending, private, trash, scheduled ahead)."""
        if self.status == "future":
            return self.type not in INTERNAL_TYPES and self.scheduled_ahead
        return self.type not in INTERNAL_TYPES and self.status in {
            "draft",
            "pending",
            "private",
            "trash",
            "auto-draft",
        }

    @property
    def scheduled_ahead(self) -> bool:
        """Its date is still to come (wp_insert_post's test: the GMT date against now)."""
        date, _ = gmt_date(self)
        return not date or date > datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Export:
    path: Path
    base_url: str
    items: list[ExportItem]

    @property
    def public_items(self) -> list[ExportItem]:
        return [i for i in self.items if i.public]


def plain(text: str) -> str:
    return " ".join(html.unescape(TAG.sub(" ", text)).split())


def _text(node: etree._Element, name: str, ns: dict[str, str]) -> str:
    found = node.find(name, ns)
    return (found.text or "") if found is not None else ""


def _last_text(node: etree._Element, name: str, ns: dict[str, str]) -> str:
    """The last of several (WordPress's importer keeps the last value it reads)."""
    found = node.findall(name, ns)
    return (found[-1].text or "") if found else ""


def read_export(path: Path) -> Export:
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=True)
    # Control characters no XML may hold (a ^P pasted into a post) are text to WordPress's importer,
    # which reads such a file with its regex parser; libxml2's recovery cut the export at the first.
    data = path.read_bytes().translate(None, bytes(b for b in range(0x20) if b not in b"\t\n\r"))
    root = etree.fromstring(data, parser) if data.strip() else None
    root = root.getroottree().getroot() if root is not None else None
    # Text before the root (a real export's, typed among WordPress's comments) stops libxml2's
    # recovery; WordPress's regex parser reads from the items. So does this reading (from `<rss`).
    if (root is None or root.find("channel") is None) and (root_at := data.find(b"<rss", 0, 65536)) > 0:
        root = etree.fromstring(data[root_at:], parser)
        root = root.getroottree().getroot() if root is not None else None
    if root is None:
        return Export(path, "", [])
    ns = {k: v for k, v in root.nsmap.items() if k}
    for node in root.iter():
        if isinstance(node.tag, str) and node.tag.startswith("{"):
            uri, _, local = node.tag[1:].partition("}")
            if local == "wxr_version":
                ns["wp"] = uri
                break
    ns.setdefault("wp", "http://wordpress.org/export/1.2/")
    ns.setdefault("content", "http://purl.org/rss/1.0/modules/content/")
    channel = root.find("channel")
    if channel is None:
        return Export(path, "", [])
    base = (
        _text(channel, "wp:base_blog_url", ns)
        or _text(channel, "link", ns)
        or _text(channel, "wp:base_site_url", ns)
    )
    items = []
    for node in channel.findall("item"):
        item = ExportItem(
            id=_last_text(node, "wp:post_id", ns).strip(),
            type=_text(node, "wp:post_type", ns).strip() or "post",
            status=_text(node, "wp:status", ns).strip(),
            password=_text(node, "wp:post_password", ns).strip(),
            title=plain(_text(node, "title", ns)),
            link=_text(node, "link", ns).strip(),
            slug=_text(node, "wp:post_name", ns).strip(),
            post_date=_text(node, "wp:post_date", ns).strip(),
            post_date_gmt=_text(node, "wp:post_date_gmt", ns).strip(),
            content=_text(node, "content:encoded", ns),
            attachment_url=_text(node, "wp:attachment_url", ns).strip(),
            parent=_text(node, "wp:post_parent", ns).strip(),
        )
        for meta in node.findall("wp:postmeta", ns):
            if _text(meta, "wp:meta_key", ns).strip() == "_wp_old_slug":
                item.old_slugs.append(_text(meta, "wp:meta_value", ns).strip())
        for category in node.findall("category"):
            name = plain(category.text or "")
            slug = (category.get("nicename") or "").strip()
            term = (category.get("domain") or "", slug)
            # A term listed twice on one post is one term of it, as WordPress keeps it (one row).
            if term[0] in ("category", "post_tag", "post_format") and slug and term not in item.term_slugs:
                item.term_slugs.append(term)
            if category.get("domain") == "category" and name:
                item.categories.append(name)
            elif category.get("domain") == "post_tag" and name:
                item.tags.append(name)
        for comment in node.findall("wp:comment", ns):
            item.comments.append(
                Comment(
                    _text(comment, "wp:comment_id", ns).strip(),
                    _text(comment, "wp:comment_content", ns),
                    _text(comment, "wp:comment_approved", ns).strip() == "1",
                    _text(comment, "wp:comment_type", ns).strip(),
                )
            )
        items.append(item)
    return Export(path, base.strip(), items)


def old_path(url: str, base_url: str) -> tuple[str, str]:
    """The path and query of an old URL, relative to the old site's root (its base URL's path)."""
    parts = urlsplit(url)
    base_path = urlsplit(base_url).path.rstrip("/")
    path = parts.path or "/"
    if base_path and (path == base_path or path.startswith(base_path + "/")):
        path = path[len(base_path) :] or "/"
    return path, parts.query


def gmt_date(item: ExportItem) -> tuple[str, bool]:
    """The item's date as WordPress stored it, and whether it is UTC (else local time)."""
    # MySQL, where WordPress keeps them, reads a "T" between date and time as the space it writes
    # (an export another tool wrote from WordPress's REST API has ISO 8601's).
    if item.post_date_gmt not in NO_DATE:
        return _mysql_datetime(item.post_date_gmt), True
    if item.post_date not in NO_DATE:
        return _mysql_datetime(item.post_date), False
    return "", False


def _mysql_datetime(value: str) -> str:
    return value[:10] + " " + value[11:] if len(value) > 10 and value[10] == "T" else value
