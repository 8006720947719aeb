"""Two small hand-written builds of one site (the HTML shape Hugo's themes write), for review tests."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from chalicelib.artifacts import build_manifest
from chalicelib.manifest import Manifest

BASE_URL = "https://blog.example/"
OLD_CSS = "css/main.0123456789abcdef0123456789abcdef.css"
NEW_CSS = "css/main.fedcba9876543210fedcba9876543210.css"


def page(
    title: str,
    *paragraphs: str,
    nav: tuple[str, ...] = ("Home", "Posts"),
    css: str = OLD_CSS,
    footer: str = "© 2026 Blog",
    before_content: str = "",
    base_url: str = BASE_URL,
) -> bytes:
    """A built page: head, header with navigation, main content, footer."""
    items = "".join(f'<li><a href="{base_url}{name.lower()}/">{name}</a></li>' for name in nav)
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} · Blog</title><link rel="stylesheet" href="{base_url}{css}">
<script>window.built = "{css}";</script></head>
<body><header class="site-header"><a href="{base_url}">Blog</a><nav><ul>{items}</ul></nav></header>
<main id="main"><article><header><h1>{title}</h1></header>{before_content}
<div class="entry-content">{body}</div></article>
<nav class="prev-next"><a href="{base_url}posts/">Older</a></nav></main>
<footer class="site-footer"><p>{footer}</p></footer></body></html>""".encode()


def listing(
    title: str,
    *entries: tuple[str, str, str],
    nav: tuple[str, ...] = ("Home", "Posts"),
    before_content: str = "",
    base_url: str = BASE_URL,
) -> bytes:
    """A built list page (home, a section, a taxonomy term): a summary per entry (url, title, summary),
    in the shape of Hugo's list templates."""
    items = "".join(f'<li><a href="{base_url}{name.lower()}/">{name}</a></li>' for name in nav)
    summaries = "".join(
        f'<article class="summary"><h2><a href="{base_url}{url}">{name}</a></h2>'
        f'<time datetime="2026-11-01">1 November 2026</time><p>{summary}</p>'
        f'<a href="{base_url}{url}">Read more</a></article>'
        for url, name, summary in entries
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} · Blog</title><link rel="stylesheet" href="{base_url}{OLD_CSS}"></head>
<body><header class="site-header"><a href="{base_url}">Blog</a><nav><ul>{items}</ul></nav></header>
<main id="main"><h1>{title}</h1>{before_content}{summaries}</main>
<footer class="site-footer"><p>© 2026 Blog</p></footer></body></html>""".encode()


def feed(*titles: str) -> bytes:
    """Hugo's RSS for a list page (`index.xml` beside its `index.html`)."""
    items = "".join(f"<item><title>{title}</title></item>" for title in titles)
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def alias(target: str) -> bytes:
    """Hugo's alias page for a redirect."""
    return (
        f'<!DOCTYPE html><html lang="en-us"><head><title>{target}</title>'
        f'<link rel="canonical" href="{target}"><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0; url={target}"></head></html>'
    ).encode()


def write_build(root: Path, files: dict[str, bytes], *, run_id: str, base_url: str = BASE_URL) -> Manifest:
    """Write `files` as a built tree under `root` and return its manifest, as the build stage makes it."""
    for path, data in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return build_manifest(root, site="blog", run_id=run_id, stage="prod", base_url=base_url)


@dataclass
class FolderPages:
    """A build's files read from its folder, counted (the review's reader, without a bucket)."""

    root: Path
    asked: list[str] = field(default_factory=list)
    files_read: int = 0
    requests: int = 0

    @property
    def where(self) -> str:
        return str(self.root)

    def read_pages(self, paths: Iterable[str]) -> dict[str, bytes]:
        found = {}
        for path in paths:
            self.asked.append(path)
            if (self.root / path).is_file():
                found[path] = (self.root / path).read_bytes()
        self.files_read += len(found)
        self.requests += len(found)
        return found
