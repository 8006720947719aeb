"""Small WordPress exports written in the tests: a channel and items, in WXR 1.2 as WordPress writes it.

`item()` takes the fields by their WXR names; a field given as None is left out entirely (as the
importer's edge-case files do), postmeta is a list of (key, value) pairs, since keys can repeat.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

SITE = "https://old.example"
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old site</title><link>{site}</link><language>en-US</language>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>{site}</wp:base_site_url>
<wp:base_blog_url>{site}</wp:base_blog_url>
"""


def item(
    title: str,
    *,
    post_id: int | None,
    link: str = "",
    guid: str = "",
    post_type: str = "post",
    status: str = "publish",
    slug: str = "",
    date: str = "2024-05-06 07:08:09",
    parent: int = 0,
    terms: tuple[tuple[str, str, str], ...] = (),
    meta: tuple[tuple[str, str], ...] = (),
    attachment_url: str = "",
    content: str = "<p>Body</p>",
    comments: int = 0,
) -> str:
    parts = [f"<item><title>{escape(title)}</title>"]
    if link:
        parts.append(f"<link>{escape(link)}</link>")
    if guid:
        parts.append(f'<guid isPermaLink="false">{escape(guid)}</guid>')
    parts.append("<dc:creator>ann</dc:creator>")
    parts.append(f"<content:encoded><![CDATA[{content}]]></content:encoded>")
    if post_id is not None:
        parts.append(f"<wp:post_id>{post_id if post_id else ''}</wp:post_id>")
    parts.append(f"<wp:post_date>{date}</wp:post_date><wp:post_date_gmt>{date}</wp:post_date_gmt>")
    parts.append(f"<wp:post_name>{escape(slug)}</wp:post_name><wp:status>{status}</wp:status>")
    parts.append(f"<wp:post_parent>{parent}</wp:post_parent><wp:post_type>{post_type}</wp:post_type>")
    if attachment_url:
        parts.append(f"<wp:attachment_url>{escape(attachment_url)}</wp:attachment_url>")
    for domain, nicename, name in terms:
        parts.append(
            f'<category domain="{domain}" nicename="{escape(nicename)}"><![CDATA[{name}]]></category>'
        )
    for key, value in meta:
        parts.append(
            f"<wp:postmeta><wp:meta_key>{escape(key)}</wp:meta_key>"
            f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"
        )
    for n in range(1, comments + 1):
        parts.append(
            f"<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>Reader {n}</wp:comment_author>"
            f"<wp:comment_date>{date}</wp:comment_date><wp:comment_content>Nice {n}</wp:comment_content>"
            "<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>"
        )
    parts.append("</item>")
    return "".join(parts)


def write_export(path: Path, items: list[str], channel: str = "", site: str = SITE) -> Path:
    head = HEAD.format(site=site)
    path.write_text(head + channel + "\n".join(items) + "\n</channel></rss>\n", encoding="utf-8")
    return path


def category(term_id: int, slug: str, name: str, parent: str = "") -> str:
    """A channel's `<wp:category>`, as WordPress writes it."""
    return (
        f"<wp:category><wp:term_id>{term_id}</wp:term_id><wp:category_nicename>{escape(slug)}"
        f"</wp:category_nicename><wp:category_parent>{escape(parent)}</wp:category_parent>"
        f"<wp:cat_name>{escape(name)}</wp:cat_name></wp:category>"
    )
