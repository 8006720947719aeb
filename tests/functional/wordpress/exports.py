"""Small WordPress exports written by the tests themselves: one `Post` per item, WXR 1.2."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Fidelity</title><link>https://old.example</link><description>Tests</description>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example</wp:base_site_url>
<wp:base_blog_url>https://old.example</wp:base_blog_url>
<wp:author><wp:author_login><![CDATA[ann]]></wp:author_login>
<wp:author_display_name><![CDATA[Ann]]></wp:author_display_name></wp:author>
{channel}
"""


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass
class Post:
    id: int
    slug: str
    content: str = ""
    title: str = ""
    type: str = "post"
    date: str = "2024-03-04 05:06:07"
    status: str = "publish"
    excerpt: str = ""
    parent: int = 0
    menu_order: int = 0
    attachment_url: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, nicename, name)
    extra: str = ""  # raw XML inside <item>, e.g. a <pubDate> or a repeated <wp:postmeta>
    link: str = ""  # the item's <link>; https://old.example/<slug>/ when not given

    def xml(self) -> str:
        meta = "".join(
            f"<wp:postmeta><wp:meta_key>{cdata(k)}</wp:meta_key><wp:meta_value>{cdata(v)}</wp:meta_value>"
            "</wp:postmeta>"
            for k, v in self.meta.items()
        )
        terms = "".join(
            f'<category domain="{escape(d)}" nicename="{escape(n)}">{cdata(name)}</category>'
            for d, n, name in self.terms
        )
        date = f"<wp:post_date>{self.date}</wp:post_date>" if self.date else ""
        url = (
            f"<wp:attachment_url>{escape(self.attachment_url)}</wp:attachment_url>"
            if self.attachment_url
            else ""
        )
        return (
            f"<item><title>{cdata(self.title or self.slug)}</title>"
            f"<link>{escape(self.link or f'https://old.example/{self.slug}/')}</link>"
            f"<dc:creator>ann</dc:creator>{self.extra}"
            f"<content:encoded>{cdata(self.content)}</content:encoded>"
            f"<excerpt:encoded>{cdata(self.excerpt)}</excerpt:encoded>"
            f"<wp:post_id>{self.id}</wp:post_id>{date}<wp:post_name>{self.slug}</wp:post_name>"
            f"<wp:status>{self.status}</wp:status><wp:post_parent>{self.parent}</wp:post_parent>"
            f"<wp:menu_order>{self.menu_order}</wp:menu_order><wp:post_type>{self.type}</wp:post_type>"
            f"{url}{terms}{meta}</item>\n"
        )


def write_export(path: Path, posts: list[Post], channel: str = "") -> Path:
    path.write_text(HEAD.format(channel=channel) + "".join(p.xml() for p in posts) + "</channel></rss>\n")
    return path
