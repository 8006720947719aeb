"""Which files two builds of a site differ in, from their manifests alone: the change review's plan.

Pages (HTML files that are not redirects) come out as added, removed, changed in what a reader sees
(their text digests differ, or a manifest has none), or changed only in markup (equal text digests:
a new stylesheet fingerprint, navigation, a footer). Redirects are compared by target. Every other
file is an asset, grouped by kind; an asset whose name differs only by its fingerprint
(`main.<hash>.css`) is one asset replaced, not one removed and one added. Stylesheets, scripts and
fonts touch every page: they are called out as site-wide.

Pure data: nothing here reads a file, a bucket or a run.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from chalicelib.manifest import Manifest


class AssetKind(StrEnum):
    STYLESHEETS = "stylesheets"
    SCRIPTS = "scripts"
    FONTS = "fonts"
    IMAGES = "images"
    MEDIA = "media"
    FEEDS = "feeds and sitemaps"
    SEARCH = "search index"
    OTHER = "other files"


#: Asset kinds that every page loads: a change to one of these changes how the whole site looks.
SITE_WIDE_KINDS = frozenset({AssetKind.STYLESHEETS, AssetKind.SCRIPTS, AssetKind.FONTS})
_KIND_BY_EXTENSION = {
    **dict.fromkeys(("css", "scss"), AssetKind.STYLESHEETS),
    **dict.fromkeys(("js", "mjs", "map"), AssetKind.SCRIPTS),
    **dict.fromkeys(("woff", "woff2", "ttf", "otf", "eot"), AssetKind.FONTS),
    **dict.fromkeys(
        ("jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "ico", "bmp", "tif", "tiff"), AssetKind.IMAGES
    ),
    **dict.fromkeys(("mp4", "webm", "mp3", "m4a", "ogg", "wav", "mov", "pdf"), AssetKind.MEDIA),
    **dict.fromkeys(("xml", "rss", "atom", "txt"), AssetKind.FEEDS),
}
# Hugo's fingerprints: `.<sha256 or md5 hex>` before the extension (resources.Fingerprint), and the
# `_hu…` suffix of processed images. Two names equal without them are one asset in two versions.
# Hugo's paginated lists: `<list>/page/2/index.html` (paginatePath "page", the default).
_PAGINATED = re.compile(r"(?:^|/)page/[0-9]+/$")
_FINGERPRINT = re.compile(r"\.[0-9a-f]{16,}(?=\.[^./]+$)|_hu[_0-9a-f][^/]*?(?=\.[^./]+$)")


@dataclass(frozen=True)
class FileChange:
    """One changed file: `added`, `removed`, `changed` (same path) or `replaced` (from `old_path`)."""

    path: str
    change: str
    old_path: str = ""


@dataclass(frozen=True)
class RedirectChange:
    """A redirect added (`old` is None), removed (`new` is None) or pointed elsewhere."""

    path: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ManifestDiff:
    """What differs between two builds' manifests (see the module's docstring); paths sorted."""

    pages_added: tuple[str, ...] = ()
    pages_removed: tuple[str, ...] = ()
    pages_changed: tuple[str, ...] = ()
    pages_markup_only: tuple[str, ...] = ()
    redirects: tuple[RedirectChange, ...] = ()
    assets: dict[AssetKind, tuple[FileChange, ...]] = field(default_factory=dict)
    unchanged_files: int = 0

    @property
    def changed_files(self) -> int:
        """Files whose checksum differs, or that one side lacks (a replaced asset counts twice)."""
        pages = len(self.pages_added) + len(self.pages_removed)
        pages += len(self.pages_changed) + len(self.pages_markup_only)
        assets = sum(2 if c.change == "replaced" else 1 for group in self.assets.values() for c in group)
        return pages + len(self.redirects) + assets

    @property
    def site_wide_assets(self) -> tuple[FileChange, ...]:
        return tuple(c for kind in SITE_WIDE_KINDS for c in self.assets.get(kind, ()))

    @property
    def empty(self) -> bool:
        return self.changed_files == 0


def asset_kind(path: str) -> AssetKind:
    if path.startswith(("pagefind/", "search/")) or path.endswith("searchindex.json"):
        return AssetKind.SEARCH
    extension = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    return _KIND_BY_EXTENSION.get(extension, AssetKind.OTHER)


def unfingerprinted(path: str) -> str:
    """`css/main.3f2a….css` -> `css/main.css`: the asset's name across versions."""
    return _FINGERPRINT.sub("", path)


def is_page(path: str, manifest: Manifest) -> bool:
    return path.endswith((".html", ".htm")) and path not in manifest.redirects


def list_pages(manifest: Manifest) -> frozenset[str]:
    """The pages that list other pages: the home page, sections, taxonomies and their terms, and the
    pages of a paginated list. Hugo writes an RSS feed (`index.xml`) beside each of these and beside
    no single page; a build without feeds (RSS turned off) tells them by the pages under their folder.
    """
    paths = {entry.path for entry in manifest.files}
    folders = {
        path.removesuffix("index.html"): path
        for path in paths
        if (path == "index.html" or path.endswith("/index.html")) and is_page(path, manifest)
    }
    if any(f"{folder}index.xml" in paths for folder in folders):
        listing = {folder for folder in folders if f"{folder}index.xml" in paths}
    else:
        listing = set()
        for folder in folders:
            parts = folder.split("/")[:-1]  # "posts/alpha/" -> the folders above it: "", "posts/"
            listing.update("".join(f"{part}/" for part in parts[:depth]) for depth in range(len(parts)))
    listing.update(folder for folder in folders if _PAGINATED.search(folder))
    return frozenset(path for folder, path in folders.items() if folder in listing)


def compare(old: Manifest, new: Manifest) -> ManifestDiff:
    """What changed from `old` to `new`, by checksums and text digests (see the module's docstring)."""
    before, after = old.by_path(), new.by_path()
    added: list[str] = []
    removed: list[str] = []
    changed: list[str] = []
    unchanged = 0
    for path in sorted(before.keys() | after.keys()):
        if path not in before:
            added.append(path)
        elif path not in after:
            removed.append(path)
        elif before[path].md5 != after[path].md5:
            changed.append(path)
        elif (path in old.redirects) == (path in new.redirects):
            unchanged += 1
    redirects = _redirects(old, new)
    redirect_paths = {change.path for change in redirects}
    pages_changed: list[str] = []
    markup_only: list[str] = []
    asset_changes: list[FileChange] = []
    for path in changed:
        if is_page(path, old) and is_page(path, new):
            digest = old.text_md5.get(path)
            same_text = digest is not None and digest == new.text_md5.get(path)
            (markup_only if same_text else pages_changed).append(path)
        elif path not in redirect_paths:
            asset_changes.append(FileChange(path, "changed"))
    pages_added = [p for p in added if is_page(p, new)]
    pages_removed = [p for p in removed if is_page(p, old)]
    asset_changes += _paired(
        [p for p in added if not is_page(p, new) and p not in redirect_paths],
        [p for p in removed if not is_page(p, old) and p not in redirect_paths],
    )
    return ManifestDiff(
        pages_added=tuple(pages_added),
        pages_removed=tuple(pages_removed),
        pages_changed=tuple(pages_changed),
        pages_markup_only=tuple(markup_only),
        redirects=redirects,
        assets=_grouped(asset_changes),
        unchanged_files=unchanged,
    )


def _redirects(old: Manifest, new: Manifest) -> tuple[RedirectChange, ...]:
    paths = sorted(old.redirects.keys() | new.redirects.keys())
    return tuple(
        RedirectChange(path, old.redirects.get(path), new.redirects.get(path))
        for path in paths
        if old.redirects.get(path) != new.redirects.get(path)
    )


def _paired(added: list[str], removed: list[str]) -> list[FileChange]:
    """Added and removed assets, an added one paired with the removed one of the same unfingerprinted
    name when exactly one of each has it."""
    by_name_added, by_name_removed = defaultdict(list), defaultdict(list)
    for path in added:
        by_name_added[unfingerprinted(path)].append(path)
    for path in removed:
        by_name_removed[unfingerprinted(path)].append(path)
    changes: list[FileChange] = []
    for name in sorted(by_name_added.keys() | by_name_removed.keys()):
        new_paths, old_paths = by_name_added.get(name, []), by_name_removed.get(name, [])
        if len(new_paths) == 1 and len(old_paths) == 1:
            changes.append(FileChange(new_paths[0], "replaced", old_paths[0]))
            continue
        changes += [FileChange(path, "added") for path in new_paths]
        changes += [FileChange(path, "removed") for path in old_paths]
    return changes


def _grouped(changes: list[FileChange]) -> dict[AssetKind, tuple[FileChange, ...]]:
    groups: dict[AssetKind, list[FileChange]] = defaultdict(list)
    for change in changes:
        groups[asset_kind(change.path)].append(change)
    return {kind: tuple(sorted(groups[kind], key=lambda c: c.path)) for kind in AssetKind if kind in groups}
