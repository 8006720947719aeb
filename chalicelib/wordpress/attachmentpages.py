"""Attachment pages' old addresses: WordPress gave each medium a page of its own (`/post/photo/`), which
a static site has no use for; its address leads to the page the medium is attached to when that is
published, else to the home page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.wordpress.links import url_path

if TYPE_CHECKING:
    from chalicelib.wordpress.plan import Plan


def place_attachment_pages(plan: Plan) -> None:
    for media in plan.media.values():
        aliases = []
        if media.link and plan.sitemap.is_old_site(media.link) and "?" not in media.link:
            aliases.append(url_path(media.link))
        parent = plan.placements.get(media.parent)
        target = parent.aliases if parent is not None and parent.status == "published" else plan.home_aliases
        for alias in aliases:
            if alias not in target and alias != "/" and (parent is None or alias != parent.url):
                target.append(alias)
