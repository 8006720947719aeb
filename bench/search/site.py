"""A generated built site for the search benchmark: N post pages in the presslift theme's HTML shape.

Pages are written directly (no Hugo): the benchmark measures the search sync, not the build. Every
post has an intro and three sections, one of them long, so records split by headings as on a real
blog. Deterministic: the same N gives the same bytes. Benchmark-only code.
"""

from __future__ import annotations

import random
from pathlib import Path

from chalicelib.artifacts import build_manifest
from chalicelib.manifest import Manifest

ROOT = Path(__file__).resolve().parents[2]
BASE_URL = "http://127.0.0.1:8000/sites/bench/staging/"
_WORDS = [
    "flour",
    "water",
    "salt",
    "yeast",
    "starter",
    "crumb",
    "crust",
    "oven",
    "proof",
    "fold",
    "knead",
    "rye",
    "spelt",
    "butter",
    "dough",
    "loaf",
    "harbour",
    "walk",
    "morning",
    "market",
    "stall",
    "coffee",
    "bicycle",
    "garden",
    "tomato",
    "basil",
    "summer",
    "winter",
    "letter",
]


def _prose(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


def post_page(number: int, *, edited: bool = False) -> str:
    rng = random.Random(number)
    title = f"Post {number}: {rng.choice(_WORDS)} and {rng.choice(_WORDS)}"
    tags = "".join(
        f'<li><a href="/sites/bench/staging/tags/{tag}/" rel="tag">{tag}</a></li>'
        for tag in sorted({rng.choice(_WORDS) for _ in range(3)})
    )
    method = _prose(rng, 120) + (" Edited: now with a longer second proof." if edited else "")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} · Bench</title>
<meta name="description" content="{_prose(rng, 20)}">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2024-{1 + number % 12:02d}-{1 + number % 28:02d}T08:00:00Z">
</head><body class="kind-page section-posts">
<header class="site-header"><a href="/sites/bench/staging/">Bench</a><nav>Home</nav></header>
<main id="main"><div class="wrap"><article class="entry">
<header class="entry-header"><h1 class="entry-title">{title}</h1></header>
<div class="entry-content prose">
<p>{_prose(rng, 60)}</p>
<h2 id="ingredients">Ingredients</h2><p>{_prose(rng, 40)}</p>
<h2 id="method">Method</h2><p>{method}</p>
<h3 id="baking">Baking</h3><p>{_prose(rng, 1500)}</p>
</div>
<footer class="entry-terms"><ul>{tags}</ul></footer>
</article></div></main><footer class="site-footer">© Bench</footer></body></html>
"""


def write_site(folder: Path, pages: int, *, edited: int | None = None) -> Manifest:
    """Write `pages` posts under `folder` (post `edited` in its edited form) and return the manifest."""
    for number in range(pages):
        file = folder / "posts" / f"post-{number:05d}" / "index.html"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(post_page(number, edited=number == edited), encoding="utf-8")
    return build_manifest(folder, site="bench", run_id="bench", stage="staging", base_url=BASE_URL)
