"""A small blog built with Hugo and the presslift theme, under tmp, for the Pagefind and browser tests."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from chalicelib.artifacts import build_manifest
from chalicelib.hugo import build_site
from chalicelib.manifest import Manifest
from chalicelib.theme_path import THEME_NAME, theme_dir

POSTS = {
    "sourdough-starter": ("Keeping a Sourdough Starter Alive", "Feed it flour and water every day."),
    "harbour-walk": ("A Winter Walk Around the Harbour", "Gulls, fog and the smell of diesel."),
    "croissant-lamination": ("Laminating Croissant Dough", "Butter block, three folds, patience."),
}


@dataclass
class Blog:
    tree: Path
    manifest: Manifest


def build_blog(
    tmp: Path, base_url: str, extra_config: str = "", posts: dict[str, tuple[str, str]] = POSTS
) -> Blog:
    """Write the blog's source under `tmp` and build it for `base_url`."""
    source = tmp / "source"
    folder = source / "content" / "posts"
    folder.mkdir(parents=True)
    # The theme is copied into the source, as the build does: Hugo may not read outside the source.
    shutil.copytree(theme_dir(), source / "themes" / THEME_NAME)
    (source / "hugo.toml").write_text(
        f'title = "Bakery Notes"\ntheme = "{THEME_NAME}"\n'
        '[[menus.main]]\nname = "Home"\nurl = "/"\n'
        f"[params]\nsearch = true\n{extra_config}\n",
        encoding="utf-8",
    )
    for number, (slug, (title, text)) in enumerate(posts.items(), start=1):
        (folder / f"{slug}.md").write_text(
            f'---\ntitle: "{title}"\ndate: 2025-03-0{number}T09:00:00Z\ntags: [baking]\n---\n'
            f"{text}\n\n## Notes\n\nMore about {slug.replace('-', ' ')}.\n",
            encoding="utf-8",
        )
    tree = tmp / "public"
    build_site(source, tree, base_url=base_url, work_dir=tmp / "work")
    manifest = build_manifest(tree, site="demo", run_id="r1", stage="staging", base_url=base_url)
    return Blog(tree, manifest)
