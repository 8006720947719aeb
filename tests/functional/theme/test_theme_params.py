"""Presslift's theme in place of a site's own (whose theme could not be fetched) reads that site's
params, which that theme may keep as tables: each is used where it is text and passed over if not."""

from __future__ import annotations

from pathlib import Path

from tests.functional.theme.theme_build import SUB_PATH_BASE_URL, build_site


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_params_another_theme_keeps_as_tables_are_passed_over(tmp_path: Path) -> None:
    # Blowfish keeps [params.footer] and others as tables (a real blog whose theme was not fetched).
    source = tmp_path / "src"
    write(
        source / "hugo.toml",
        'title = "Tables"\n[params]\nemail = ["a@example.org"]\n[params.footer]\nshowCopyright = true\n'
        "[params.copyright]\nyear = 2024\n[params.description]\nshort = true\n[params.favicon]\nico = 'x'\n",
    )
    write(source / "content" / "posts" / "hello.md", "---\ntitle: Hello\n---\nHi.\n")
    built = build_site(source, tmp_path / "build", SUB_PATH_BASE_URL)
    home = built.html("")
    assert home.select_one(".footer-text") is None
    assert " ".join(home.select_one(".colophon").get_text().split()).startswith("©")
    assert "Tables" in home.select_one(".colophon").get_text()
    assert "map[" not in (built.out / "index.html").read_text()
    assert built.problems() == []
    write(source / "hugo.toml", 'title = "Text"\n[params]\nfooter = "Made with *care*"\ncopyright = "Ada"\n')
    home = build_site(source, tmp_path / "again", SUB_PATH_BASE_URL).html("")
    assert home.select_one(".footer-text em").get_text() == "care"
    assert "Ada" in home.select_one(".colophon").get_text()
