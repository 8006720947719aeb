"""Hand-written built pages (the HTML shape Hugo and the presslift theme write) for record tests."""

from __future__ import annotations

from pathlib import Path

from chalicelib.artifacts import build_manifest
from chalicelib.manifest import Manifest

BASE_URL = "http://127.0.0.1:8000/sites/demo/staging/"


def post_html(
    title: str,
    body: str,
    *,
    kind: str = "page",
    section: str = "posts",
    tags: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    date: str = "2025-03-01T10:00:00Z",
    description: str = "",
    head: str = "",
) -> str:
    terms = "".join(f'<a href="/sites/demo/staging/tags/{t.lower()}/" rel="tag">{t}</a>' for t in tags)
    terms += "".join(
        f'<a href="/sites/demo/staging/categories/{c.lower()}/" rel="tag">{c}</a>' for c in categories
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} · Demo</title>
<meta name="description" content="{description}">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{date}">{head}
</head><body class="kind-{kind} section-{section}">
<header class="site-header"><nav><a href="/">Home</a></nav></header>
<main><article class="entry"><header><h1 class="entry-title">{title}</h1>
<p class="entry-meta"><time datetime="{date}">March 1</time></p></header>
<div class="entry-content prose">{body}</div>
<footer class="entry-terms">{terms}</footer></article></main>
<footer class="site-footer">Footer text</footer></body></html>"""


def write_tree(root: Path, pages: dict[str, str], base_url: str = BASE_URL) -> Manifest:
    """Write `pages` ({path: html}) under `root` and return the tree's manifest."""
    for path, html in pages.items():
        file = root / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(html, encoding="utf-8")
    return build_manifest(root, site="demo", run_id="r1", stage="staging", base_url=base_url)
