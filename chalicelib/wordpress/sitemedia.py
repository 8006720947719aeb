"""The uploads of one conversion: which files the content names, which of them the new site will have
(the uploads archive's, and those fetched from the old site when asked), where each is served from, and
writing them, with every one the site lacks reported and left at its old URL.

Decided before any page is written, so no link is ever rewritten to a file the site does not have.
This module must never contact a host the export does not name (`fetchmedia` enforces it).
"""

from __future__ import annotations

from pathlib import Path

from chalicelib.wordpress.fetchmedia import FetchPolicy, MediaFetcher
from chalicelib.wordpress.links import SiteMap, upload_urls_in, uploads_relative, url_host
from chalicelib.wordpress.media import UploadsArchive
from chalicelib.wordpress.options import ConvertOptions
from chalicelib.wordpress.plaintext import plain
from chalicelib.wordpress.plan import MediaItem, Plan
from chalicelib.wordpress.players import enclosure
from chalicelib.wordpress.report import ConversionReport
from chalicelib.wordpress.writer import records_json, safe_path, write_text
from chalicelib.wordpress.wxr import Item


class SiteMedia:
    def __init__(
        self, work: Path, uploads: UploadsArchive | None, options: ConvertOptions, report: ConversionReport
    ) -> None:
        self.work = work
        self.uploads = uploads
        self.options = options
        self.report = report
        self.sitemap: SiteMap | None = None
        self.upload_urls: dict[str, str] = {}  # uploads-relative path -> a URL the content names it by
        self.fetched: set[str] = set()
        self.unfetched: set[str] = set()  # uploads a fetch failed for (each already reported)

    def note(self, item: Item) -> None:
        found = enclosure(item.meta.get("enclosure", ""))
        for url in [*upload_urls_in(item.content), *([found.url] if found else [])]:
            rel = uploads_relative(url)
            if rel:
                self.upload_urls.setdefault(rel, url)

    def gather(self, plan: Plan) -> None:
        """Decides which uploads the new site will have (the archive's, and those fetched when asked),
        before any body is written, so no link is ever rewritten to a file the site lacks."""
        sitemap = self.sitemap = plan.sitemap
        sitemap.origin = self.report.site.base_url if self.report.site.base_url != "/" else ""
        present = set(sitemap.available) if self.uploads is not None else set()
        for media in plan.media.values():
            if media.rel:
                self.upload_urls[media.rel] = media.url
        if self.options.fetch_missing_media:
            wanted: dict[str, Path] = {}
            for rel, url in sorted(self.upload_urls.items()):
                host = url_host(sitemap.absolute(url))
                if rel not in present and host in sitemap.hosts:
                    wanted[sitemap.absolute(url)] = safe_path(self.work, f"static/wp-content/uploads/{rel}")
            cache = self.options.fetch_cache_dir
            fetcher = MediaFetcher(
                FetchPolicy(frozenset(sitemap.hosts), frozenset(self.options.fetch_private_hosts)),
                self.options.fetch_limits,
                Path(cache) if cache else None,
            )
            result = fetcher.fetch_all(wanted)
            uploads_dir = self.work / "static" / "wp-content" / "uploads"
            self.fetched = {dest.relative_to(uploads_dir).as_posix() for dest in result.fetched.values()}
            present |= self.fetched
            self.unfetched = {uploads_relative(url) for url in result.failed}
            for url, why in sorted(result.failed.items()):
                self.report.warn(
                    "unfetched-media", f"{url} could not be fetched: {why}; its original URL is kept", url
                )
            self.report.count("media-file", "fetched", len(self.fetched))
            if result.failed:
                self.report.count("media-file", "not-fetched", len(result.failed))
        sitemap.local_files = present

    def src(self, media: MediaItem) -> str:
        """Where a library file is served from: the new site when it has the file, else its old URL."""
        src = self.sitemap.media_url(media.url) if self.sitemap is not None and media.rel else None
        return src or media.url

    def write(self, plan: Plan | None) -> None:
        """Copy the uploads the site has into `static/`, report each one it lacks (its pages keep the old
        URL), and write the media library as `data/media.json`."""
        assert plan is not None
        sitemap = plan.sitemap
        wanted = sorted(
            ({m.rel for m in plan.media.values()} | sitemap.referenced_media | set(sitemap.kept_remote))
            - {""}
        )
        missing: list[str] = []
        source_urls: dict[str, str] = dict(sitemap.kept_remote)
        for media in plan.media.values():
            source_urls.setdefault(media.rel, media.url)
        for rel in wanted:
            dest = safe_path(self.work, f"static/wp-content/uploads/{rel}")
            if self.uploads is not None and rel in sitemap.available:
                self.uploads.copy(rel, dest)
            elif rel not in self.fetched:
                missing.append(rel)
        for rel in missing:
            if rel in self.unfetched:
                continue  # its `unfetched-media` warning says why
            if self.uploads is not None:
                where = "in the uploads archive"
            elif self.options.fetch_missing_media:
                where = "fetched (and there is no uploads archive)"
            else:
                where = "in an uploads archive (none was given; --fetch-media fetches from the old site)"
            self.report.warn(
                "missing-media",
                f"wp-content/uploads/{rel} was not {where}; pages keep its original URL "
                f"{source_urls.get(rel, '')}".rstrip(),
                rel,
            )
        self.report.count("media-file", "copied", len(wanted) - len(missing))
        if missing:
            self.report.count("media-file", "missing", len(missing))
        if self.uploads is not None:
            for name in sorted(self.uploads.skipped):
                self.report.warn(
                    "skipped-upload",
                    f"{name} in the uploads archive is not a media file "
                    "(or has an unsafe name) and was not copied",
                    name,
                )
        missing_set = set(missing)
        library = [
            {
                "id": m.id,
                "url": m.local_url if m.rel not in missing_set else m.url,
                "title": plain(m.title),
                "alt": m.alt,
                "caption": plain(m.caption),
                "parent": m.parent,
                "missing": m.rel in missing_set,
            }
            for m in sorted(plan.media.values(), key=lambda m: m.id)
        ]
        write_text(self.work, "data/media.json", records_json(library))
