"""A repository that commits its built public/ but not the content/ it was built from is told so; a
site with pages, a new site with none and nothing built, and a site whose config puts its pages
elsewhere are not."""

from __future__ import annotations

from pathlib import Path

from chalicelib.builtsite import MAX_COUNTED, built_site_only
from tests.conftest import write_tree


def site(tmp_path: Path, files: dict[str, bytes]) -> Path:
    return write_tree(tmp_path / "repo", {"hugo.toml": b"title = 'x'\ntheme = 'ananke'\n", **files})


BUILT = {"public/index.html": b"<html>", "public/posts/one/index.html": b"<html>", "public/app.css": b""}


def test_a_built_site_without_its_content_is_told_what_to_commit(tmp_path: Path) -> None:
    note = built_site_only(site(tmp_path, {**BUILT, "content/.gitkeep": b""}))
    assert note == (
        "content/ holds no pages, but the repository commits a built site in public/ (2 HTML files): "
        "Presslift builds the site from its sources and never publishes public/, so only the theme's "
        "pages were built; commit the content/ folder the site was built from"
    )


def test_the_configured_publish_folder_is_the_one_looked_in(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "repo",
        {"config.yaml": b"publishDir: docs\n", "docs/index.html": b"<html>", "themes/x/layouts/a.html": b""},
    )
    assert str(built_site_only(root)).startswith(
        "content/ holds no pages, but the repository commits a built site in docs/"
    )


def test_sites_with_pages_or_nothing_built_or_their_own_content_dir_are_left_alone(tmp_path: Path) -> None:
    assert built_site_only(site(tmp_path / "a", {**BUILT, "content/posts/one.md": b"# one"})) is None
    assert built_site_only(site(tmp_path / "b", {"content/_index.html": b"hi"})) is None
    assert built_site_only(site(tmp_path / "c", {"README.md": b""})) is None
    moved = write_tree(tmp_path / "d/repo", {"hugo.toml": b"contentDir = 'posts'\n", **BUILT})
    assert built_site_only(moved) is None
    per_language = b"[languages.en]\ncontentDir = 'content/en'\n[languages.fr]\ncontentDir = 'content/fr'\n"
    assert built_site_only(write_tree(tmp_path / "e/repo", {"hugo.toml": per_language, **BUILT})) is None


def test_a_large_built_site_is_not_walked_to_its_end(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("chalicelib.builtsite.MAX_COUNTED", 2)
    note = built_site_only(site(tmp_path, BUILT))
    assert note is not None and "(2 or more HTML files)" in note
    assert MAX_COUNTED == 10_000
