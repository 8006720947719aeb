"""Safe, unique path segments for content: slugs from WordPress post names, titles and term names.

A slug here is one path segment a file system and a URL both accept: Unicode letters and digits are
kept, anything else becomes a hyphen, and no slug can climb out of its folder, be absolute, hidden
or a reserved name. This module must never touch the file system.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from urllib.parse import unquote

MAX_SLUG_CHARS = 80
# A file name may take 255 bytes of UTF-8; a taken folder name gets "-N" added. 80 characters of any
# script but the rarest (4-byte) ones fit.
MAX_SEGMENT_BYTES = 240
# Room for the "-N" a taken name gets.
SUFFIX_BYTES = 8
# A page's folder, nested pages and all: the site's own folder and Hugo's public/ come before it, and
# Linux takes 4,096 bytes of path in all.
MAX_PATH_BYTES = 1024
# Names that a file system or Hugo gives a meaning of their own.
RESERVED = frozenset(
    {"index", "_index", "con", "prn", "aux", "nul", "static", "themes", "layouts", "data", "assets"}
    | {f"com{n}" for n in range(10)}
    | {f"lpt{n}" for n in range(10)}
)
HTML_SUFFIX = re.compile(r"\.html?$", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")


def _allowed(ch: str) -> bool:
    return ch in "-_" or unicodedata.category(ch)[0] in ("L", "N", "M")


@functools.lru_cache(maxsize=2048)  # term slugs and names repeat on every post that has them
def slugify(text: str) -> str:
    """One safe lower-case path segment, or "" when nothing usable is left."""
    text = unicodedata.normalize("NFC", unquote(text)).strip().lower()
    text = HTML_SUFFIX.sub("", text)
    out: list[str] = []
    for ch in text:
        if _allowed(ch):
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    slug = re.sub(r"-{2,}", "-", "".join(out)).strip("-_")
    slug = fit_segment(slug[:MAX_SLUG_CHARS].rstrip("-_"))
    if slug in RESERVED:
        slug = f"{slug}-page"
    return slug


def hugo_term_path(name: str) -> str:
    """The folder Hugo uses for a taxonomy term (its `urlize`), so a term page lands on the term.

    Hugo keeps letters, digits, marks and `._~+#@-` and `_`, turns runs of spaces and hyphens into one hyphen
    and drops the rest; we also drop `/`, `\\` and `.`-only names, which would leave the folder.
    """
    out: list[str] = []
    pending_hyphen = False
    for ch in name.lower():
        keep = unicodedata.category(ch)[0] in ("L", "N", "M") or ch in "._~+#@-_"
        if keep:
            if pending_hyphen and out and out[-1] != "-":
                out.append("-")
            pending_hyphen = False
            out.append(ch)
        elif out and (ch.isspace() or ch == "-"):
            pending_hyphen = True
    path = "".join(out)
    if path.strip(".") == "":
        return ""
    return path


def fit_segment(segment: str) -> str:
    """`segment` cut, between two characters, to at most MAX_SEGMENT_BYTES of UTF-8 (with no hyphen or
    underscore left at the cut); "" when only dots would be left (a folder named that leaves its parent)."""
    if len(segment) * 4 > MAX_SEGMENT_BYTES and len(encoded := segment.encode()) > MAX_SEGMENT_BYTES:
        segment = encoded[:MAX_SEGMENT_BYTES].decode("utf-8", "ignore").rstrip("-_")
    return "" if segment.strip(".") == "" else segment


def fits_as_folder(url_path: str) -> bool:
    """Whether Hugo can write a page (or an alias's redirect) at the site path `url_path`: no segment
    over MAX_SEGMENT_BYTES and no more than MAX_PATH_BYTES in all, as written and percent-decoded."""
    for form in (url_path, unquote(url_path)):
        data = form.encode("utf-8", "surrogateescape")
        if len(data) > MAX_PATH_BYTES or any(len(part) > MAX_SEGMENT_BYTES for part in data.split(b"/")):
            return False
    return True


def taxonomy_value(name: str) -> str:
    """What a page's front matter calls a term or an author by, so that Hugo's folder for it is one a
    file system takes: the name itself, or, when Hugo's folder for the name would be too long, that
    folder cut short (Hugo's folder for such a value is the value itself)."""
    folder = hugo_term_path(name)
    fitted = fit_segment(folder)
    return name if fitted == folder else fitted


def plain_text(text: str) -> str:
    """The display text of a WordPress name or title: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(TAG.sub(" ", text)).split())


def renamed_slug_note(wanted: str, slug: str) -> str:
    """Why an item was written under `slug` rather than the `wanted` one (see SlugRegistry.claim)."""
    base = slugify(wanted)
    if len(wanted) > MAX_SLUG_CHARS and len(base) < len(wanted) and wanted.startswith(base):
        # WordPress takes 200 characters; a long slug cut here may meet another's ("...-sp1-2" cut to
        # "...-sp1", which the first post has): said so, or the note read "'x' taken; written as 'x'".
        cut = f"is cut to {len(base)} characters ({base!r}), which is taken"
        return f"slug {wanted!r} {cut}; written as {slug!r}"
    return f"slug {wanted!r} was taken; written as {slug!r}"


class SlugRegistry:
    """Hands out slugs unique within each section, first come first served."""

    def __init__(self) -> None:
        self._taken: dict[str, set[str]] = {}

    def reserve(self, section: str, slug: str) -> None:
        self._taken.setdefault(section, set()).add(slug)

    def claim(self, section: str, wanted: str, fallback: str) -> tuple[str, bool]:
        """Returns (slug, was_renamed). `fallback` is used when `wanted` sanitises to nothing."""
        taken = self._taken.setdefault(section, set())
        base = slugify(wanted) or slugify(fallback) or "item"
        slug = base
        n = 2
        while slug in taken:
            slug = f"{base}-{n}"
            n += 1
        taken.add(slug)
        return slug, slug != base
