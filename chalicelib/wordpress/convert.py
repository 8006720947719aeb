"""Converting one WordPress export into a Hugo site source: its two passes (`converter` runs them).

Pass one reads the export once to plan where everything goes, setting aside each item that becomes a
page in a spool file beside the site; pass two reads the spool back one item at a time and writes it,
so the XML is parsed once and memory stays flat. Everything is written into a temporary folder beside
`out_dir` and moved into place (outdir.py) only when the whole conversion succeeded: a failed
conversion leaves nothing behind, and a non-empty `out_dir` is refused unless `force`.

This module must never publish, build or upload anything, and never leave a half-written site.
"""

from __future__ import annotations

import json
import pickle
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from chalicelib.wordpress.aliasdrops import drop_aliases_over_files, drop_aliases_too_long, nested_block
from chalicelib.wordpress.builderdata import builder_body
from chalicelib.wordpress.comments import comments_json, screen, threaded, unshown_types
from chalicelib.wordpress.customfields import custom_fields, fields_note
from chalicelib.wordpress.events import EventPlaces
from chalicelib.wordpress.eventsarchive import events_archive_aliases
from chalicelib.wordpress.frontmatter_meta import plugin_params
from chalicelib.wordpress.frontpage import home_front_matter
from chalicelib.wordpress.html import BodyContext, clean_title, convert_body
from chalicelib.wordpress.identity import ItemIdentities, Settled, describe
from chalicelib.wordpress.itemfields import own_fields, wordpress_fields
from chalicelib.wordpress.links import (
    LOCAL_UPLOADS_PREFIX,
    SiteMap,
    is_media_url,
)
from chalicelib.wordpress.media import UploadsArchive
from chalicelib.wordpress.menus import left_out_note, menu_entries
from chalicelib.wordpress.oldurls import archive_page_paths, feed_map, query_map
from chalicelib.wordpress.options import ConvertOptions
from chalicelib.wordpress.patterns import Patterns
from chalicelib.wordpress.plaintext import plain, plain_start
from chalicelib.wordpress.plan import Placement, Plan, Planner
from chalicelib.wordpress.plannotes import report_placement_notes, report_renamed_slugs
from chalicelib.wordpress.players import enclosure, enclosure_player
from chalicelib.wordpress.polylang import multilingual_note
from chalicelib.wordpress.portable import PortableLayouts, shortcodes_called
from chalicelib.wordpress.postspage import POSTS_PAGE_NOTE, posts_page_file
from chalicelib.wordpress.report import ConversionReport, SiteInfo
from chalicelib.wordpress.shoppages import SHOP_PAGE
from chalicelib.wordpress.shortcodes import GalleryImage
from chalicelib.wordpress.sitemaps import redirects_file
from chalicelib.wordpress.sitemedia import SiteMedia
from chalicelib.wordpress.slugs import (
    fit_segment,
    fits_as_folder,
    hugo_term_path,
)
from chalicelib.wordpress.statuses import unknown_status_note
from chalicelib.wordpress.variations import VARIATION, Variation, listed, read_variation, settle_variations
from chalicelib.wordpress.writer import content_file, copy_theme, hugo_toml, write_text
from chalicelib.wordpress.wxr import UNTYPED, ExportReader, Item, as_int

REWRITE_CACHE = 16384


def _language(code: str) -> str:
    code = code.strip().replace("_", "-").lower()
    return code if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", code) else "en-us"


def _base_url(reader: ExportReader) -> str:
    site = reader.site
    url = site.base_blog_url or site.link or site.base_site_url
    if not url.startswith(("http://", "https://")):
        return "/"
    return url.rstrip("/") + "/"


class Conversion:
    """One conversion run: the plan, the report, and the site folder being written."""

    def __init__(
        self,
        export: Path,
        work: Path,
        uploads: UploadsArchive | None,
        options: ConvertOptions,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.export = export
        self.work = work
        self.uploads = uploads
        self.options = options
        self.progress = progress
        self.report = ConversionReport(source=export.name)
        self.plan: Plan | None = None
        self.titles: dict[int, str] = {}
        self.patterns = Patterns()  # synced patterns, shown inside the posts that reference them
        self.events = EventPlaces()  # venues and organizers, which events name
        self._attached: dict[int, list[int]] | None = None
        self.identities = ItemIdentities()
        self.variations: dict[int, list[Variation]] = {}  # product id -> its variations (variations.py)
        self._rewrites: dict[str, str] = {}  # old URL -> new, while pages are written (_new_url)
        self.media = SiteMedia(work, uploads, options, self.report)
        # The shortcodes the written content calls: the site gets its own copy of each (portable.py).
        self.shortcodes: set[str] = set()
        self.math = False  # some content has formulas: Hugo's passthrough and its render hook
        self.front_page: tuple[dict[str, Any], str] | None = None  # its front matter and body
        # Written items wait here between the passes; it lives in the work folder's parent so a
        # failed run removes it with the rest.
        self.spool = work.with_name(work.name + ".items")

    # -- pass one -------------------------------------------------------------------------------
    def make_plan(self, reader: ExportReader) -> Plan:
        planner: Planner | None = None
        with self.spool.open("wb") as spool:
            for item in reader.items():
                if planner is None:
                    planner = Planner(reader.site, self.options)
                settled = self._settle_identity(item)
                if not settled.kept:
                    planner.add_repeat(item, settled.same_as)
                    continue
                if item.type == VARIATION:  # listed on its product's page; its addresses lead there
                    planner.add_repeat(item, item.parent)
                    self.variations.setdefault(item.parent, []).append(
                        read_variation(item, plain(item.title))
                    )
                    continue
                planner.add(item)
                if item.type == "wp_block":
                    self.patterns.keep(item.id, item.status, item.content)
                if item.type != "attachment":
                    self.titles[item.id] = plain(item.title)
                    self.events.note(item, self.titles[item.id])
                if item.type not in ("attachment", "nav_menu_item"):
                    pickle.dump(item, spool, protocol=pickle.HIGHEST_PROTOCOL)
                    self.media.note(item)
        if planner is None:
            planner = Planner(reader.site, self.options)
        plan = planner.finish()
        settle_variations(self.variations, plan, self.report)
        if self.uploads is not None:
            plan.sitemap.available = self.uploads.files
        site = reader.site
        self.report.wxr_version = site.wxr_version
        self.report.site = SiteInfo(
            plain(site.title), plain(site.description), site.language, _base_url(reader)
        )
        if reader.repairs:
            self.report.warn(
                "repaired-xml",
                "the export is not well-formed XML where WordPress's importer reads past it: "
                f"{reader.repaired}; read the way the importer reads them",
            )
        if reader.version_assumed:
            self.report.warn(
                "no-wxr-version",
                "the export names no WXR version (<wp:wxr_version>), which WordPress's importer requires; "
                "its items are WordPress's (<wp:post_id>, <wp:post_type>), so it was read as WXR 1.2",
            )
        if plan.languages:
            self.report.warn("multilingual", multilingual_note(plan.languages))
        report_renamed_slugs(plan, self.report)
        self.plan = plan
        self.media.gather(plan)
        drop_aliases_over_files(plan, plan.sitemap.local_files or set())
        drop_aliases_too_long(plan)
        report_placement_notes(plan, self.report)
        return plan

    def _settle_identity(self, item: Item) -> Settled:
        """Whether the item is converted; an item without an id or with a taken one gets a new id."""
        settled = self.identities.settle(item)
        if not settled.kept:
            self.report.warn("duplicate-item", settled.message, describe(item))
            self.report.count(item.type, "duplicate")
        elif item.status == UNTYPED:
            why = "neither <wp:post_type> nor <wp:status>: WordPress would not import it; written as a draft"
            self.report.warn("untyped-item", f"{why} with the new id {item.id}", describe(item))
        elif settled.message:
            self.report.warn("duplicate-id", settled.message, describe(item))
        elif settled.new_id:
            raw = item.raw_id[:60]
            why = (
                f"<wp:post_id> {raw!r} is not a post id (a whole number from 1)" if raw else "no <wp:post_id>"
            )
            self.report.warn("missing-id", f"{why}; written with the new id {item.id}", describe(item))
        if item.type not in self.options.skip_types and (  # attachments are among them
            note := unknown_status_note(item.status)
        ):
            self.report.warn("unknown-status", note, describe(item))
        return settled

    # -- pass two -------------------------------------------------------------------------------
    def spooled_items(self) -> Iterator[Item]:
        with self.spool.open("rb") as spool:
            while True:
                try:
                    yield pickle.load(spool)
                except EOFError:
                    return

    def write_items(self) -> None:
        assert self.plan is not None
        for done, item in enumerate(self.spooled_items(), start=1):
            placement = self.plan.placements.get(item.id)
            if placement is not None:
                self.write_item(item, placement)
            if self.progress is not None:
                self.progress(done)
        self.spool.unlink()

    def _media_of(self, parent: int) -> list[int]:
        """IDs of the media attached to `parent`, indexed once so galleries stay linear."""
        if self._attached is None:
            self._attached = {}
            assert self.plan is not None
            for media in sorted(self.plan.media.values(), key=lambda m: m.id):
                self._attached.setdefault(media.parent, []).append(media.id)
        return self._attached.get(parent, [])

    def _gallery_images(self, item: Item) -> Callable[[list[int]], list[GalleryImage]]:
        plan = self.plan
        assert plan is not None

        def images(ids: list[int]) -> list[GalleryImage]:
            chosen = ids or self._media_of(item.id)
            out = []
            for media_id in chosen:
                media = plan.media.get(media_id)
                if media is None:
                    continue
                src = self.media.src(media)
                self.report.media.add("local" if src.startswith(LOCAL_UPLOADS_PREFIX) else "remote")
                out.append(GalleryImage(src, media.alt or plain(media.title), plain(media.caption)))
            return out

        return images

    def write_item(self, item: Item, placement: Placement) -> None:
        plan = self.plan
        assert plan is not None
        label = f"{item.type} {item.id} {plain(item.title)!r}"
        sitemap: SiteMap = plan.sitemap

        warned: set[str] = set()
        said: set[tuple[str, str]] = set()

        def warn(code: str, message: str) -> None:
            if (code, message) in said and code != "lost-media":
                return  # the same words again for the same item (a theme's [spacing], 465 times)
            said.add((code, message))
            if code == "lost-media":
                self.report.media.add("lost")
            warned.add(code)
            self.report.warn(code, message, label)

        def rewrite(url: str) -> str:
            new = self._new_url(sitemap, url)
            if is_media_url(url):
                self.report.media.add("local" if new.startswith(LOCAL_UPLOADS_PREFIX) else "remote")
            return new

        policy = self.options.hacked_content
        body = convert_body(
            builder_body(item.content, item.meta, warn),
            BodyContext(
                rewrite_url=rewrite,
                gallery_images=self._gallery_images(item),
                warn=warn,
                iframe_hosts=self.options.iframe_hosts,
                strip=policy != "keep",
                footnotes=item.meta.get("footnotes", ""),
                remote_player=lambda url: self.report.media.add("remote"),
                inline_patterns=lambda html: self.patterns.inline(html, warn),
                term_value=lambda taxonomy, term_id: plan.term_values_by_id.get((taxonomy, term_id), ""),
            ),
        )
        markdown = body.markdown
        self.math = self.math or body.formulas > 0
        title, title_findings = clean_title(
            item.title, iframe_hosts=self.options.iframe_hosts, strip=policy != "keep"
        )
        findings = [*title_findings, *body.findings]
        draft = placement.status == "draft"
        for finding in findings:
            code = "hacked-content" if policy == "keep" else "stripped-content"
            warn(code, f"{finding.kind}: {finding.detail}")
        if findings and policy == "quarantine":
            draft = True
            warn("quarantined", "kept out of the site for review because of injected content")
            if placement.status != "draft":  # the report counts what is written: a draft, not a page
                plan.counts[f"{item.type}/{placement.status}"] -= 1
                plan.counts[f"{item.type}/quarantined"] += 1
                placement.status = "quarantined"
        if SHOP_PAGE in warned and not markdown.strip() and not draft:
            # WooCommerce's cart or checkout and nothing else: a page that would show a title alone.
            draft = True
            warn(SHOP_PAGE, "nothing else is on the page: written as a draft, not published")
            plan.counts[f"{item.type}/{placement.status}"] -= 1
            plan.counts[f"{item.type}/shop-draft"] += 1
            placement.status = "shop-draft"
        if item.password:
            warn("password-protected", "password-protected in WordPress; written as a draft, not published")
        meta = own_fields(item, placement, plan, title=title, draft=draft)
        excerpt = plain(item.excerpt)
        podcast = enclosure(item.meta.get("enclosure", ""))
        if podcast is not None:
            player, meta["enclosure"] = enclosure_player(podcast, rewrite)
            if meta["enclosure"]["url"] not in markdown:
                markdown = f"{markdown.rstrip()}\n\n{player}\n".lstrip()
        thumbnail = plan.media.get(as_int(item.meta.get("_thumbnail_id", "")))
        if thumbnail is not None:
            meta["featured_image"] = rewrite(self.media.src(thumbnail))
            if thumbnail.alt:
                meta["featured_image_alt"] = thumbnail.alt
            if plain(thumbnail.caption):
                meta["featured_image_caption"] = plain(thumbnail.caption)
        meta.update(
            plugin_params(
                item,
                title=meta["title"],
                excerpt=excerpt or plain_start(item.content, 300),
                site_title=self.report.site.title,
                site_description=self.report.site.description,
                author=(meta.get("authors") or [""])[0],
                media_url=self._referenced_media_url,
                warn=warn,
                events=self.events,
            )
        )
        if fields := custom_fields(item.meta):
            meta["custom_fields"] = fields
            warn("custom-fields", fields_note(fields))
        if item.id in self.variations and isinstance(meta.get("product"), dict):
            names = {t.slug: t.name for t in item.terms if t.taxonomy.startswith("pa_") and t.slug}
            if shown := listed(self.variations[item.id], self._referenced_media_url, names):
                meta["product"]["variations"] = shown
        meta.update(wordpress_fields(item, placement))
        name = "_index.md" if placement.branch else "index.md"
        self.shortcodes |= shortcodes_called(markdown)
        folder = "" if placement.front else f"{placement.folder}/"
        if placement.front:  # the home page's file, written with the site's own fields (write_site)
            self.front_page, self.report.home_page = (meta, markdown), label
        elif placement.posts_page:  # the posts section's list, at the page's address
            section, terms = self.options.posts_section, plan.taxonomies.values()
            write_text(self.work, *posts_page_file(meta, markdown, placement, section, terms))
            self.report.warn("posts-page", POSTS_PAGE_NOTE, label)
            self.report.posts_page = label
        else:
            write_text(self.work, f"content/{folder}{name}", content_file(meta, markdown))
        clean_comments, spam = screen(item.comments)
        for comment, reason in spam:
            self.report.warn("spam-comment", f"comment {comment.id} left out: {reason}", label)
        comments = threaded(clean_comments, plan.offset)
        if comments:
            write_text(self.work, f"content/{folder}comments.json", comments_json(comments))
        for kind, count in unshown_types(clean_comments).items():
            warn(
                "comment-type",
                f"{count} approved comment{'s' * (count != 1)} of the plugin type {kind[:60]!r} not kept: "
                "a plugin's own comments may be private (an order's notes, a log), so only reviews and "
                "comments are published",
            )
        self.report.count("comment", "approved", len(comments))
        if spam:
            self.report.count("comment", "spam", len(spam))
        if len(item.comments) > len(comments) + len(spam):
            self.report.count("comment", "skipped", len(item.comments) - len(comments) - len(spam))

    def _new_url(self, sitemap: SiteMap, url: str) -> str:
        """`sitemap.rewrite(url) or url`, remembered: the site map is settled before pages are written
        (what it records while answering, it records once per URL), and a site links the same pages
        and files over and over."""
        new = self._rewrites.get(url)
        if new is None:
            if len(self._rewrites) >= REWRITE_CACHE:
                self._rewrites.clear()
            new = self._rewrites[url] = sitemap.rewrite(url) or url
        return new

    def _referenced_media_url(self, media_id: int) -> str:
        """Where a media item the page uses is served from (see `SiteMedia.src`), or "" when unknown."""
        assert self.plan is not None
        media = self.plan.media.get(media_id)
        return "" if media is None else self.media.src(media)

    # -- site-wide files ------------------------------------------------------------------------
    def write_site(self) -> None:
        plan = self.plan
        assert plan is not None
        site = self.report.site
        entries = menu_entries(plan, self.titles)
        write_text(
            self.work,
            "hugo.toml",
            hugo_toml(
                title=site.title or "Site",
                base_url=site.base_url,
                language=_language(site.language),
                description=site.description,
                theme=self.options.theme,
                taxonomies=plan.taxonomies,
                menu_entries=entries,
                date_archives=plan.date_archives,
                math=self.math,
                posts_section=self.options.posts_section,
            ),
        )
        # Old ?p=ID links all reach the home page of a static site; its script sends them on.
        self.shortcodes.add("wordpress-redirects")
        home: dict[str, Any] = {"title": site.title or "Home", "description": site.description}
        body = ""
        if self.front_page is not None:
            home = home_front_matter(home, self.front_page[0], plan.taxonomies.values())
            body = self.front_page[1].rstrip() + "\n\n" if self.front_page[1].strip() else ""
        home["aliases"] = sorted(set(plan.home_aliases))
        write_text(self.work, "content/_index.md", content_file(home, body + "{{< wordpress-redirects >}}\n"))
        for page in sorted(plan.term_pages.values(), key=lambda p: (p.taxonomy, p.folder)):
            write_text(
                self.work,
                f"content/{page.taxonomy}/{page.folder}/_index.md",
                content_file(
                    {
                        "title": plain(page.title),
                        "description": plain(page.description),
                        "aliases": page.aliases,
                        **({"publishDate": page.publish_date} if page.publish_date else {}),
                        **page.params,
                    },
                    "",
                ),
            )
        for plural in plan.unlisted:  # an old item's address, which its alias leads to (pagealiases.py)
            write_text(
                self.work,
                f"content/{plural}/_index.md",
                content_file({"title": plural.title(), "build": {"render": "never"}}, ""),
            )
        self._author_pages()
        if archive := events_archive_aliases(plan):  # The Events Calendar's list, at /events/
            write_text(self.work, "content/event/_index.md", content_file({"aliases": archive}, ""))
        self.media.write(self.plan)
        for name, data in (
            ("wordpress_redirects", query_map(plan, plan.sitemap.local_files or set())),
            ("wordpress_feeds", feed_map(plan)),
        ):
            write_text(
                self.work,
                f"data/{name}.json",
                json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
            )
        published = {key.partition("/")[0]: n for key, n in plan.counts.items() if key.endswith("/published")}
        write_text(self.work, "static/_redirects", redirects_file(published) + nested_block(plan))
        copy_theme(self.work, self.options.theme)
        PortableLayouts().write(self.work, self.shortcodes, hooks=("passthrough",) if self.math else ())
        for key, n in sorted(plan.counts.items()):
            kind, _, status = key.partition("/")
            if n:
                self.report.count(kind, status, n)
        self.report.count("attachment", "media", len(plan.media))
        written = [e["identifier"] for menu in entries.values() for e in menu]
        menu_count = sum(1 for identifier in written if identifier.startswith("wp-"))
        if plan.menu_items:
            self.report.count("nav_menu_item", "menu-entry", menu_count)
            if len(plan.menu_items) > menu_count:
                self.report.count("nav_menu_item", "skipped", len(plan.menu_items) - menu_count)
                self.report.warn("menu-entry-left-out", left_out_note(plan.menu_items, set(written)), "menus")
        if plan.navigations:  # one post holds a whole menu: it is counted once, as the export has it
            self.report.count("wp_navigation", "menu", len(plan.navigations))

    def _author_pages(self) -> None:
        plan = self.plan
        assert plan is not None
        for login, author in sorted(plan.site.authors.items()):
            name = plain(author.display_name) or login
            folder = fit_segment(hugo_term_path(name))
            if not folder or ("authors", folder) in plan.term_pages:
                continue
            alias = f"/author/{login}/"
            aliases = [alias, *archive_page_paths(alias, plan.author_posts[login])]  # and its later pages
            if not (re.fullmatch(r"[\w.@-]+", login) and fits_as_folder(alias)):
                aliases = []
            write_text(
                self.work,
                f"content/authors/{folder}/_index.md",
                content_file({"title": name, "aliases": aliases}, ""),
            )
