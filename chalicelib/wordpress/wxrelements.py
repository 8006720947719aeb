"""One element of a WordPress export (WXR) read into its record: an `<item>` into an `Item` with its
comments, a channel's `<wp:author>`, `<wp:category>`, `<wp:tag>` or `<wp:term>` into an `Author` or a
`Term`; and the namespaces they are read by. `wxr.ExportReader` streams the export and hands each
element here.

Elements are matched by namespace URI, never by prefix. This module must never resolve entities,
touch the network, or write anything.
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.wordpress.dates import from_pubdate, gmt_from_pubdate, wordpress_dates
from chalicelib.wordpress.wxrrecords import Author, Comment, Item, Term

# WordPress.com writes its namespaces with https; both spellings name the same vocabulary.
WP_NAMESPACES = frozenset(
    f"{scheme}://wordpress.org/export/1.{n}/" for n in range(3) for scheme in ("http", "https")
)
EXCERPT_NAMESPACES = frozenset(ns + "excerpt/" for ns in WP_NAMESPACES)
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
# RSS 2.0 has no namespace, but some writers put its elements under one of these as a default namespace.
RSS_NAMESPACES = frozenset({"", "http://backend.userland.com/rss2", "http://blogs.law.harvard.edu/tech/rss"})
#: The status of an item with neither `<wp:post_type>` nor `<wp:status>`.
UNTYPED = "untyped"

# An export names a few dozen tags, each thousands of times: their (namespace, name) split is
# remembered, up to a bound that a hostile export with endless distinct tags cannot pass.
_LOCAL_NAMES: dict[str, tuple[str, str]] = {}
_LOCAL_NAMES_MAX = 4096


def wp_fields(item: Any) -> set[str]:
    """The names of an item's children in WordPress's namespace (`post_id`, `post_type`)."""
    return {name for ns, name in map(local_name, item) if ns in WP_NAMESPACES}


def local_name(el: Any) -> tuple[str, str]:
    tag = el.tag
    known = _LOCAL_NAMES.get(tag)
    if known is not None:
        return known
    if not isinstance(tag, str):
        return "", ""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        local = ("" if ns in RSS_NAMESPACES else ns), name
    else:
        local = "", tag
    if len(_LOCAL_NAMES) < _LOCAL_NAMES_MAX:
        _LOCAL_NAMES[tag] = local
    return local


def element_text(el: Any) -> str:
    return "".join(el.itertext()) if len(el) else (el.text or "")


def as_int(value: str) -> int:
    """A WXR number field, 0 when it is empty or not a number."""
    try:
        return int(value.strip() or 0)
    except ValueError:
        return 0


def read_term(el: Any, kind: str) -> Term | None:
    values: dict[str, str] = {}
    for child in el:
        ns, name = local_name(child)
        if ns in WP_NAMESPACES:
            values[name] = element_text(child).strip()
    if kind == "category":
        return Term(
            "category",
            values.get("category_nicename", ""),
            values.get("cat_name", ""),
            values.get("category_parent", ""),
            values.get("category_description", ""),
            as_int(values.get("term_id", "0")),
        )
    if kind == "tag":
        return Term(
            "post_tag",
            values.get("tag_slug", ""),
            values.get("tag_name", ""),
            "",
            values.get("tag_description", ""),
            as_int(values.get("term_id", "0")),
        )
    return Term(
        values.get("term_taxonomy", ""),
        values.get("term_slug", ""),
        values.get("term_name", ""),
        values.get("term_parent", ""),
        values.get("term_description", ""),
        as_int(values.get("term_id", "0")),
    )


def _fields(el: Any) -> dict[str, str]:
    """The WordPress fields of `el` by name, stripped (`author_login`, `meta_key`...)."""
    values: dict[str, str] = {}
    for child in el:
        ns, name = local_name(child)
        if ns in WP_NAMESPACES:
            values[name] = element_text(child).strip()
    return values


def read_author(el: Any) -> Author:
    values = _fields(el)
    login = values.get("author_login", "")
    return Author(
        login,
        values.get("author_display_name", "") or login,
        values.get("author_email", ""),
        as_int(values.get("author_id", "0")),
    )


def read_comment(el: Any) -> Comment:
    values: dict[str, str] = {}
    rating = 0
    for child in el:
        ns, name = local_name(child)
        if ns in WP_NAMESPACES and name == "commentmeta":
            rating = rating or _rating(child)
        elif ns in WP_NAMESPACES:
            values[name] = element_text(child)
    return Comment(
        id=as_int(values.get("comment_id", "0")),
        parent=as_int(values.get("comment_parent", "0")),
        author=values.get("comment_author", "").strip(),
        author_url=values.get("comment_author_url", "").strip(),
        date=values.get("comment_date", "").strip(),
        date_gmt=values.get("comment_date_gmt", "").strip(),
        content=values.get("comment_content", ""),
        approved=values.get("comment_approved", "").strip(),
        type=values.get("comment_type", "").strip(),
        rating=rating,
    )


def _rating(meta: Any) -> int:
    """The stars of a `<wp:commentmeta>` that is WooCommerce's `rating` (1 to 5), else 0."""
    pair = _fields(meta)
    value = pair.get("meta_value", "")
    return int(value) if pair.get("meta_key") == "rating" and value in ("1", "2", "3", "4", "5") else 0


def read_item(el: Any) -> Item:
    values: dict[str, str] = {}
    terms: list[Term] = []
    meta: dict[str, str] = {}
    repeated_meta: dict[str, list[str]] = {}
    comments: list[Comment] = []
    for child in el:
        ns, name = local_name(child)
        if ns == "":
            if name == "category":
                domain = child.get("domain", "category")
                terms.append(Term(domain, (child.get("nicename") or "").strip(), element_text(child).strip()))
            else:
                values[name] = element_text(child)
        elif ns in WP_NAMESPACES:
            if name == "postmeta":
                key = value = ""
                for sub in child:
                    sub_ns, sub_name = local_name(sub)
                    if sub_ns in WP_NAMESPACES and sub_name == "meta_key":
                        key = element_text(sub).strip()
                    elif sub_ns in WP_NAMESPACES and sub_name == "meta_value":
                        value = element_text(sub)
                if key:
                    if key in meta:
                        repeated_meta.setdefault(key, [meta[key]]).append(value)
                    meta[key] = value
            elif name == "comment":
                comments.append(read_comment(child))
            else:  # the first, as WordPress's importer reads it (SimpleXML), where one is written twice
                values.setdefault("wp:" + name, element_text(child))
        elif ns == CONTENT_NS and name == "encoded":
            values["content"] = element_text(child)
        elif ns in EXCERPT_NAMESPACES and name == "encoded":
            values["excerpt"] = element_text(child)
        elif ns == DC_NS and name == "creator":
            values["creator"] = element_text(child)

    def wp(name: str) -> str:
        return values.get("wp:" + name, "").strip()

    date, date_gmt = wordpress_dates(wp("post_date"), wp("post_date_gmt"))
    if not date and not date_gmt and values.get("pubDate", "").strip():
        date, date_gmt = from_pubdate(values["pubDate"])
    elif date and not date_gmt and values.get("pubDate", "").strip():
        # A writer that left out post_date_gmt (a Jekyll export's: 22 Korean posts went out 9 h off)
        date_gmt = gmt_from_pubdate(date, values["pubDate"])
    modified, modified_gmt = wordpress_dates(wp("post_modified"), wp("post_modified_gmt"))

    return Item(
        id=as_int(wp("post_id")),
        type=wp("post_type") or "post",
        title=values.get("title", "").strip(),
        link=rooted(values.get("link", "").strip()),
        guid=values.get("guid", "").strip(),
        creator=values.get("creator", "").strip(),
        content=values.get("content", ""),
        excerpt=values.get("excerpt", ""),
        date=date,
        date_gmt=date_gmt,
        modified=modified,
        modified_gmt=modified_gmt,
        slug=wp("post_name"),
        # Neither a type nor a status: WordPress's importer refuses it (no such post type); kept as a draft.
        status=wp("status") or ("publish" if wp("post_type") else UNTYPED),
        parent=as_int(wp("post_parent")),
        menu_order=as_int(wp("menu_order")),
        password=wp("post_password"),
        sticky=wp("is_sticky") == "1",
        attachment_url=wp("attachment_url"),
        line=el.sourceline or 0,
        terms=terms,
        meta=meta,
        repeated_meta=repeated_meta,
        comments=comments,
        raw_id="" if as_int(wp("post_id")) else wp("post_id"),
    )


#: A hand-written item link that is a path without its leading slash (`miscellaneous/wiki/`).
_BARE_PATH = re.compile(r"[\w%.~-]+(?:/[\w%.~-]*)+")


def rooted(link: str) -> str:
    """An item's `<link>` as the site's address: a hand-edited export's `miscellaneous/wiki/` (no host,
    no leading slash) is the site's `/miscellaneous/wiki/`. WordPress writes whole URLs; read as they
    were, such a page's old address answered nothing while its old slug's did."""
    first = link.split("/", 1)[0]
    # A first part with a dot is a host written without its scheme (`www.example.org/a/`): left alone.
    return f"/{link}" if _BARE_PATH.fullmatch(link) and "." not in first else link
