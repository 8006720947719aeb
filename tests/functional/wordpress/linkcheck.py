"""A small link checker over a built Hugo site: every href/src that points into the site must exist.

URLs are resolved the way a browser would, against the page's own URL under the baseURL's path
(relative and root-relative alike); links to other hosts, mailto:, tel:, data: and fragments are
ignored. This module only reads the tree it is given; it never fetches anything.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from lxml import html as lxml_html

URL_ATTRIBUTES = ("href", "src", "poster")
SKIPPED_SCHEMES = ("mailto:", "tel:", "sms:", "data:", "javascript:")


def _page_url(public: Path, file: Path, base: str) -> str:
    relative = file.relative_to(public).as_posix()
    if relative.endswith("index.html"):
        relative = relative[: -len("index.html")]
    return urljoin(base, relative)


def _target(public: Path, base_path: str, path: str) -> Path | None:
    """The file that serves `path`, or None when the path is outside the site or has no file."""
    if not path.startswith(base_path):
        return None
    rest = unquote(path[len(base_path) :])
    candidate = public / rest
    if rest == "" or rest.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def _urls(file: Path) -> list[str]:
    text = file.read_bytes()
    if not text.strip():
        return []
    tree = lxml_html.fromstring(text)
    found = []
    for attribute in URL_ATTRIBUTES:
        found += [str(v) for v in tree.xpath(f"//*[@{attribute}]/@{attribute}")]
    for srcset in tree.xpath("//*[@srcset]/@srcset"):
        found += [part.split()[0] for part in str(srcset).split(",") if part.strip()]
    return found


def broken_links(public: Path, base_url: str) -> list[str]:
    """Every `page: url` in the built tree `public` whose URL does not reach a file of the site."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    site = urlsplit(base)
    broken = []
    for file in sorted(public.rglob("*.html")):
        page = _page_url(public, file, base)
        for url in _urls(file):
            url = url.strip()
            if not url or url.startswith("#") or url.lower().startswith(SKIPPED_SCHEMES):
                continue
            absolute = urlsplit(urljoin(page, url))
            if absolute.scheme not in ("http", "https") or absolute.netloc != site.netloc:
                continue
            if _target(public, site.path, absolute.path) is None:
                broken.append(f"{file.relative_to(public).as_posix()}: {url}")
    return broken
