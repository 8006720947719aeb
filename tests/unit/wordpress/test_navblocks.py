"""A block theme's navigation read as menu items: links, submenus, home and page-list blocks, hostile
attributes, and which navigation a site's header shows."""

from chalicelib.wordpress.navblocks import Navigation, header_navigation, navigation_items, navigation_refs

NAVIGATION = """<!-- wp:home-link {"label":"Start"} /-->
<!-- wp:navigation-submenu {"label":"About \\u003cem\\u003eus\\u003c/em\\u003e","type":"page","id":7,"url":"https://old.example/about/","kind":"post-type"} -->
<!-- wp:navigation-link {"label":"Team","type":"page","id":9,"url":"https://old.example/about/team/","kind":"post-type"} /-->
<!-- wp:page-list {"parentPageID":7} /-->
<!-- /wp:navigation-submenu -->
<!-- wp:navigation-link {"label":"Tagged","type":"tag","id":4,"url":"https://old.example/tag/x/","kind":"taxonomy"} /-->
<!-- wp:social-links --><!-- wp:social-link {"url":"https://example.social/@a","service":"mastodon"} /--><!-- /wp:social-links -->
<!-- wp:search {"label":"Search"} /-->
<!-- wp:core/navigation-link {"label":"Docs \\u0026 more","url":"https://docs.example/","kind":"custom"} /-->"""  # noqa: E501


def test_links_submenus_home_and_page_lists_in_order():
    items = navigation_items(NAVIGATION, "header", 12)
    assert [(i.key, i.kind, i.title, i.parent_key) for i in items] == [
        ("nav-12-1", "home", "Start", ""),
        ("nav-12-2", "post_type", "About us", ""),
        ("nav-12-3", "post_type", "Team", "nav-12-2"),
        ("nav-12-4", "page_list", "", "nav-12-2"),
        ("nav-12-5", "taxonomy", "Tagged", ""),
        ("nav-12-6", "custom", "Docs & more", ""),
    ]
    about, team, pages, tagged, docs = items[1:]
    assert (about.object, about.object_id, about.url) == ("page", 7, "https://old.example/about/")
    assert (team.object_id, pages.object_id) == (9, 7)
    assert (tagged.object, tagged.object_id) == ("post_tag", 4)  # the block's "tag" is the menu's post_tag
    assert docs.url == "https://docs.example/" and all(i.menu == "header" for i in items)


def test_hostile_attributes_are_read_by_type_or_not_at_all():
    content = (
        '<!-- wp:navigation-link {"label":["x"],"id":"7","url":5,"kind":{"a":1}} /-->'
        '<!-- wp:navigation-link {"label":"Broken", -->'
        '<!-- wp:navigation-link {"label":"Float","id":7.5,"url":" /a "} /-->'
        '<!-- wp:navigation-link {"label":"Bool","id":true} /-->'
        '<!-- wp:page-list {"parentPageID":-3} /-->'
        "<!-- wp:navigation-link [1,2] /-->"
    )
    items = navigation_items(content, "m", 1)
    assert [(i.title, i.kind, i.object_id, i.url) for i in items] == [
        ("", "custom", 0, ""),
        ("Float", "custom", 0, "/a"),  # the comment before it is not a block and does not run into it
        ("Bool", "custom", 0, ""),
        ("", "page_list", 0, ""),
    ]
    assert navigation_items('<!-- wp:navigation-link {"label":"a","x":{"y":1}} /-->', "m", 1)[0].title == "a"


def test_unbalanced_and_deep_submenus_stay_bounded():
    opened = '<!-- wp:navigation-submenu {"label":"x","url":"/x"} -->' * 100
    items = navigation_items(opened + "<!-- /wp:navigation-submenu -->" * 150, "m", 1)
    assert len(items) == 100 and items[-1].parent_key == "nav-1-32"  # nesting stops at 32 levels
    many = '<!-- wp:navigation-link {"label":"a","url":"/a"} /-->' * 5000
    assert len(navigation_items(many, "m", 1)) == 2000


def test_the_header_shows_the_navigation_its_template_names_else_the_newest():
    old = Navigation(5, "old", "Old", "2023-01-01 10:00:00")
    new = Navigation(6, "new", "New", "2024-01-01 10:00:00")
    assert header_navigation([old, new], []) is new
    assert header_navigation([old, new], [99, 5]) is old  # 99 is not in the export
    assert header_navigation([], [5]) is None
    same_day = Navigation(7, "later-id", "L", "2024-01-01 10:00:00")
    assert header_navigation([new, same_day], []) is same_day


def test_template_parts_name_navigations_by_ref():
    part = (
        '<!-- wp:group --><!-- wp:navigation {"ref":14,"overlayMenu":"never"} /-->'
        '<!-- wp:navigation {"ref":"x"} /--><!-- wp:core/navigation {"ref":3} --><!-- /wp:core/navigation -->'
    )
    assert navigation_refs(part) == [14, 3]
