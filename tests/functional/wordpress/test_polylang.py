"""A Polylang site (a real Persian and English blog's export): each page keeps its language and
direction on <html>, its language is not written as a taxonomy of pages described in serialized PHP,
each language's posts are listed on a page in that language (at Polylang's `/fa/` too, where the
posts' addresses began with it), each post leads to its translations as Polylang's switcher and
hreflang links did, and one `multilingual` warning says what is not made. A site's own taxonomy
named `language` (a bookshop's) stays a taxonomy."""

from __future__ import annotations

import json
import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import frontmatter
import pytest
from selenium.webdriver.support.wait import WebDriverWait

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.conftest import build
from tests.functional.wordpress.wxr_items import SITE, item, write_export


def language_term(slug: str, name: str, description: str) -> str:
    return (
        f"<wp:term><wp:term_id>{len(slug)}</wp:term_id><wp:term_taxonomy>language</wp:term_taxonomy>"
        f"<wp:term_slug>{slug}</wp:term_slug><wp:term_name><![CDATA[{name}]]></wp:term_name>"
        f"<wp:term_description><![CDATA[{description}]]></wp:term_description></wp:term>"
    )


POLYLANG = language_term(
    "fa", "فارسی", 'a:3:{s:6:"locale";s:5:"fa_IR";s:3:"rtl";i:1;s:9:"flag_code";s:2:"ir";}'
)
POLYLANG += language_term(
    "en", "English", 'a:3:{s:6:"locale";s:5:"en_US";s:3:"rtl";i:0;s:9:"flag_code";s:2:"us";}'
)
ITEMS = [
    item("سلام", post_id=1, slug="salam", terms=(("language", "fa", "فارسی"),)),
    item("Hello", post_id=2, slug="hello", terms=(("language", "en", "English"),)),
]


def test_each_page_keeps_its_language_and_direction(tmp_path, hugo_build):
    export = write_export(tmp_path / "export.xml", ITEMS, channel=POLYLANG)
    report = convert_export(export, tmp_path / "site")
    content = tmp_path / "site" / "content"
    persian = frontmatter.load(content / "posts" / "salam" / "index.md")
    english = frontmatter.load(content / "posts" / "hello" / "index.md")
    assert (persian["locale"], persian["direction"]) == ("fa-IR", "rtl") and "language" not in persian
    assert english["locale"] == "en-US" and "direction" not in english
    assert (persian["languages"], english["languages"]) == (["fa"], ["en"])
    assert not (content / "language").exists()
    assert "a:3:" not in "".join(p.read_text() for p in (content / "languages").rglob("*.md"))
    (note,) = [w.message for w in report.warnings if w.code == "multilingual"]
    assert note.startswith("a Polylang site in 2 languages, فارسی (fa-IR), English (en-US)")
    public = hugo_build(tmp_path / "site", tmp_path)
    assert '<html lang="fa-IR" dir="rtl">' in (public / "posts/salam/index.html").read_text()
    assert '<html lang="en-US" dir="ltr">' in (public / "posts/hello/index.html").read_text()


def test_a_sites_own_language_taxonomy_stays_one(tmp_path):
    channel = language_term("fr", "French", "Books written in French")
    items = [item("Candide", post_id=1, slug="candide", terms=(("language", "fr", "French"),))]
    report = convert_export(write_export(tmp_path / "export.xml", items, channel=channel), tmp_path / "site")
    post = frontmatter.load(tmp_path / "site/content/posts/candide/index.md")
    assert "locale" not in post and post.get("language") == ["French"]
    assert "multilingual" not in {w.code for w in report.warnings}


def translated(title: str, post_id: int, slug: str, lang: str, group: str, status: str = "publish") -> str:
    names = {"fa": "فارسی", "en": "English"}
    terms = (("language", lang, names[lang]), ("post_translations", group, group))
    return item(title, post_id=post_id, slug=slug, status=status, terms=terms)


def test_a_post_leads_to_its_translations(tmp_path, hugo_build):
    items = [
        translated("سلام", 1, "salam", "fa", "pll_68f7a70a13708"),
        translated("Hello", 2, "hello", "en", "pll_68f7a70a13708"),
        translated("درباره", 3, "darbare", "fa", "pll_6a7ac31a978ec"),
        translated("About (draft)", 4, "about", "en", "pll_6a7ac31a978ec", status="draft"),
    ]
    report = convert_export(write_export(tmp_path / "export.xml", items, channel=POLYLANG), tmp_path / "site")
    content = tmp_path / "site" / "content"
    persian = frontmatter.load(content / "posts" / "salam" / "index.md")
    assert persian["translations"] == [
        {"language": "فارسی", "locale": "fa-IR", "page": "/posts/salam"},
        {"language": "English", "locale": "en-US", "page": "/posts/hello"},
    ]
    # A translation that is not published is no translation to lead to.
    assert "translations" not in frontmatter.load(content / "posts" / "darbare" / "index.md")
    (note,) = [w.message for w in report.warnings if w.code == "multilingual"]
    assert "links to its translations" in note and "listed at /languages/SLUG/" in note
    public = hugo_build(tmp_path / "site", tmp_path)
    page = (public / "posts/salam/index.html").read_text()
    alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="[a-z]+://[^/]+([^"]+)">', page)
    assert alternates == [("fa-IR", "/posts/salam/"), ("en-US", "/posts/hello/")]
    assert '<a href="/posts/hello/" hreflang="en-US" lang="en-US" rel="alternate">English</a>' in page
    assert '<span aria-current="true" lang="fa-IR">فارسی</span>' in page
    english = (public / "posts/hello/index.html").read_text()
    assert '<a href="/posts/salam/" hreflang="fa-IR" lang="fa-IR" rel="alternate">فارسی</a>' in english
    assert "language-switcher" not in (public / "posts/darbare/index.html").read_text()


def test_a_partial_export_of_a_polylang_site_keeps_languages_and_translations(tmp_path):
    """WordPress exports no term definitions for one post type: the items still carry their language
    and translation group, and the Persian page was published as left-to-right English with a
    /language/fa/ taxonomy page."""
    items = [translated("سلام", 1, "salam", "fa", "pll_1"), translated("Hello", 2, "hello", "en", "pll_1")]
    report = convert_export(write_export(tmp_path / "export.xml", items), tmp_path / "site")
    content = tmp_path / "site" / "content"
    persian = frontmatter.load(content / "posts" / "salam" / "index.md")
    assert (persian["locale"], persian["direction"]) == ("fa", "rtl") and "language" not in persian
    assert [t["locale"] for t in persian["translations"]] == ["fa", "en"]
    assert not (content / "language").exists()
    assert "multilingual" in {w.code for w in report.warnings}


def test_a_site_in_a_right_to_left_language_is_built_right_to_left(tmp_path, hugo_build):
    export = write_export(tmp_path / "export.xml", [item("مرحبا", post_id=1, slug="marhaba")])
    export.write_text(export.read_text().replace("<language>en-US</language>", "<language>ar</language>"))
    convert_export(export, tmp_path / "site")
    assert 'direction = "rtl"' in (tmp_path / "site/hugo.toml").read_text()
    public = hugo_build(tmp_path / "site", tmp_path)
    assert '<html lang="ar" dir="rtl">' in (public / "posts/marhaba/index.html").read_text()


def test_each_languages_posts_are_listed_in_that_language_at_its_old_home(tmp_path, hugo_build):
    """Polylang's "language in a directory": the Persian posts were at /fa/..., and /fa/, the Persian
    home listing them, answered nothing. English, the default language, had no directory."""
    items = [
        item("سلام", post_id=1, slug="salam", link=f"{SITE}/fa/salam/", terms=(("language", "fa", "فارسی"),)),
        item("دوم", post_id=2, slug="dovom", link=f"{SITE}/fa/dovom/", terms=(("language", "fa", "فارسی"),)),
        item("Hello", post_id=3, slug="hello", link=f"{SITE}/hello/", terms=(("language", "en", "English"),)),
        item(
            "About",
            post_id=4,
            post_type="page",
            slug="about",
            link=f"{SITE}/about/",
            terms=(("language", "en", "English"),),
        ),
    ]
    convert_export(write_export(tmp_path / "export.xml", items, channel=POLYLANG), tmp_path / "site")
    content = tmp_path / "site" / "content"
    persian = frontmatter.load(content / "languages" / "fa" / "_index.md")
    assert (persian["title"], persian["locale"], persian["direction"]) == ("فارسی", "fa-IR", "rtl")
    assert persian["aliases"] == ["/fa/"]
    english = frontmatter.load(content / "languages" / "en" / "_index.md")
    assert english["locale"] == "en-US" and "aliases" not in english and "direction" not in english
    assert "languages" not in frontmatter.load(content / "about" / "index.md")  # posts only
    public = hugo_build(tmp_path / "site", tmp_path)
    listing = (public / "languages" / "fa" / "index.html").read_text()
    assert '<html lang="fa-IR" dir="rtl">' in listing
    assert set(re.findall(r'href="(/posts/[^"]+)"', listing)) == {"/posts/dovom/", "/posts/salam/"}
    assert 'http-equiv="refresh" content="0; url=' in (public / "fa" / "index.html").read_text()
    assert "/languages/fa/" in (public / "fa" / "index.html").read_text()


@pytest.fixture
def served(tmp_path):
    """The built site of a Polylang export whose languages were set from the query (`/?lang=fa`),
    served on loopback."""
    items = [
        translated("سلام", 1, "salam", "fa", "pll_1"),
        translated("Hello", 2, "hello", "en", "pll_1"),
    ]
    convert_export(write_export(tmp_path / "export.xml", items, channel=POLYLANG), tmp_path / "site")
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path / "public"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    build(tmp_path / "site", tmp_path, base_url=origin)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield origin, tmp_path / "public"
    finally:
        server.shutdown()
        server.server_close()


def test_a_language_set_from_the_query_leads_to_its_posts_and_never_before_a_post(served, browser):
    """Polylang's other way to name a language, `/?lang=fa`, reached the home page and stayed there;
    `/?p=1&lang=fa` must still reach the post, not the language's list."""
    origin, public = served
    data = json.loads(next(public.glob("wordpress-redirects.*.json")).read_text())
    assert data["lang"] == {"en": "/languages/en/", "fa": "/languages/fa/"}
    keys = re.search(r'data-keys="([^"]+)"', (public / "index.html").read_text())
    assert keys is not None and keys.group(1).split()[-1] == "lang"
    for query, landing in (("?lang=fa", "languages/fa/"), ("?p=2&lang=en", "posts/hello/")):
        asked = origin + query
        browser.get(asked)
        WebDriverWait(browser, 10).until(lambda driver, asked=asked: driver.current_url != asked)
        assert browser.current_url == origin + landing
