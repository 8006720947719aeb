"""A large WordPress export made from a real one: its items copied with fresh IDs, slugs and titles.

Each copy keeps the original's content, comments, terms and media, so the mix of posts, pages,
attachments and shortcodes stays that of a real site; IDs (posts, parents, comments, featured
images) are shifted per copy so nothing collides. Menu items are copied once only: a menu a
hundred times over is not what a real site has. This module only writes the file it is asked to.
"""

from __future__ import annotations

import re
from pathlib import Path

ITEM = re.compile(rb"<item>.*?</item>\s*", re.S)
ID_FIELDS = re.compile(rb"(<wp:(?:post_id|post_parent|comment_id|comment_parent)>)(\d+)(</wp:)")
META_IDS = re.compile(
    rb"(<wp:meta_key>(?:<!\[CDATA\[)?_thumbnail_id(?:\]\]>)?</wp:meta_key>\s*<wp:meta_value>(?:<!\[CDATA\[)?)(\d+)"
)
SLUG = re.compile(rb"(<wp:post_name>(?:<!\[CDATA\[)?)([^<\]]+)")
TITLE = re.compile(rb"(<title>(?:<!\[CDATA\[)?)([^<\]]*)")
LINK = re.compile(rb"(<link>[^<]*?)(/?)(</link>)")
GUID = re.compile(rb"(<guid[^>]*>[^<]*)(</guid>)")
MENU_ITEM = re.compile(rb"<wp:post_type>(?:<!\[CDATA\[)?nav_menu_item")
ID_STEP = 1_000_000


def _copy(item: bytes, n: int) -> bytes:
    """Copy number `n` of one item (n >= 1); copy 0 is the original."""
    shift = n * ID_STEP

    def bump(m: re.Match[bytes]) -> bytes:
        value = int(m.group(2))
        return m.group(1) + (str(value + shift).encode() if value else b"0") + m.group(3)

    item = ID_FIELDS.sub(bump, item)
    item = META_IDS.sub(lambda m: m.group(1) + str(int(m.group(2)) + shift).encode(), item)
    suffix = f"-copy-{n}".encode()
    item = SLUG.sub(lambda m: m.group(1) + m.group(2) + suffix, item, count=1)
    item = TITLE.sub(lambda m: m.group(1) + m.group(2) + f" (copy {n})".encode(), item, count=1)
    item = LINK.sub(lambda m: m.group(1) + suffix + m.group(2) + m.group(3), item, count=1)
    return GUID.sub(lambda m: m.group(1) + b"&amp;copy=" + str(n).encode() + m.group(2), item, count=1)


def generate(source: Path, dest: Path, *, min_items: int, min_bytes: int) -> tuple[int, int]:
    """Writes an export of at least `min_items` items and `min_bytes` bytes to `dest`; (items, bytes)."""
    data = source.read_bytes()
    items = list(ITEM.finditer(data))
    if not items:
        raise ValueError(f"{source} has no <item>")
    head, tail = data[: items[0].start()], data[items[-1].end() :]
    originals = [m.group(0) for m in items]
    copyable = [i for i in originals if not MENU_ITEM.search(i)]
    count, size = len(originals), len(head) + len(tail) + sum(map(len, originals))
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("wb") as out:
        out.write(head)
        for item in originals:
            out.write(item)
        n = 0
        while count < min_items or size < min_bytes:
            n += 1
            for item in copyable:
                copy = _copy(item, n)
                out.write(copy)
                count += 1
                size += len(copy)
        out.write(tail)
    return count, size
