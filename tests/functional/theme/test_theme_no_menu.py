"""A site with no menus (many WordPress exports have none) still builds and gets a navigation."""

from __future__ import annotations

from pathlib import Path

from tests.functional.theme.theme_build import SUB_PATH_BASE_URL, build_site


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_site_without_a_main_menu_lists_its_sections_and_pages(tmp_path: Path) -> None:
    source = tmp_path / "src"
    write(source / "hugo.toml", 'title = "No Menu"\n')
    write(
        source / "content" / "posts" / "hello" / "index.md", "---\ntitle: Hello\ndate: 2024-01-01\n---\nHi.\n"
    )
    write(source / "content" / "about" / "index.md", "---\ntitle: About Us\n---\nWho we are.\n")
    built = build_site(source, tmp_path / "build", SUB_PATH_BASE_URL)
    nav = built.html("").select_one("nav.site-nav-main")
    links = {a.get_text(strip=True): a["href"] for a in nav.select("a")}
    assert links == {"Posts": "/sites/demo/staging/posts/", "About Us": "/sites/demo/staging/about/"}
    assert built.problems() == []
