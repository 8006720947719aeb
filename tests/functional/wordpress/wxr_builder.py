"""Small WXR 1.2 exports written the way WordPress's exporter writes them, for the media tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass
class Post:
    id: int
    slug: str
    content: str
    title: str = ""
    type: str = "post"
    parent: int = 0
    attachment_url: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    date: str = "2024-01-15 10:00:00"


def export(site: str, posts: list[Post]) -> str:
    items = []
    for post in posts:
        link = f"{site}/{post.slug}/"  # attachments too: their page, as WordPress links them
        meta = "".join(
            f"<wp:postmeta><wp:meta_key>{escape(k)}</wp:meta_key><wp:meta_value>{cdata(v)}</wp:meta_value></wp:postmeta>"
            for k, v in post.meta.items()
        )
        attachment = (
            f"<wp:attachment_url>{escape(post.attachment_url)}</wp:attachment_url>"
            if post.attachment_url
            else ""
        )
        items.append(
            f"""<item>
<title>{escape(post.title or post.slug)}</title>
<link>{escape(link)}</link>
<pubDate>Mon, 15 Jan 2024 10:00:00 +0000</pubDate>
<dc:creator>{cdata("admin")}</dc:creator>
<guid isPermaLink="false">{escape(site)}/?p={post.id}</guid>
<description></description>
<content:encoded>{cdata(post.content)}</content:encoded>
<excerpt:encoded>{cdata("")}</excerpt:encoded>
<wp:post_id>{post.id}</wp:post_id>
<wp:post_date>{cdata(post.date)}</wp:post_date>
<wp:post_date_gmt>{cdata(post.date)}</wp:post_date_gmt>
<wp:post_name>{cdata(post.slug)}</wp:post_name>
<wp:status>{cdata("inherit" if post.type == "attachment" else "publish")}</wp:status>
<wp:post_parent>{post.parent}</wp:post_parent>
<wp:menu_order>0</wp:menu_order>
<wp:post_type>{cdata(post.type)}</wp:post_type>
<wp:post_password>{cdata("")}</wp:post_password>
<wp:is_sticky>0</wp:is_sticky>
{attachment}{meta}
</item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
<title>Media test</title>
<link>{escape(site)}</link>
<description>media</description>
<language>en-US</language>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>{escape(site)}</wp:base_site_url>
<wp:base_blog_url>{escape(site)}</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>{cdata("admin")}</wp:author_login><wp:author_display_name>{cdata("Admin")}</wp:author_display_name></wp:author>
{"".join(items)}
</channel>
</rss>
"""


def write_export(path: Path, site: str, posts: list[Post]) -> Path:
    path.write_text(export(site, posts), encoding="utf-8")
    return path
