"""The static front page: the page a WordPress site showed at its home (Settings > Reading, "Your
homepage displays: A static page").

An export does not carry that setting (`show_on_front`, `page_on_front`), but WordPress gives the page
the site's home URL as its permalink (`_get_page_link` returns `home_url('/')` for `page_on_front`),
so its `<link>` is the site's address. That page is the new site's home page: its content and fields
go into `content/_index.md`, marked `front_page` so a theme shows it as WordPress did (the page, not a
list of posts), and its own address (`/home/`), which WordPress redirected to `/` (redirect_canonical),
becomes an alias of the home page. The list of posts is at the posts page's address when the export
shows which page that was (postspage.py), else at the posts section's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from chalicelib.wordpress.links import url_path
from chalicelib.wordpress.oldurls import site_relative

if TYPE_CHECKING:
    from chalicelib.wordpress.plan import Plan

#: The home page's front matter param that tells a theme it shows a page, not a list of posts.
FRONT_PAGE_PARAM = "front_page"
#: The page's own fields that a home page has no use for (its place is the home, its title the site's).
_NOT_FOR_HOME = frozenset({"title", "slug", "aliases", "draft", "weight", "url"})


def is_front_page_link(link: str, is_old_site: Callable[[str], bool], base: str) -> bool:
    """Whether a page's `<link>` is the old site's home address (no query: `/?page_id=5` is not)."""
    link = link.strip()
    if not link or "?" in link or "#" in link or not is_old_site(link):
        return False
    return site_relative(url_path(link), base) == "/"


def front_page_id(pages: Iterable[tuple[int, str]], is_old_site: Callable[[str], bool], base: str) -> int:
    """The id of the first published page (id, link) whose link is the site's home address, or 0."""
    for page_id, link in pages:
        if is_front_page_link(link, is_old_site, base):
            return page_id
    return 0


def front_page_aliases(plan: Plan) -> None:
    """The front page's addresses lead home: its own (`/home/`, unless its children's section is
    there) and every alias it gathered (attachment pages, old slugs)."""
    for placement in plan.placements.values():
        if placement.front:
            own = [] if placement.branch else [f"/{placement.folder}/"]
            plan.home_aliases += [a for a in (*own, *placement.aliases) if a not in plan.home_aliases]
            placement.aliases = []


def home_front_matter(
    site: dict[str, Any], page: dict[str, Any], taxonomies: Iterable[str]
) -> dict[str, Any]:
    """The home page's front matter with the front page's fields: the site's title and description
    first (a page's SEO description, when it has one, is the home page's), then the page's own but its
    terms (the home page is listed under no author, category or tag)."""
    skipped = _NOT_FOR_HOME | set(taxonomies)
    meta = dict(site)
    meta.update((key, value) for key, value in page.items() if key not in skipped)
    meta[FRONT_PAGE_PARAM] = True
    return meta
