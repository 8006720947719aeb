"""The plan of a conversion: from a first, light pass over the export, where every item goes.

For each item it decides its status in Hugo (published, draft, future, skipped), its section, its
safe unique slug and folder (pages nested under their parents), its new URL and the old URLs that
must redirect to it. It also records the media library, the terms and the menu items.

This module must never write files or keep item bodies: the plan stays small however large the export.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from chalicelib.wordpress.attachmentpages import place_attachment_pages
from chalicelib.wordpress.datearchives import TAXONOMY as DATE_ARCHIVES
from chalicelib.wordpress.datearchives import (
    archive_day,
    archive_pages,
    archive_terms,
    common_front,
    day_paths,
    front_path,
    permalink_front,
)
from chalicelib.wordpress.dates import iso_date, offset_of
from chalicelib.wordpress.frontpage import front_page_aliases, front_page_id
from chalicelib.wordpress.links import (
    Target,
    media_address,
    uploads_relative,
    url_host,
    url_path,
)
from chalicelib.wordpress.menuitem import MenuItem
from chalicelib.wordpress.menureading import (
    BLOCK_THEME_TYPES,
    read_block_theme_part,
    read_menu_item,
    read_navigation,
)
from chalicelib.wordpress.oldurls import (
    POSTS_PER_PAGE,
    archive_page_paths,
    author_url,
    comment_page_paths,
    guid_id,
    item_query,
    links_to_file,
    page_paths,
    renamed_paths,
    site_base_path,
    site_relative,
)
from chalicelib.wordpress.options import ConvertOptions
from chalicelib.wordpress.pagealiases import drop_aliases_that_are_pages
from chalicelib.wordpress.pagefolders import PageFolders
from chalicelib.wordpress.planrecords import MediaItem, Placement, Plan
from chalicelib.wordpress.polylang import LISTS as LANGUAGE_LISTS
from chalicelib.wordpress.polylang import TAXONOMY as LANGUAGE_TAXONOMY
from chalicelib.wordpress.polylang import (
    item_language,
    item_languages,
    language_lists,
    polylang_languages,
    translation_group,
)
from chalicelib.wordpress.postspage import choose_posts_page, is_posts_page_candidate, take_posts_page
from chalicelib.wordpress.slugs import (
    SlugRegistry,
    slugify,
)
from chalicelib.wordpress.squarespace import written_text
from chalicelib.wordpress.statuses import item_status
from chalicelib.wordpress.terms import SKIPPED_TAXONOMIES, TAXONOMY_SECTIONS, TermPage, place_terms, term_key
from chalicelib.wordpress.typesections import type_sections
from chalicelib.wordpress.wxr import Author, Item, Site, Term

__all__ = [
    "SKIPPED_TAXONOMIES",
    "TAXONOMY_SECTIONS",
    "MediaItem",
    "MenuItem",
    "Placement",
    "Plan",
    "Planner",
    "TermPage",
    "item_status",
]


SEARCH_PAGE = "/search/"  # where the theme's search page is (theme/content/search.md)


@dataclass
class _Light:
    id: int
    type: str
    title: str
    slug: str
    status: str
    parent: int
    password: str
    link: str
    guid: str
    date: str
    date_gmt: str
    renamed_paths: list[str]


class Planner:
    """Collects the light facts of each item (first pass), then decides the placements."""

    def __init__(self, site: Site, options: ConvertOptions) -> None:
        self.plan = Plan(site, options)
        self._items: list[_Light] = []
        self._offsets: Counter[str] = Counter()
        self._item_terms: list[Term] = []
        self._translation_groups: dict[str, list[tuple[str, int]]] = {}
        self._repeat_links: dict[int, list[str]] = {}
        self._archive_terms: Counter[str] = Counter()  # published posts by year and by month
        self._archive_ahead: dict[str, str] = {}  # year or month -> its first scheduled post's date
        self._archive_days: dict[str, set[str]] = {}  # month ("2024-05") -> its days with posts
        self._term_posts: Counter[tuple[str, str]] = Counter()  # published items by term_key
        self._front: list[str] | None = None  # the permalinks' static head, as far as the posts agree
        self._language_posts: Counter[str] = Counter()  # published posts by Polylang language slug
        self._language_homes: set[str] = set()  # languages whose posts' paths begin `/slug/`
        self._type_sections: dict[str, str] = {}  # custom type -> its old addresses' section
        self._posts_pages: list[int] = []  # published pages that may be the posts page (postspage.py)

    def _add_to_archives(self, item: Item, published: bool) -> None:
        """A post in its year's and month's archives; a scheduled one only from its date, which the
        archive's page waits for too when no published post has it yet."""
        dated = archive_terms(item.date)  # [year, month], or none
        if published:
            self._archive_terms.update(dated)
        else:
            when = iso_date(item.date, item.date_gmt)
            for term in dated:
                self._archive_ahead[term] = min(self._archive_ahead.get(term, when), when)
        if day := archive_day(item.date):
            self._archive_days.setdefault(dated[1], set()).add(day)

    def add_repeat(self, item: Item, same_as: int) -> None:
        """An item left out as a repeat of another: its id and addresses lead to that item's page."""
        for old_id in (item.id, guid_id(item.guid)):
            if old_id > 0 and old_id != same_as:
                self.plan.id_aliases.setdefault(old_id, same_as)
        self._repeat_links.setdefault(same_as, []).extend(link for link in (item.link, item.guid) if link)
        old_slugs = item.meta_values("_wp_old_slug")  # the repeat's names before a rename answered too
        self._repeat_links[same_as] += renamed_paths(item.link, item.slug, item.date, old_slugs, [])
        # and its comment pages and its pages (<!--nextpage-->), which WordPress served as its own
        self._repeat_links[same_as] += comment_page_paths(item.link, item.comments)
        self._repeat_links[same_as] += page_paths(item.link, item.content)
        if item.type == "post" and item_status(item) == "published":
            # WordPress listed it in its archives, which had as many more pages: those lead on too
            self._archive_terms.update(archive_terms(item.date))
            self._term_posts.update({term_key(term.taxonomy, term.slug) for term in item.terms if term.slug})
            self.plan.author_posts[item.creator] += 1

    def add(self, item: Item) -> None:
        plan = self.plan
        offset = offset_of(item.date, item.date_gmt)
        if offset:
            self._offsets[offset] += 1
        if item.link and not links_to_file(item):  # an attachment's link may be its file on a CDN
            plan.sitemap.add_host(item.link)
        spelled = guid_id(item.guid)
        if spelled and spelled != item.id:
            plan.id_aliases.setdefault(spelled, item.id)
        if item.type == "attachment":
            self._add_media(item)
            return
        if item.type == "nav_menu_item":
            read_menu_item(plan, item)
            return
        if item.type == "wp_navigation":
            read_navigation(plan, item)
            return
        if item.type in BLOCK_THEME_TYPES:
            read_block_theme_part(plan, item)
        if item.type == "page":
            plan.page_order[item.id] = (item.menu_order, item.parent)
        for term in item.terms:
            if term.taxonomy not in SKIPPED_TAXONOMIES and term.slug:
                self._item_terms.append(term)
        if group := translation_group(item.terms):
            members = self._translation_groups.setdefault(group, [])
            language = next((t.slug for t in item.terms if t.taxonomy == LANGUAGE_TAXONOMY), "")
            members.append((language, item.id))
            plan.translations[item.id] = members
        status = item_status(item)
        published = status == "published"
        if published and is_posts_page_candidate(item):
            self._posts_pages.append(item.id)
        if published:
            self._term_posts.update({term_key(term.taxonomy, term.slug) for term in item.terms if term.slug})
        if item.type == "post" and status in ("published", "future"):
            self._add_to_archives(item, published)
        if item.type == "post" and published:
            plan.author_posts[item.creator] += 1
            language = item_language(item.terms)
            self._language_posts[language] += 1
            if item.link and plan.sitemap.is_old_site(item.link) and "?" not in item.link:
                path = site_relative(url_path(item.link), site_base_path(plan.site))
                self._front = common_front(self._front, permalink_front(path, item.slug, item.id, item.date))
                if language and path.lower().startswith(f"/{language.lower()}/"):
                    self._language_homes.add(language)
        self._items.append(
            _Light(
                item.id,
                item.type,
                item.title,
                item.slug,
                item.status,
                item.parent,
                item.password,
                item.link,
                item.guid,
                item.date,
                item.date_gmt,
                renamed_paths(
                    item.link,
                    item.slug,
                    item.date,
                    item.meta_values("_wp_old_slug"),
                    item.meta_values("_wp_old_date"),
                )
                + page_paths(item.link, item.content)
                + comment_page_paths(item.link, item.comments),
            )
        )

    def _add_media(self, item: Item) -> None:
        url = media_address(item.attachment_url or item.guid)
        # Media kept on another host (a CDN, Unsplash) has no uploads path; it stays where it is.
        rel = uploads_relative(url)
        if rel:
            self.plan.sitemap.add_media(rel)
            self.plan.sitemap.attachment_by_id[item.id] = rel
        self.plan.media[item.id] = MediaItem(
            item.id,
            rel,
            url,
            item.title,
            item.meta.get("_wp_attachment_image_alt", "").strip(),
            written_text(item.excerpt.strip()),
            item.parent,
            item.link,
        )
        host = url_host(url)
        if host:
            self.plan.sitemap.hosts.add(host)

    def finish(self) -> Plan:
        plan = self.plan
        site = plan.site
        for url in (site.link, site.base_blog_url):
            plan.sitemap.add_host(url)
        if not site.base_blog_url and not site.link:
            plan.sitemap.add_host(site.base_site_url)
        if self._offsets:
            plan.offset = sorted(self._offsets.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        plan.sitemap.base = site_base_path(site)
        self._place_items()
        self._place_terms()
        self._place_language_lists()
        self._place_date_archives()
        place_attachment_pages(plan)
        front_page_aliases(self.plan)
        drop_aliases_that_are_pages(self.plan)
        return plan

    def _place_language_lists(self) -> None:
        """A page per Polylang language listing its published posts, unless the export has a
        taxonomy of that name already (polylang.language_lists)."""
        plan = self.plan
        singular, plural = LANGUAGE_LISTS
        if not plan.languages or singular in plan.taxonomies or plural in plan.taxonomies.values():
            return
        pages = language_lists(plan.languages, self._language_posts, self._language_homes)
        if pages:
            plan.taxonomies[singular] = plural
            plan.language_lists = plural
            plan.term_pages.update({(plural, page.folder): page for page in pages})

    def _place_date_archives(self) -> None:
        """A term page per year and month of the published posts, unless the export has a taxonomy
        of that name already (its own terms keep it)."""
        plan = self.plan
        singular, plural = DATE_ARCHIVES
        terms = set(self._archive_terms) | set(self._archive_ahead)
        if not terms or singular in plan.taxonomies or plural in plan.taxonomies.values():
            return
        plan.taxonomies[singular] = plural
        plan.date_archives = plural
        front = front_path(self._front)
        for page in archive_pages(terms, plan.site.language, front):
            posts = self._archive_terms[page.folder]
            if not posts:  # scheduled posts only: Hugo publishes the page with the first of them
                page.publish_date = self._archive_ahead[page.folder]
            page.aliases += [later for alias in page.aliases for later in archive_page_paths(alias, posts)]
            page.aliases += day_paths(page.folder, self._archive_days.get(page.folder, set()), front)
            plan.term_pages[(plural, page.folder)] = page
            listed = Target(f"/{plural}/{page.folder}/", f"/{plural}/{page.folder}", True)
            for alias in page.aliases:  # a link to /2024/05/ leads to the month's page, as its alias does
                plan.sitemap.by_path.setdefault(plan.sitemap.base + alias, listed)

    def _section_for(self, item_type: str) -> str:
        options = self.plan.options
        if item_type == "post":
            return options.posts_section
        found = options.custom_types.get(item_type) or self._type_sections.get(item_type)
        return found or slugify(item_type) or "items"

    def _place_items(self) -> None:
        plan = self.plan
        registry = SlugRegistry()
        by_id = {i.id: i for i in self._items}
        statuses: dict[int, str] = {}
        for light in self._items:
            status = item_status(light)
            if light.type in plan.options.skip_types:
                status = "skipped"
            statuses[light.id] = status
            plan.counts[f"{light.type}/{status}"] += 1
            if status == "skipped":
                plan.skipped[light.id] = light.status
            if light.password and status != "skipped":
                plan.password_protected.append(light.id)
        written = {i for i, s in statuses.items() if s != "skipped"}
        for light in self._items:
            if (
                light.type == "page"
                and light.id in written
                and light.parent in written
                and by_id[light.parent].type == "page"
            ):
                plan.children_by_parent.setdefault(light.parent, []).append(light.id)
        base = site_base_path(plan.site)  # the old site's path, as the new site's root
        self._type_sections = type_sections(
            ((light.type, light.link) for light in self._items if light.id in written),
            is_old_site=plan.sitemap.is_old_site,
            base=base,
            taken={plan.options.posts_section, DATE_ARCHIVES[1], *TAXONOMY_SECTIONS.values()}
            | set(plan.options.custom_types.values()),
        )
        # Top-level names of sections and taxonomies are not free for pages; a published page named
        # like a taxonomy's list, with none below it, is that list's page (an "Archives" page's address
        # showed the list of months, its text renamed away).
        lists = {*TAXONOMY_SECTIONS.values(), DATE_ARCHIVES[1]}
        for reserved in {
            plan.options.posts_section,
            *TAXONOMY_SECTIONS.values(),
            *(self._section_for(i.type) for i in self._items if i.type not in ("post", "page")),
            *((DATE_ARCHIVES[1],) if self._archive_terms or self._archive_ahead else ()),
        }:
            registry.reserve("", reserved)
        lists -= {plan.options.posts_section, *(self._section_for(i.type) for i in self._items)}
        page_folders = PageFolders(plan, registry, dict(by_id), statuses, lists)

        links: dict[str, str] = {}  # a published item's own old address -> its new URL
        front = front_page_id(
            ((i.id, i.link) for i in self._items if i.type == "page" and statuses[i.id] == "published"),
            plan.sitemap.is_old_site,
            base,
        )
        # Published items claim their slugs first: a draft has none in WordPress (an empty post_name,
        # its title's slug here) and took a published page's, whose old address then answered nothing.
        claiming = sorted(self._items, key=lambda light: statuses[light.id] not in ("published", "future"))
        for light in claiming:
            if light.id not in written:
                continue
            if light.type == "page":
                folder = page_folders.folder(light)
                section = folder.split("/", 1)[0]
                slug = folder.rsplit("/", 1)[-1]
            else:
                section = self._section_for(light.type)
                slug, renamed = registry.claim(section, light.slug or light.title, f"{light.type}-{light.id}")
                if renamed:
                    # The slug it wanted, made from its title when it has none (the note quoted the title).
                    plan.renamed.append((light.id, light.slug or slugify(light.title), slug))
                folder = f"{section}/{slug}"
            url = "/" if light.id == front else f"/{folder}/"
            placement = Placement(
                light.id,
                light.type,
                section,
                slug,
                folder,
                url,
                statuses[light.id],
                branch=light.id in plan.children_by_parent or light.id in plan.list_pages,
                front=light.id == front,
            )
            if placement.front:  # its folder's name is no section of its own (unless its children's)
                placement.section, placement.ref = "", "/"
            if (
                url == SEARCH_PAGE
                and light.type == "page"
                and not placement.branch
                and statuses[light.id] == "published"
            ):
                placement.layout = "search"  # the site's search page, its text above the search form
            plan.placements[light.id] = placement
            target = Target(url, "/" + folder, statuses[light.id] == "published")
            if target.published and plan.sitemap.is_old_site(light.link) and "?" not in light.link:
                links.setdefault(url_path(light.link), url)
                placement.old_path = url_path(light.link)
            elif (
                target.published
                and plan.sitemap.is_old_site(light.link)
                and (query := item_query(light.link, base))
            ):
                plan.item_queries.setdefault(query[0], {}).setdefault(query[1], url)
            plan.sitemap.by_id[light.id] = target
            if placement.front and not placement.branch:  # its own address, which WordPress sent home
                plan.sitemap.by_path.setdefault(f"{base}/{folder}/", target)
            for old in (light.link, light.guid, *self._repeat_links.get(light.id, ())):
                if old and plan.sitemap.is_old_site(old) and "?" not in old:
                    old_path = url_path(old)
                    plan.sitemap.by_path.setdefault(old_path, target)
                    if old_path not in ("/", url) and old_path not in placement.aliases:
                        placement.aliases.append(old_path)
            for old_path in light.renamed_paths:
                if old_path != url and old_path not in placement.aliases:
                    placement.aliases.append(old_path)
        plan.placements = {item.id: plan.placements[item.id] for item in self._items if item.id in written}
        if posts_page := choose_posts_page(plan, self._posts_pages, front, sum(plan.author_posts.values())):
            take_posts_page(plan, posts_page, by_id[posts_page].slug)
        # A published item's own address stays its own when another item was renamed away from it or
        # began there (WordPress gave the freed slug to a new post and answers the address with it).
        for placement in plan.placements.values():
            placement.aliases = [a for a in placement.aliases if links.get(a, placement.url) == placement.url]

    def _place_terms(self) -> None:
        plan = self.plan
        terms = [*plan.site.terms, *self._item_terms]
        plan.languages = polylang_languages(plan.site.terms)
        if not plan.languages and self._translation_groups:  # a partial export: the items' own terms
            plan.languages = item_languages(self._item_terms)
        if plan.languages:  # Polylang's: on each page (polylang.py), not a taxonomy of its own
            terms = [term for term in terms if term.taxonomy != LANGUAGE_TAXONOMY]
        pages, placed, taxonomies = place_terms(terms)
        front = front_path(self._front)
        if front != "/":  # WordPress puts the permalinks' front before the archives: /blog/category/x/
            plan.sitemap.front = front
            for term_page in pages.values():
                fronted = [front + archive.lstrip("/") for archive in term_page.archives]
                term_page.aliases += [alias for alias in fronted if alias not in term_page.aliases]
        plan.term_pages.update(pages)
        plan.taxonomies.update(taxonomies)
        by_url = {f"/{page.taxonomy}/{page.folder}/": page for page in pages.values()}
        for term in placed:
            plan.term_values[term_key(term.taxonomy, term.slug)] = term.value
            page = by_url.get(term.url)
            posts = self._term_posts[term_key(term.taxonomy, term.slug)]
            if page is not None and posts > POSTS_PER_PAGE:  # its old archive's later pages lead to it
                page.aliases += [
                    later
                    for archive in page.archives
                    if archive != term.url
                    for later in archive_page_paths(archive, posts)
                    if later not in page.aliases
                ]
            plan.sitemap.term_urls[(term.taxonomy, term.slug)] = term.url
            plan.sitemap.term_urls.setdefault(term_key(term.taxonomy, term.slug), term.url)
            for term_id in (term.id, *term.other_ids) if term.id else term.other_ids:
                plan.sitemap.term_urls.setdefault((term.taxonomy, str(term_id)), term.url)
                plan.term_ids.setdefault((term.taxonomy, term_id), term.url)
                plan.term_values_by_id.setdefault((term.taxonomy, term_id), term.value)
        for login, posts in plan.author_posts.items():  # a link to /author/ann/ leads to her new page
            author = plan.site.authors.get(login) or Author(login, login, "", 0)
            if posts and (url := author_url(author)):
                for name in {login.lower(), slugify(login)}:
                    plan.sitemap.term_urls.setdefault(("author", name), url)
        plan.taxonomies.setdefault("category", "categories")
        plan.taxonomies.setdefault("tag", "tags")
        plan.taxonomies.setdefault("author", "authors")
