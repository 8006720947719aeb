"""Previews are for people, not search engines: every HTML page of a preview's tree gets a robots meta
tag (`noindex, nofollow`) at the top of its head, and the preview's objects are served with an
`X-Robots-Tag` header (CloudFront's viewer-response function in the stack; the local site server).

This runs in the build stage on each page of the runner's archive as it is read (treestore), before
it is hashed: the tag is part of the preview's manifest, and a page that already has a robots tag
gets a second, stricter one (search engines take the most restrictive).
"""

from __future__ import annotations

import itertools
import re

ROBOTS_TAG = b'<meta name="robots" content="noindex, nofollow">'
X_ROBOTS_TAG = "noindex, nofollow"
_HEAD = re.compile(rb"<head(?:\s[^>]*)?>", re.IGNORECASE)
_HTML = re.compile(rb"<html[\s>]", re.IGNORECASE)


def with_noindex(html: bytes) -> bytes:
    """A page with the robots tag (as it was when it has the tag already). A page with no `<head>`
    gets it before its content (browsers and crawlers read it there too)."""
    if ROBOTS_TAG in html:
        return html
    head = _HEAD.search(html)
    if head is not None:
        return html[: head.end()] + ROBOTS_TAG + html[head.end() :]
    start = _HTML.search(html)
    at = html.find(b">", start.start()) + 1 if start is not None else 0
    return html[:at] + ROBOTS_TAG + html[at:]


def is_preview_path(path: str) -> bool:
    """Whether a served path (`/quayside/previews/pr-12/posts/`, a key) lies in a preview's folder."""
    parts = path.strip("/").split("/")
    return any(
        (a == "previews" and b.startswith("pr-")) or a == "branches" for a, b in itertools.pairwise(parts)
    )


def preview_folder(path: str) -> str:
    """The preview folder (`previews/pr-12/`, `branches/x/`) that a path within a site starts with, or ""."""
    parts = path.lstrip("/").split("/")
    if len(parts) > 2 and ((parts[0] == "previews" and parts[1].startswith("pr-")) or parts[0] == "branches"):
        return f"{parts[0]}/{parts[1]}/"
    return ""
