"""The change review as plain text: for the terminal (`presslift diff`) and the approval email.

Plain text only, no markup: the CLI prints it as is, and the email's text part is made of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.review.compare import SITE_WIDE_KINDS, RedirectChange
from chalicelib.runview import plural

if TYPE_CHECKING:
    from chalicelib.review.review import ChangeReview, PageChange


def review_text(review: ChangeReview, *, max_pages: int | None = None) -> str:
    """The review, section by section; with `max_pages`, only the first pages of each list."""
    lines = [f"Changes in run {review.run} of {review.site} against {review.against}: {review.summary()}"]
    for where in review.site_wide:
        lines.append(f"Site-wide, {where.where}, on {plural(where.pages, 'page')}:")
        lines += [f"  - {line}" for line in where.removed] + [f"  + {line}" for line in where.added]
    if review.site_wide_assets:
        lines.append("Site-wide: the theme's stylesheets, scripts or fonts changed (every page loads them):")
        lines += [
            f"  {asset_line(change.path, change.change, change.old_path)}"
            for change in review.site_wide_assets
        ]
    if review.changed_site_wide_only:
        lines.append(
            f"{review.changed_site_wide_only} pages changed only in site-wide parts (not listed one by one)."
        )
    lines += _pages("Changed pages", review.changed, max_pages, with_changes=True)
    lines += _pages("Added pages", review.added, max_pages)
    lines += _pages("Removed pages", review.removed, max_pages)
    if review.redirects:
        lines.append(f"Redirects ({len(review.redirects)}):")
        lines += [f"  {redirect_line(change)}" for change in review.redirects]
    for kind, group in review.assets.items():
        if kind in SITE_WIDE_KINDS:
            continue  # listed above, as site-wide
        lines.append(f"{kind.value.capitalize()} ({len(group)}):")
        shown = group if max_pages is None else group[:max_pages]
        lines += [f"  {asset_line(c.path, c.change, c.old_path)}" for c in shown]
        if len(shown) < len(group):
            lines.append(f"  ... and {len(group) - len(shown)} more")
    read = ", ".join(f"{r.side} from {r.where}: {r.files_read} files" for r in review.read_from)
    lines.append(f"Read {review.files_read} of {review.changed_files} changed files ({read}).")
    return "\n".join(lines)


def _pages(
    heading: str, pages: tuple[PageChange, ...], max_pages: int | None, *, with_changes: bool = False
) -> list[str]:
    if not pages:
        return []
    lines = [f"{heading} ({len(pages)}):"]
    shown = pages if max_pages is None else pages[:max_pages]
    for page in shown:
        title = f"{page.title}  " if page.title else ""
        lines.append(f"  {title}{page.url}")
        if page.old_title and page.old_title != page.title:
            lines.append(f"    title was: {page.old_title}")
        if with_changes:
            lines += [f"    {line}" for line in page.diff_lines()]
            if page.unread:
                lines.append("    (could not be read on one side: its text changes are unknown)")
            if page.truncated:
                lines.append("    ... (more changes: see the JSON or the approval page)")
    if len(shown) < len(pages):
        lines.append(f"  ... and {len(pages) - len(shown)} more")
    return lines


def redirect_line(change: RedirectChange) -> str:
    """`+ /old/ -> new`, `- /old/ (was -> new)` or `~ /old/ -> new (was old)`: one redirect's change."""
    old_url = "/" + change.path.removesuffix("index.html")
    if change.old is None:
        return f"+ {old_url} -> {change.new}"
    if change.new is None:
        return f"- {old_url} (was -> {change.old})"
    return f"~ {old_url} -> {change.new} (was {change.old})"


def asset_line(path: str, change: str, old_path: str) -> str:
    """`+ path`, `- path`, `~ path` or `~ path (replaces old)`: one asset's change."""
    if change == "replaced":
        return f"~ {path} (replaces {old_path})"
    return {"added": "+ ", "removed": "- ", "changed": "~ "}.get(change, "  ") + path
