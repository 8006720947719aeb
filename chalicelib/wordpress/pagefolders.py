"""Where each WordPress page goes: its folder under its parent's, as WordPress's address nests it.

A page's folder is found going up its parents (iteratively: an export can nest pages as deep as it
likes) and placed coming down. A loop of parents is cut where it closes; a folder that would pass
MAX_PATH_BYTES goes to the top level (`plan.flattened`). A published top-level page named like a
taxonomy's list, with no pages below it, is that list's page (`plan.list_pages`: an "Archives" page's
address showed the list of months, its text renamed away); any other page claims its slug from the
registry, renamed when it is taken (`plan.renamed`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from chalicelib.wordpress.slugs import MAX_PATH_BYTES, MAX_SEGMENT_BYTES, SUFFIX_BYTES, SlugRegistry, slugify

if TYPE_CHECKING:
    from chalicelib.wordpress.plan import Plan


class PageLike(Protocol):
    id: int
    type: str
    title: str
    slug: str
    parent: int


class PageFolders:
    """Each page's folder, decided once (see the module's docstring)."""

    def __init__(
        self,
        plan: Plan,
        registry: SlugRegistry,
        pages: dict[int, PageLike],
        statuses: dict[int, str],
        lists: set[str],
    ) -> None:
        self._plan, self._registry, self._pages = plan, registry, pages
        self._statuses, self._lists = statuses, lists  # the lists a page may still stand for
        self._folders: dict[int, str] = {}

    def _parent(self, page: PageLike) -> PageLike | None:
        written = page.parent in self._statuses and self._statuses[page.parent] != "skipped"
        parent = self._pages.get(page.parent) if written and page.parent != page.id else None
        return parent if parent is not None and parent.type == "page" else None

    def folder(self, page: PageLike) -> str:
        """`page`'s folder, content-relative ("about/team")."""
        folders, plan = self._folders, self._plan
        chain = [page]
        seen = {page.id}
        while chain[-1].id not in folders:
            parent = self._parent(chain[-1])
            if parent is None or parent.id in seen:
                break
            chain.append(parent)
            seen.add(parent.id)
        for depth in range(len(chain) - 1, -1, -1):
            placing = chain[depth]
            if placing.id in folders:
                continue
            parent_folder = folders[chain[depth + 1].id] if depth + 1 < len(chain) else ""
            if len(parent_folder.encode()) + 1 + MAX_SEGMENT_BYTES + SUFFIX_BYTES > MAX_PATH_BYTES:
                plan.flattened.append((placing.id, parent_folder))
                parent_folder = ""
            wanted = slugify(placing.slug or placing.title)
            if (
                not parent_folder
                and wanted in self._lists
                and placing.id not in plan.children_by_parent
                and self._statuses[placing.id] == "published"
            ):
                self._lists.discard(wanted)
                plan.list_pages[placing.id] = folders[placing.id] = wanted
                continue
            name = placing.slug or placing.title
            slug, renamed = self._registry.claim(parent_folder, name, f"page-{placing.id}")
            if renamed:  # the slug it wanted, made from its title when it has none
                plan.renamed.append((placing.id, placing.slug or wanted, slug))
            folders[placing.id] = f"{parent_folder}/{slug}".lstrip("/")
        return folders[page.id]
