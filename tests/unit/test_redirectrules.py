"""A site's `_redirects` file (Netlify's format): what S3 can serve becomes redirect pages, the rest is
named line by line."""

from __future__ import annotations

from chalicelib.artifacts import alias_target
from chalicelib.redirectrules import Rule, read_rules, redirect_page

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


def test_what_needs_a_server_is_named_by_line() -> None:
    rules = read_rules(
        b"/blog/*  /posts/:splat  301\n"
        b"/news/:year/:slug  /posts/:slug  301\n"
        b"/api/*  https://api.example.org/:splat  200\n"
        b"/store  /shop  302  Country=us\n"
        b"/  /en/  301\n"
        b"/gone  /  404\n"
        b"/lonely\n"
        b"/x  javascript:alert(1)\n",
        BASE,
    )
    assert rules.rules == []
    assert len(rules.skipped) == 8
    for number, note in enumerate(rules.skipped, start=1):
        assert note.startswith(f"_redirects line {number} (")
    assert "splats" in rules.skipped[0] and "splats" in rules.skipped[1]
    assert "home page" in rules.skipped[4] and "status 404" in rules.skipped[5]
    assert "needs an old path and a new one" in rules.skipped[6] and "http(s) URL" in rules.skipped[7]
    assert "status 200" in rules.skipped[2] and "conditions" in rules.skipped[3]


def test_a_redirect_page_reads_as_a_hugo_alias() -> None:
    assert alias_target(redirect_page(BASE + "posts/news/")) == BASE + "posts/news/"
    # An address with a query keeps its `&` (the page writes it as `&amp;`, as Hugo's aliases do).
    assert alias_target(redirect_page("https://shop.example/?a=1&b=2")) == "https://shop.example/?a=1&b=2"


def test_an_oversized_file_keeps_no_rule() -> None:
    rules = read_rules(b"/a /b\n" * 300_000, BASE)
    assert rules.rules == [] and rules.skipped == ["_redirects is over 1024 KB; none of its rules were kept"]
