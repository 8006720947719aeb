"""A custom post type's section is where its old addresses were, when that is a section to keep."""

from __future__ import annotations

import pytest

from chalicelib.wordpress.typesections import type_sections

OLD = "https://old.example"


def sections(links: list[tuple[str, str]], base: str = "") -> dict[str, str]:
    return type_sections(
        links, is_old_site=lambda url: url.startswith(OLD), base=base, taken={"posts", "categories", "tags"}
    )


def test_the_rewrite_slug_is_the_section() -> None:
    links = [
        ("tribe_events", f"{OLD}/event/summer-fair/"),
        ("tribe_events", f"{OLD}/event/open-day/"),
        ("jetpack-portfolio", f"{OLD}/blog/portfolio/logo/"),
        ("post", f"{OLD}/blog/2024/01/hello/"),
    ]
    # at the root, the portfolio's first segment is the blog's folder, which the posts have too
    assert sections(links) == {"tribe_events": "event"}
    # below the old site's base (/blog), which the new site's base URL takes over
    assert sections(links, base="/blog") == {"tribe_events": "event", "jetpack-portfolio": "portfolio"}
    # a draft's address is a query (?post_type=...&p=N), and one on another host says nothing either
    drafts = [
        ("tribe_events", f"{OLD}/?post_type=tribe_events&p=7"),
        ("tribe_events", "https://cdn.example/x/y/"),
    ]
    assert sections([*links, *drafts]) == {"tribe_events": "event"}


@pytest.mark.parametrize(
    "links",
    [
        [("event", f"{OLD}/summer-fair/")],  # at the top level: the first segment is the slug
        [("event", f"{OLD}/2024/07/summer-fair/")],  # dated addresses
        [("event", f"{OLD}/event/a/"), ("event", f"{OLD}/events/b/")],  # no one segment
        [("event", f"{OLD}/en/event/a/"), ("post", f"{OLD}/en/hello/")],  # a language prefix
        [("event", f"{OLD}/?p=5")],  # only a draft's address
        [("thing", f"{OLD}/posts/a/")],  # the new site's own section
        [("thing", f"{OLD}/Stuff_Here/a/")],  # not a plain slug
        [("tribe_events", f"{OLD}/happening/a/"), ("gig", f"{OLD}/happening/b/")],  # two types
        [("tribe_events", f"{OLD}/product/a/"), ("product", f"{OLD}/shop/b/")],  # another's name
    ],
)
def test_an_address_that_is_no_section_to_keep_leaves_the_types_name(links) -> None:
    assert "tribe_events" not in sections(links) and "event" not in sections(links)
    assert "thing" not in sections(links)
