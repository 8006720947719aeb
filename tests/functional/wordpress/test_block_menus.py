"""A block theme's menus (wp_navigation posts) converted and built: the header's navigation becomes
Hugo's main menu with its submenus, page lists and home link; links to unpublished pages and unsafe
schemes are left out; classic menus keep their names; without a block theme, the classic menu stays
the header's."""

import re
import tomllib

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.exports import Post, write_export

TERMS = """<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>news</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>
<wp:term><wp:term_id>5</wp:term_id><wp:term_taxonomy>nav_menu</wp:term_taxonomy><wp:term_slug>primary</wp:term_slug>
<wp:term_name><![CDATA[Primary]]></wp:term_name></wp:term>"""

HEADER = (
    '<!-- wp:home-link {"label":"Start"} /-->'
    '<!-- wp:navigation-submenu {"label":"About","type":"page","id":7,"url":"https://old.example/about/",'
    '"kind":"post-type"} -->'
    '<!-- wp:navigation-link {"label":"Contact us","type":"page","id":8,"url":"https://old.example/contact/",'
    '"kind":"post-type"} /-->'
    '<!-- wp:page-list {"parentPageID":7} /-->'
    "<!-- /wp:navigation-submenu -->"
    '<!-- wp:navigation-submenu {"label":"More"} -->'
    '<!-- wp:navigation-link {"label":"News","type":"category","id":3,"url":"https://old.example/category/news/",'
    '"kind":"taxonomy"} /-->'
    '<!-- wp:navigation-link {"label":"Hello post","url":"https://old.example/hello/","kind":"custom"} /-->'
    "<!-- /wp:navigation-submenu -->"
    '<!-- wp:navigation-link {"label":"Secret","type":"page","id":10,"url":"https://old.example/secret/",'
    '"kind":"post-type"} /-->'
    '<!-- wp:navigation-link {"label":"Gone","type":"page","id":99,"url":"https://elsewhere.example/gone/",'
    '"kind":"post-type"} /-->'
    '<!-- wp:navigation-link {"label":"Evil","url":"javascript:alert(1)","kind":"custom"} /-->'
    "<!-- wp:social-links -->"
    '<!-- wp:social-link {"url":"https://social.example/@a","service":"mastodon"} /-->'
    "<!-- /wp:social-links -->"
)


def pages() -> list[Post]:
    return [
        Post(7, "about", title="About", type="page", menu_order=2),
        Post(8, "contact", title="Contact", type="page", menu_order=1),
        Post(9, "team", title="Team", type="page", parent=7, menu_order=0),
        Post(11, "history", title="History", type="page", parent=7, menu_order=0),
        Post(12, "founders", title="Founders", type="page", parent=11),
        Post(10, "secret", title="Secret", type="page", status="private"),
        Post(13, "hidden-child", title="Hidden child", type="page", parent=10),
        Post(20, "hello", title="Hello", terms=[("category", "news", "News")]),
    ]


def navigation(item_id: int, slug: str, content: str, date: str) -> Post:
    return Post(item_id, slug, content=content, title=slug.title(), type="wp_navigation", date=date)


def classic_item() -> Post:
    return Post(
        40,
        "menu-40",
        title="Classic contact",
        type="nav_menu_item",
        terms=[("nav_menu", "primary", "Primary")],
        meta={"_menu_item_type": "post_type", "_menu_item_object": "page", "_menu_item_object_id": "8"},
    )


def convert(tmp_path, items):
    export = write_export(tmp_path / "export.xml", items, channel=TERMS)
    site = tmp_path / "site"
    report = convert_export(export, site)
    return site, report, tomllib.loads((site / "hugo.toml").read_text()).get("menus", {})


def shown(menu):
    return [(e["name"], e.get("pageRef") or e.get("url") or "", e.get("parent", "")) for e in menu]


def test_a_block_themes_header_navigation_is_the_main_menu(tmp_path, hugo_build):
    template_part = Post(
        50,
        "header",
        type="wp_template_part",
        content='<!-- wp:navigation {"ref":30,"overlayMenu":"never"} /-->',
    )
    footer = navigation(
        31, "footer", "<!-- wp:page-list /-->", "2024-06-01 10:00:00"
    )  # newer, not the header's
    items = [*pages(), navigation(30, "header", HEADER, "2023-01-01 10:00:00"), footer, template_part]
    site, report, menus = convert(tmp_path, [*items, classic_item()])
    main = menus["main"]
    assert shown(main) == [
        ("Start", "/", ""),
        ("About", "/about", ""),
        ("Contact us", "/contact", "nav-30-2"),
        ("History", "/about/history", "nav-30-2"),  # the page list of About's children, in WordPress's order
        ("Founders", "/about/history/founders", "nav-30-4-11"),
        ("Team", "/about/team", "nav-30-2"),
        ("More", "", ""),  # a heading that links nowhere
        ("News", "/categories/news", "nav-30-5"),
        ("Hello post", "/posts/hello/", "nav-30-5"),  # the old address, rewritten to the post's new one
        ("Gone", "https://elsewhere.example/gone/", ""),  # id not in this export: its address is kept
    ]  # Secret (private) and javascript: are left out, as are the social icons
    assert [e["weight"] for e in main] == list(range(1, 11))
    assert shown(menus["footer"])[:3] == [
        ("Contact", "/contact", ""),
        ("About", "/about", ""),
        ("History", "/about/history", "nav-31-1-7"),
    ]
    assert "Hidden child" not in str(menus)  # under a private page, as WordPress's page list hides it
    assert shown(menus["primary"]) == [("Classic contact", "/contact", "")]  # the classic menu keeps its name
    assert sum(len(menus[name]) for name in ("main", "footer")) == 10 + 5
    # each published navigation post once, as the export counts them (entries are not items)
    assert report.counts["wp_navigation/menu"] == 2 and "wp_navigation/menu-entry" not in report.counts
    html = (hugo_build(site, tmp_path) / "index.html").read_text()
    nav = html[html.index('<nav class="site-nav site-nav-main"') :]
    nav = nav[: nav.index("</nav>")]
    links = re.findall(
        r'<a href="([^"]*)"[^>]*>([^<]*)</a>|<span class="menu-label"[^>]*>([^<]*)</span>', nav
    )
    assert [(href, name or label) for href, name, label in links] == [
        ("/", "Start"),
        ("/about/", "About"),
        ("/contact/", "Contact us"),
        ("/about/history/", "History"),
        ("/about/history/founders/", "Founders"),
        ("/about/team/", "Team"),
        ("", "More"),
        ("/categories/news/", "News"),
        ("/posts/hello/", "Hello post"),
        ("https://elsewhere.example/gone/", "Gone"),
    ]
    assert 'class="menu-label" tabindex="0">More' in nav and "javascript" not in html


def test_a_navigation_is_the_main_menu_when_there_is_no_classic_one(tmp_path):
    # As WordPress.com and a fresh block-theme site export it: one navigation, a page list, no template.
    _, _, menus = convert(
        tmp_path, [*pages(), navigation(30, "navigation", "<!-- wp:page-list /-->", "2024-01-01")]
    )
    assert [name for name, _, _ in shown(menus["main"])] == [
        "Contact",
        "About",
        "History",
        "Founders",
        "Team",
    ]


def test_a_classic_theme_keeps_its_classic_menu_as_the_header(tmp_path):
    # No block theme in the export: the classic menu is the header's. A navigation WordPress copied from
    # it (same slug) is not written twice; another keeps its own name.
    copy = navigation(30, "primary", HEADER, "2024-01-01 10:00:00")
    other = navigation(31, "links", '<!-- wp:navigation-link {"label":"X","url":"/x/"} /-->', "2024-02-01")
    _, _, menus = convert(tmp_path, [*pages(), copy, other, classic_item()])
    assert shown(menus["main"]) == [("Classic contact", "/contact", "")]
    assert set(menus) == {"main", "links"}


def test_the_operator_can_name_the_header_menu(tmp_path):
    from chalicelib.wordpress.options import ConvertOptions

    export = write_export(
        tmp_path / "export.xml",
        [*pages(), navigation(30, "side", "<!-- wp:page-list /-->", "2024-01-01"), classic_item()],
        channel=TERMS,
    )
    convert_export(export, tmp_path / "site", options=ConvertOptions(main_menu="side"))
    menus = tomllib.loads((tmp_path / "site" / "hugo.toml").read_text())["menus"]
    assert shown(menus["main"])[0] == ("Contact", "/contact", "") and "primary" in menus


def test_a_menu_named_in_another_script_is_a_key_toml_and_hugo_read(tmp_path, hugo_build):
    # A Chinese blog's second menu, as its WordPress.com export has it: Hugo refused the bare key
    # (`[[menus.呃呃呃]]`, "invalid character at start of key") and read no config at all.
    terms = TERMS + (
        "<wp:term><wp:term_id>6</wp:term_id><wp:term_taxonomy>nav_menu</wp:term_taxonomy>"
        "<wp:term_slug>%e5%91%83%e5%91%83</wp:term_slug><wp:term_name><![CDATA[呃呃]]></wp:term_name></wp:term>"
    )
    item = classic_item()
    item.id, item.slug, item.terms = 41, "menu-41", [("nav_menu", "%e5%91%83%e5%91%83", "呃呃")]
    export = write_export(tmp_path / "export.xml", [*pages(), classic_item(), item], channel=terms)
    convert_export(export, tmp_path / "site")
    config = (tmp_path / "site" / "hugo.toml").read_text()
    menus = tomllib.loads(config)["menus"]
    assert [key for key in menus if key != "main"] == ["呃呃"]
    assert shown(menus["呃呃"]) == [("Classic contact", "/contact", "")]
    assert (hugo_build(tmp_path / "site", tmp_path) / "index.html").is_file()


def test_a_menu_items_title_written_in_html_is_its_text(tmp_path, hugo_build):
    """WordPress shows a menu item's title as HTML: a theme demo's social menu had icon spans
    (`<span class="icon-ion-social-facebook"></span> Facebook`), shown as that markup on every page."""
    item = classic_item()
    item.title = '<span class="icon-ion-social-facebook" aria-hidden="true"></span> Face&amp;book'
    site, _, menus = convert(tmp_path, [*pages(), item])
    assert shown(menus["main"]) == [("Face&book", "/contact", "")]
    page = (hugo_build(site, tmp_path) / "index.html").read_text()
    assert ">Face&amp;book<" in page and "icon-ion" not in page
