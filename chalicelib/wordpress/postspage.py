"""The posts page: the page where a WordPress site with a static front page listed its posts
(Settings > Reading, "Posts page").

An export does not carry that setting (`page_for_posts`), and WordPress shows the page's own content
nowhere (its address lists the posts instead), so site owners leave it empty and name it for what it
shows: Blog, News, Posts. So, when the site has a static front page (frontpage.py) and published
posts, a published page with no content of its own (no text, no page builder's data) named like
that is taken as the posts page: the posts section's list moves to its address (`url` in
`content/<posts section>/_index.md`, so its later pages are `/blog/page/2/` as WordPress's were), it
takes the page's title, and the section's own address leads there. A page with text, or with pages
below it, is never taken; the report says which page was.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from chalicelib.wordpress.writer import content_file

if TYPE_CHECKING:
    from chalicelib.wordpress.plan import Placement, Plan
    from chalicelib.wordpress.wxr import Item

POSTS_PAGE_NOTE = (
    "taken as the posts page (Settings > Reading): empty, named like one, on a site with a static front "
    "page; the list of posts is at its address"
)
#: What site owners call the posts page (slug or title, case folded; a slug's -2 suffix aside).
POSTS_PAGE_NAMES = frozenset(
    {
        "blog", "news", "posts", "articles", "journal", "updates", "stories", "insights", "notes",
        "writing", "writings", "diary", "latest", "latest-news", "our-blog", "the-blog", "weblog",
        "aktuelles", "neuigkeiten", "nachrichten", "beitrage", "beiträge", "artikel",
        "actualites", "actualités", "nouvelles", "noticias", "novedades", "novidades", "notizie",
        "nieuws", "berichten", "nyheter", "uutiset", "aktualnosci", "aktualności", "wpisy",
        "haberler", "yazilar", "新闻", "博客", "日志", "文章", "ブログ", "ニュース", "お知らせ", "블로그",
        "новости", "блог", "статьи", "اخبار", "وبلاگ",
    }
)  # fmt: skip
_BUILDER_META = (
    "_elementor_data",
    "_fl_builder_data",
    "_et_pb_use_builder",
    "panels_data",
    "_bricks_page_content_2",
)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_NUMBERED = re.compile(r"-\d+$")


def is_posts_page_candidate(item: Item) -> bool:
    """A page with nothing of its own to show, named like a posts page."""
    if item.type != "page" or _COMMENT.sub("", item.content).strip():
        return False
    if any(item.meta.get(key, "").strip() for key in _BUILDER_META):
        return False
    slug = unquote(item.slug.strip()).casefold()  # WordPress stores a non-Latin slug percent-encoded
    names = {_NUMBERED.sub("", slug), html.unescape(item.title).strip().casefold()}
    return bool(names & POSTS_PAGE_NAMES)


def choose_posts_page(plan: Plan, candidates: list[int], front: int, posts: int) -> int:
    """The posts page's id among the candidates (published, not branches), or 0: only with a front
    page and published posts, and only when exactly one candidate is left."""
    if not front or not posts:
        return 0
    left = [
        page_id
        for page_id in candidates
        if (placement := plan.placements.get(page_id)) is not None
        and placement.status == "published"
        and not placement.branch
        and not placement.front
    ]
    return left[0] if len(left) == 1 else 0


def take_posts_page(plan: Plan, page_id: int, slug: str) -> None:
    """Makes the page the posts page: Hugo's path of it is the posts section's. A page that was at
    the section's own address (`/posts/`, renamed `posts-2` since the section has that folder) keeps
    it: the section's list is already there."""
    page = plan.placements[page_id]
    section = plan.options.posts_section
    page.posts_page, page.ref = True, "/" + section
    if _NUMBERED.sub("", unquote(slug.strip()).casefold()) == section:
        page.url = plan.sitemap.by_id[page_id].url = f"/{section}/"
        plan.renamed = [renamed for renamed in plan.renamed if renamed[0] != page_id]


def posts_page_file(
    meta: dict[str, Any], markdown: str, page: Placement, section: str, taxonomies: Iterable[str]
) -> tuple[str, str]:
    """(path, text) of the posts section's `_index.md` that stands for the posts page: the page's title
    and fields (but its terms: a list is listed under none) at its address, and the section's own
    address leading there."""
    skipped = {"slug", "aliases", "draft", "weight", *taxonomies}
    fields = {key: value for key, value in meta.items() if key not in skipped}
    if page.url != f"/{section}/":  # the list moves to the page's address; the section's leads there
        fields["url"] = page.url
    fields["aliases"] = sorted({f"/{section}/", *page.aliases} - {page.url})
    return f"content/{section}/_index.md", content_file(fields, markdown)
