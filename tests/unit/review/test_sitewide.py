"""Site-wide text changes: found once across pages, matched by shape, and taken off each page."""

from __future__ import annotations

from chalicelib.review.sitewide import (
    TextChange,
    common_changes,
    describe,
    site_wide_lines,
    text_changes,
    without,
)


def test_text_changes_are_the_places_where_lines_differ() -> None:
    changes = text_changes(["Title", "Old words.", "Same."], ["Title", "New words.", "Same.", "Added."])
    assert changes == [TextChange(("Old words.",), ("New words.",)), TextChange((), ("Added.",))]
    assert changes[0].inline() == "[-Old-]{+New+} words."


def test_a_date_that_differs_on_every_page_is_one_site_wide_change() -> None:
    pages = [
        text_changes([f"Built 2026-11-29 10:0{n}", f"Post {n}."], [f"Built 2026-11-30 09:1{n}", f"Post {n}."])
        for n in range(5)
    ]
    pages[0] += text_changes(["Old ending."], ["New ending."])
    removed, added = site_wide_lines(pages)
    assert removed == {"Built 0-0-0 0:0"} and added == {"Built 0-0-0 0:0"}
    assert without(pages[0], removed, added) == [TextChange(("Old ending.",), ("New ending.",))]
    assert without(pages[1], removed, added) == []
    part = describe(pages, removed, added)
    assert part is not None and part.pages == 5
    assert part.removed == ("Built 2026-11-29 10:00",) and part.added == ("Built 2026-11-30 09:10",)


def test_a_change_on_few_pages_is_not_site_wide() -> None:
    pages = [text_changes(["a"], ["b"]), text_changes(["a"], ["b"])]
    assert site_wide_lines(pages) == (frozenset(), frozenset())
    pages = [text_changes(["a"], ["b"])] * 3 + [text_changes(["c"], ["d"])] * 2
    assert site_wide_lines(pages) == (frozenset(), frozenset())  # 3 of 5 is under the share


def test_what_sampled_pages_have_in_common_stands_for_them_all() -> None:
    samples = [
        text_changes(["Home", "Posts", f"Page {n}"], ["Home", "Posts", "Shop", f"Page {n}"]) for n in range(3)
    ]
    part = common_changes(samples)
    assert part is not None
    assert part.added == ("Shop",) and part.removed == () and part.pages == 3
    assert common_changes([]) is None


def test_a_summary_on_its_post_and_on_every_list_is_not_site_wide() -> None:
    summary = text_changes(["Opens at nine."], ["Opens at ten."])
    pages = [summary] * 5  # the post, the home page, its section and two terms: 5 of 6 pages
    lists = [False, True, True, True, True]
    assert site_wide_lines(pages, pages_in_site=6) == ({"Opens at nine."}, {"Opens at ten."})
    assert site_wide_lines(pages, pages_in_site=6, lists=lists, singles_in_site=2) == (
        frozenset(),
        frozenset(),
    )


def test_a_date_on_lists_and_posts_alike_is_site_wide() -> None:
    date = text_changes(["Built 2026-11-29"], ["Built 2026-11-30"])
    lists = [True, True, False, False, False]
    removed, added = site_wide_lines([date] * 5, pages_in_site=5, lists=lists, singles_in_site=3)
    assert removed == added == {"Built 0-0-0"}
