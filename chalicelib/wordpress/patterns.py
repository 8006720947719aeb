"""Synced patterns (reusable blocks): the posts that show them get their content in place.

The block editor stores a synced pattern once, as a `wp_block` item, and each post that shows it holds
only `<!-- wp:block {"ref":123} /-->`. The pattern items are not pages of their own (they are never
published), so without this a post lost every pattern it showed: the reference is a block comment,
and block comments are dropped. `Patterns` keeps the published patterns of the export while it is
read; `inline` puts each referenced pattern's content where the reference was, as WordPress renders
it, patterns inside patterns too (a loop is shown once). A reference the export does not hold is a
`missing-pattern` warning: it was exported without "All content", or the pattern was deleted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

REFERENCE = re.compile(r"<!--\s*wp:block\s+(\{[^>]*?\})\s*/-->")
#: What the export's patterns may hold in all: past it, later ones are left out with a warning.
MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 10


@dataclass
class Patterns:
    """The export's published synced patterns, by id."""

    content: dict[int, str] = field(default_factory=dict)
    bytes: int = 0
    over: list[int] = field(default_factory=list)  # patterns left out: past `MAX_BYTES`
    unpublished: set[int] = field(default_factory=set)  # drafts and trash: WordPress shows them nowhere

    def keep(self, pattern_id: int, status: str, content: str) -> None:
        if not pattern_id:
            return
        if status != "publish":
            self.unpublished.add(pattern_id)
            return
        size = len(content.encode("utf-8", "surrogatepass"))
        if self.bytes + size > MAX_BYTES:
            self.over.append(pattern_id)
            return
        self.bytes += size
        self.content[pattern_id] = content

    def inline(self, html: str, warn: Callable[[str, str], None]) -> str:
        """`html` with each pattern reference replaced by the pattern's content."""
        if "wp:block" not in html:
            return html
        return self._inline(html, warn, ())

    def _inline(self, html: str, warn: Callable[[str, str], None], seen: tuple[int, ...]) -> str:
        def replace(match: re.Match[str]) -> str:
            ref = _ref(match.group(1))
            if ref is None:
                return ""
            if ref in seen or len(seen) >= MAX_DEPTH:
                return ""  # a pattern that shows itself, or a chain past any real site's depth
            content = self.content.get(ref)
            if content is None:
                why = (
                    "past the size kept for patterns"
                    if ref in self.over
                    else "not published"
                    if ref in self.unpublished
                    else "not in this export"
                )
                warn("missing-pattern", f"synced pattern {ref} is {why}; left out of the page")
                return ""
            return "\n" + self._inline(content, warn, (*seen, ref)) + "\n"

        return REFERENCE.sub(replace, html)


def _ref(attributes: str) -> int | None:
    try:
        data = json.loads(attributes)
    except (json.JSONDecodeError, RecursionError):
        return None
    ref = data.get("ref") if isinstance(data, dict) else None
    return ref if isinstance(ref, int) and not isinstance(ref, bool) and ref > 0 else None
