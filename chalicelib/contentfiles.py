"""The site's content files as the fetch stage's content passes read them: regular files below
`content/` with a content suffix, each read whole when under a size limit (a file that cannot be
read is passed over: Hugo says what is wrong with it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from chalicelib.buildoptions import CONTENT_SUFFIXES
from chalicelib.repeatedkeys import regular_files

MAX_FILES = 200_000
MAX_FILE_BYTES = 4 * 1024 * 1024


def content_texts(site_root: Path) -> Iterator[tuple[Path, bytes]]:
    """Each content file below `site_root/content` and its bytes."""
    for found in regular_files(site_root / "content", [MAX_FILES]):
        if not found.lower().endswith(CONTENT_SUFFIXES):
            continue
        path = Path(found)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                continue
            yield path, path.read_bytes()
        except OSError:
            continue
