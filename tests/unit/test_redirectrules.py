"""A site's `_redirects` file (Netlify's format): what S3 can serve becomes redirect pages, the rest is
named line by line."""

from __future__ import annotations

from chalicelib.artifacts import alias_target
from chalicelib.redirectrules import PatternRule, Rule, expand, read_rules, redirect_page

BASE = "https://d1.cloudfront.net/harbour/"


def test_plain_rules_become_redirects_under_the_stages_base_url() -> None:
    rules = read_rules(
        b"# moved pages\n"
        b"/old-news        /posts/news/      301\n"
        b"/about.html      /about/\n"
        b"/feed/           https://feeds.example.org:8443/harbour  302   # elsewhere\n"
        b"/docs/guide      /guide/           301!\n",
        BASE,
    )
    assert rules.skipped == []
    assert rules.rules == [
        Rule("old-news/index.html", BASE + "posts/news/", False),
        Rule("about.html", BASE + "about/", False),
        Rule("feed/index.html", "https://feeds.example.org:8443/harbour", False),
        Rule("docs/guide/index.html", BASE + "guide/", True),
    ]


def test_an_old_path_is_kept_as_the_key_s3_finds_for_it() -> None:
    # S3 decodes a request's path before it looks the key up: `/caf%C3%A9/` is served by `café/...`.
    rules = read_rules(
        b"/caf%C3%A9/ /cafe/\n/2012/01/post.html/photo/ /posts/post/\n/a%2F..%2Fb /x/\n/a%00b /x/\n",
        BASE,
    )
    assert rules.rules == [
        Rule("café/index.html", BASE + "cafe/", False),
        Rule("2012/01/post.html/photo/index.html", BASE + "posts/post/", False),
    ]
    assert [line.split(": ")[1] for line in rules.skipped] == [
        "an old path with '..', '//' or a control character is no path of the site"
    ] * 2


def test_what_needs_a_server_is_named_by_line() -> None:
    rules = read_rules(
        b"/blog/*  https://blog.example.org/:splat  301\n"
        b"/news/:year/:slug  /posts/:slug  301\n"
        b"/api/*  https://api.example.org/:splat  200\n"
        b"/store  /shop  302  Country=us\n"
        b"/  /en/  301\n"
        b"/gone  /  404\n"
        b"/lonely\n"
        b"/x  javascript:alert(1)\n"
        b"/docs/*/old  /d/:splat  301\n"
        b"/a/pre-:slug  /b/:slug\n"
        b"/a/*  /b/:splat?x=1\n"
        b"/a/../*  /b/:splat\n"
        b"/plain  /../../harbour/staging/  302\n"  # out of the site, to another on the shared origin
        b"/go  /%2e%2e/%2e%2e/harbour/staging/\n"
        b"/c/*  /%2E%2E/:splat\n",
        BASE,
    )
    assert rules.rules == []
    assert len(rules.skipped) == 15
    assert all("'..'" in note for note in rules.skipped[12:])
    for number, note in enumerate(rules.skipped, start=1):
        assert note.startswith(f"_redirects line {number} (")
    assert "another host" in rules.skipped[0]
    assert ":year is not on both sides" in rules.skipped[1]
    assert "home page" in rules.skipped[4] and "status 404" in rules.skipped[5]
    assert "needs an old path and a new one" in rules.skipped[6] and "http(s) URL" in rules.skipped[7]
    assert "status 200" in rules.skipped[2] and "conditions" in rules.skipped[3]
    assert "before the end" in rules.skipped[8] and "inside a path segment" in rules.skipped[9]
    assert "query or fragment" in rules.skipped[10] and "'..'" in rules.skipped[11]


BUILT = [
    "index.html",
    "posts/index.html",
    "posts/harbour-day/index.html",
    "posts/harbour-day/boats.jpg",
    "posts/v1.2/index.html",
    "posts/café/index.html",
    "posts/2024/05/tide/index.html",
    "about/index.html",
]


def _expanded(line: bytes) -> list[Rule]:
    rules = read_rules(line, BASE)
    assert rules.skipped == []
    (rule,) = rules.rules
    assert isinstance(rule, PatternRule)
    return list(expand(rule, BUILT, BASE))


def test_a_splat_rule_is_kept_for_each_file_its_new_address_matches() -> None:
    assert _expanded(b"/blog/*  /posts/:splat  301\n") == [
        Rule("blog/index.html", BASE + "posts/", False),
        Rule("blog/harbour-day/index.html", BASE + "posts/harbour-day/", False),
        Rule("blog/harbour-day/boats.jpg", BASE + "posts/harbour-day/boats.jpg", False),
        Rule("blog/v1.2/index.html", BASE + "posts/v1.2/", False),
        Rule("blog/café/index.html", BASE + "posts/caf%C3%A9/", False),
        Rule("blog/2024/05/tide/index.html", BASE + "posts/2024/05/tide/", False),
    ]
    # The site was in a folder and is now at the root: /old/ leads home, /old/about/ to /about/.
    assert [(rule.path, rule.target) for rule in _expanded(b"/old/* /:splat 302!")][:2] == [
        ("old/index.html", BASE),
        ("old/posts/index.html", BASE + "posts/"),
    ]
    assert all(rule.forced for rule in _expanded(b"/old/* /:splat 302!"))


def test_placeholders_match_one_segment_each_and_move_as_named() -> None:
    assert _expanded(b"/archive/:month/:year/:slug  /posts/:year/:month/:slug/\n") == [
        Rule("archive/05/2024/tide/index.html", BASE + "posts/2024/05/tide/", False),
    ]
    # A new address ending in a slash names pages only, not the files beside them.
    assert [rule.path for rule in _expanded(b"/news/:slug /posts/:slug/")] == [
        "news/harbour-day/index.html",
        "news/v1.2/index.html",
        "news/café/index.html",
    ]
    # Without the slash, files match too, as on Netlify.
    assert [rule.path for rule in _expanded(b"/news/:slug /posts/harbour-day/:slug")] == ["news/boats.jpg"]


def test_a_rule_that_leads_to_itself_makes_nothing() -> None:
    assert _expanded(b"/posts/* /posts/:splat") == []


def test_a_redirect_page_reads_as_a_hugo_alias() -> None:
    assert alias_target(redirect_page(BASE + "posts/news/")) == BASE + "posts/news/"
    # An address with a query keeps its `&` (the page writes it as `&amp;`, as Hugo's aliases do).
    assert alias_target(redirect_page("https://shop.example/?a=1&b=2")) == "https://shop.example/?a=1&b=2"


def test_an_oversized_file_keeps_no_rule() -> None:
    rules = read_rules(b"/a /b\n" * 300_000, BASE)
    assert rules.rules == [] and rules.skipped == ["_redirects is over 1024 KB; none of its rules were kept"]
