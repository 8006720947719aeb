import pytest

from chalicelib.wordpress.datearchives import (
    archive_day,
    archive_pages,
    archive_terms,
    common_front,
    day_paths,
    permalink_front,
)


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2024-05-06 07:08:09", ["2024", "2024-05"]),
        (" 1999-12-31 23:59:59", ["1999", "1999-12"]),
        ("0000-00-00 00:00:00", []),
        ("2024-13-01 00:00:00", []),
        ("", []),
        ("Mon, 06 May 2024", []),
    ],
)
def test_a_post_is_listed_under_its_local_year_and_month(date, expected):
    assert archive_terms(date) == expected


def test_month_titles_are_spelled_out_for_english_sites_only():
    english = {p.folder: (p.title, p.aliases) for p in archive_pages({"2024", "2024-05"}, "en-GB")}
    assert english == {"2024": ("2024", ["/2024/"]), "2024-05": ("May 2024", ["/2024/05/"])}
    german = {p.folder: p.title for p in archive_pages({"2024-05"}, "de-DE")}
    assert german == {"2024-05": "2024-05"}
    assert all(p.taxonomy == "archives" for p in archive_pages({"2024"}, ""))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/2024/05/06/hello/", []),  # day and name
        ("/hello/", []),  # post name
        ("/archives/7", ["archives"]),  # numeric
        ("/blog/hello/", ["blog"]),
        ("/blog/2024/hello/", ["blog"]),
        ("/news/hello/", ["news"]),  # a category base, or a front: either way a harmless extra alias
        ("/?p=7", None),
        ("/somewhere/else/", None),
    ],
)
def test_a_permalinks_front_is_what_comes_before_its_date_slug_or_id(path, expected):
    assert permalink_front(path, "hello", 7, "2024-05-06 00:00:00") == expected


def test_the_front_is_what_every_post_agrees_on():
    fronts = [["blog", "news"], None, ["blog", "sport"], ["blog"]]
    front = None
    for other in fronts:
        front = common_front(front, other)
    assert front == ["blog"]
    assert common_front(["news"], ["sport"]) == []


def test_archives_under_a_front_keep_the_root_form_too():
    (page,) = archive_pages({"2024-05"}, "en", "/blog/")
    assert page.aliases == ["/2024/05/", "/blog/2024/05/"]
    (page,) = archive_pages({"2024-05"}, "en", "/")
    assert page.aliases == ["/2024/05/"]


def test_a_days_archive_is_named_by_its_month_and_day():
    assert archive_day("2024-05-06 07:08:09") == "06"
    assert archive_day("0000-00-00 00:00:00") == "" and archive_day("2024-05-00 00:00:00") == ""
    assert day_paths("2024-05", {"31", "06"}, "/blog/") == [
        "/2024/05/06/",
        "/blog/2024/05/06/",
        "/2024/05/31/",
        "/blog/2024/05/31/",
    ]
    assert day_paths("2024-05", {"06"}) == ["/2024/05/06/"]
