"""The presslift theme builds a real third-party Hugo site (ananke's bilingual example site)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.functional.theme.theme_build import SHARED_FIXTURES, Built

ANANKE = SHARED_FIXTURES / "hugo-sites" / "ananke-example"


@pytest.fixture(scope="module")
def ananke(build_with_theme: Callable[..., Built]) -> Built:
    if not ANANKE.is_dir():
        pytest.skip(f"shared fixture site not found at {ANANKE} (the ../shared folder is absent)")
    return build_with_theme(ANANKE, "http://127.0.0.1:8000/sites/ananke/staging/")


def test_builds_with_only_the_sites_own_deprecations(ananke: Built) -> None:
    assert ananke.problems() == []


@pytest.mark.parametrize(
    ("path", "lang", "title"),
    [
        ("post/chapter-1/", "en", "Chapter I: The Grand Hall"),
        ("fr/post/chapter-1/", "fr", "Chapitre I: La grande halle"),
        ("about/", "en", "About"),
        ("contact/", "en", "Contact"),
        ("fr/contact/", "fr", "Contact"),
    ],
)
def test_both_languages_pages_come_out(ananke: Built, path: str, lang: str, title: str) -> None:
    page = ananke.html(path)
    assert page.html["lang"].startswith(lang)
    assert page.select_one("h1.entry-title").get_text(strip=True) == title


def test_dates_and_strings_follow_the_page_language(ananke: Built) -> None:
    page = ananke.html("fr/post/chapter-1/")
    assert page.select_one(".entry-meta time").get_text() == "9 avril 2017"
    assert page.select_one("a.skip-link").get_text() == "Aller au contenu"


def test_language_switcher_links_translations(ananke: Built) -> None:
    switcher = ananke.html("post/chapter-1/").select_one("nav.language-switcher")
    links = {a["hreflang"]: a["href"] for a in switcher.select("a")}
    assert links == {"fr": "/sites/ananke/staging/fr/post/chapter-1/"}
    assert ananke.html("post/chapter-2/").select_one("nav.language-switcher") is None


def test_home_lists_posts_paginated_by_three(ananke: Built) -> None:
    home = ananke.html("")
    assert len(home.select(".post-list .summary")) == 3
    assert home.select_one(".pagination .older")["href"] == "/sites/ananke/staging/page/2/"
    assert len(ananke.html("fr/").select(".post-list .summary")) == 1


def test_menu_comes_from_front_matter(ananke: Built) -> None:
    names = [a.get_text(strip=True) for a in ananke.html("").select("nav.site-nav-main a")]
    assert {"About", "Contact"} <= set(names)
    french = [a.get_text(strip=True) for a in ananke.html("fr/").select("nav.site-nav-main a")]
    assert "Contact" in french and "About" not in french


def test_contact_shortcode_uses_its_action_argument(ananke: Built) -> None:
    form = ananke.html("contact/").select_one("form.contact-form")
    assert form["action"] == "https://example.com"


def test_featured_image_from_front_matter(ananke: Built) -> None:
    img = ananke.html("post/chapter-6/").select_one(".entry-image img")
    assert img["src"] == "/sites/ananke/staging/images/esmeralda.jpg"
